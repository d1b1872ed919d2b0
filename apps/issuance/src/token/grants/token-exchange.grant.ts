import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList } from '@app/jwt';
import {
  AccessDeniedError,
  InvalidGrantError,
  InvalidRequestError,
  UnauthorizedClientError,
  type OAuthParams,
  printable,
} from '@app/oauth';
import { Outbox } from '@app/outbox';
import { randomToken } from '@app/secrets';
import type { ClientEntity } from '../../clients/client.entity';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import {
  AccessTokenMinter,
  jwtIssuedEvent,
  type AccessTokenRequest,
  type ActorClaim,
} from '../access-token.minter';
import { grantedScope } from '../client-grant-scope';
import type { TokenResponse } from '../token-response';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** Auth0's On-Behalf-Of limit: a chain of more actors is refused. */
const MAX_DELEGATION_DEPTH = 4;

/**
 * RFC 8693 token exchange, On-Behalf-Of as Auth0 does it (reference/auth0-api.md §1.5): a
 * confidential client (typically an API) presents a user's access token it received (or an ID token
 * issued to itself) and gets one for another API (`audience`, required), for the same user, with itself recorded as the actor in
 * `act` (nested for chains). The subject token must be ours, valid and unrevoked; the client needs a
 * client grant for the target API, whose scopes bound what it can get.
 */
@Injectable()
export class TokenExchangeGrant {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly minter: AccessTokenMinter,
    private readonly outbox: Outbox,
  ) {}

  async exchange(client: ClientEntity, params: OAuthParams, context: EventContext): Promise<TokenResponse> {
    if (!client.grantTypes.includes(TOKEN_EXCHANGE_GRANT)) {
      throw new UnauthorizedClientError(`Grant type '${TOKEN_EXCHANGE_GRANT}' not allowed for the client.`);
    }
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new UnauthorizedClientError('Token exchange requires a confidential client');
    }
    const subjectToken = params.require('subject_token');
    const subjectTokenType = params.require('subject_token_type');
    if (subjectTokenType !== ACCESS_TOKEN_TYPE && subjectTokenType !== ID_TOKEN_TYPE) {
      throw new InvalidRequestError(
        `Unsupported subject_token_type; expected ${ACCESS_TOKEN_TYPE} or ${ID_TOKEN_TYPE}`,
      );
    }
    const requested = params.get('requested_token_type');
    if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
      throw new InvalidRequestError(`Unsupported requested_token_type; expected ${ACCESS_TOKEN_TYPE}`);
    }
    if (params.has('actor_token') || params.has('actor_token_type')) {
      throw new InvalidRequestError('actor_token is not supported: the authenticated client is the actor');
    }
    const audience = params.get('audience') ?? params.get('resource');
    if (audience === undefined) throw new InvalidRequestError('Missing required parameter: audience');
    const api = await this.lookup.resourceServer(audience);
    if (!api) throw new AccessDeniedError(`Service not found: ${printable(audience, 200)}`);
    const clientGrant = await this.lookup.clientGrant(client.clientId, audience);
    if (!clientGrant) {
      throw new AccessDeniedError(`Client is not authorized to access "${printable(audience, 200)}".`);
    }

    const verified = await this.verifier.verify(subjectToken);
    if (
      !verified ||
      typeof verified.claims.sub !== 'string' ||
      !isOfType(verified.claims, subjectTokenType, client.clientId)
    ) {
      throw new InvalidGrantError('Invalid subject_token');
    }
    if (this.revocations.isRevoked(revocableTokenOf(verified)))
      throw new InvalidGrantError('Invalid subject_token');
    const previousActor = actorOf(verified.claims.act);
    const act: ActorClaim = { sub: client.clientId, ...(previousActor ? { act: previousActor } : {}) };
    if (depthOf(act) > MAX_DELEGATION_DEPTH) throw new InvalidRequestError('Delegation depth exceeded');

    const scope = grantedScope(params.get('scope'), clientGrant.scope);
    const sub = verified.claims.sub;
    const request: AccessTokenRequest = {
      clientId: client.clientId,
      sub,
      audience: [audience],
      scope,
      alg: api.signingAlg,
      dialect: api.tokenDialect,
      lifetimeSeconds: api.tokenLifetime,
      act,
    };
    const minted = await this.minter.mint(request);
    const grantId = `gr_${randomToken(16)}`;
    await this.outbox.emit([
      jwtIssuedEvent(
        request,
        minted,
        { grantId, grantType: TOKEN_EXCHANGE_GRANT, logType: 'secte' },
        context,
      ),
    ]);
    return {
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: minted.expiresAt - minted.issuedAt,
      issued_token_type: ACCESS_TOKEN_TYPE,
      ...(scope ? { scope } : {}),
    };
  }
}

/**
 * The token is what its declared type says: access tokens carry `scope`; ID tokens never do, and an
 * ID token is only exchanged by the client it was issued to (its `aud`).
 */
function isOfType(claims: Record<string, unknown>, type: string, clientId: string): boolean {
  if (type === ACCESS_TOKEN_TYPE) return typeof claims.scope === 'string';
  const audiences =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  return claims.scope === undefined && audiences.includes(clientId);
}

/** A well-formed `act` chain from a verified token, or undefined. */
function actorOf(value: unknown, depth = 0): ActorClaim | undefined {
  if (depth > MAX_DELEGATION_DEPTH || typeof value !== 'object' || value === null) return undefined;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string') return undefined;
  const inner = actorOf(act, depth + 1);
  return inner ? { sub, act: inner } : { sub };
}

function depthOf(actor: ActorClaim): number {
  return actor.act ? 1 + depthOf(actor.act) : 1;
}
