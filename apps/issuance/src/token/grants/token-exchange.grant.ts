import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList, TokenStateGate } from '@app/jwt';
import {
  AccessDeniedError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  UnauthorizedClientError,
  type OAuthParams,
  printable,
} from '@app/oauth';
import { Outbox } from '@app/outbox';
import { randomToken } from '@app/secrets';
import type { ClientEntity } from '../../clients/client.entity';
import { DEFAULT_TOKEN_EXCHANGE_POLICY } from '../../clients/exchange-policy';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import {
  AccessTokenMinter,
  jwtIssuedEvent,
  type AccessTokenRequest,
  type ActorClaim,
} from '../access-token.minter';
import type { TokenResponse } from '../token-response';
import {
  exchangedScopes,
  readSubjectToken,
  subjectTokenRefusal,
  type SubjectToken,
} from './subject-token-policy';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** Audiences of a subject token looked up for a client grant: ours carry an API and /userinfo. */
const MAX_SUBJECT_AUDIENCES = 4;
/** Auth0's On-Behalf-Of limit: a chain of more actors is refused. */
const MAX_DELEGATION_DEPTH = 4;

/**
 * RFC 8693 token exchange, On-Behalf-Of as Auth0 does it (reference/auth0-api.md §1.5): a
 * confidential client (typically an API) presents a user's access token it received (or an ID token
 * issued to itself) and gets one for another API (`audience`, required), for the same user, with
 * itself recorded as the actor in `act` (nested for chains). The client needs a client grant for the
 * target API; the subject token must be ours, valid, unrevoked and acceptable to the client's policy
 * (subject-token-policy.ts); the new token's scopes are at most the subject's ∩ the client grant's,
 * and it keeps the subject's grant and session, so it is revoked with them (docs/adr/0009).
 */
@Injectable()
export class TokenExchangeGrant {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly tokenState: TokenStateGate,
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

    const subject = await this.acceptableSubject(client, subjectToken, subjectTokenType);
    const previousActor = actorOf(subject.actor);
    const act: ActorClaim = { sub: client.clientId, ...(previousActor ? { act: previousActor } : {}) };
    if (depthOf(act) > MAX_DELEGATION_DEPTH) throw new InvalidRequestError('Delegation depth exceeded');

    const bounded = exchangedScopes(params.get('scope'), subject.scopes, clientGrant.scope);
    if (!bounded.ok) {
      throw new InvalidScopeError(
        `The subject token and the client grant do not both allow: ${bounded.outside
          .map((name) => printable(name, 200))
          .join(', ')}`,
      );
    }
    const scope = bounded.scopes.join(' ');
    const now = Math.floor(Date.now() / 1000);
    const request: AccessTokenRequest = {
      clientId: client.clientId,
      sub: subject.sub,
      audience: [audience],
      scope,
      alg: api.signingAlg,
      dialect: api.tokenDialect,
      // The new token never outlives its source (its revocation is bounded by the source's too).
      lifetimeSeconds: Math.max(1, Math.min(api.tokenLifetime, subject.expiresAt - now)),
      act,
      ...(subject.grantId !== undefined ? { grantId: subject.grantId } : {}),
      ...(subject.sessionId !== undefined ? { sessionId: subject.sessionId } : {}),
    };
    const minted = await this.minter.mint(request);
    // The lineage (docs/adr/0009): a user's token joins its source's grant and session, so revoking
    // the source's refresh token, grant or session revokes it too; its source's jti is named, so
    // revoking that one token revokes it too. A machine subject has no grant, only the jti.
    const grantId = subject.grantId ?? `gr_${randomToken(16)}`;
    await this.outbox.emit([
      jwtIssuedEvent(
        request,
        minted,
        {
          grantId,
          grantType: TOKEN_EXCHANGE_GRANT,
          logType: 'secte',
          ...(subject.jti !== undefined ? { sourceJti: subject.jti } : {}),
        },
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

  /**
   * The subject token, if this client may exchange it: ours, valid, of its declared kind, unrevoked
   * (its jti, grant, subject and client not-befores, key) and allowed by the exchange policy.
   */
  private async acceptableSubject(
    client: ClientEntity,
    token: string,
    tokenType: string,
  ): Promise<SubjectToken & { actor: unknown }> {
    // A revoked subject token looks unrevoked until the revocations are replayed (review #5).
    this.tokenState.assertOpen();
    const verified = await this.verifier.verify(token);
    const kind = tokenType === ACCESS_TOKEN_TYPE ? 'access_token' : 'id_token';
    const subject = verified ? readSubjectToken(verified.claims, kind, client.clientId) : null;
    if (!verified || !subject || this.revocations.isRevoked(revocableTokenOf(verified))) {
      throw new InvalidGrantError('Invalid subject_token');
    }
    const refusal = subjectTokenRefusal(
      subject,
      client.clientId,
      client.tokenExchange ?? DEFAULT_TOKEN_EXCHANGE_POLICY,
      await this.hasClientGrantForAny(client.clientId, subject.audiences),
    );
    if (refusal !== null) throw new InvalidGrantError(refusal);
    return { ...subject, actor: verified.claims.act };
  }

  private async hasClientGrantForAny(clientId: string, audiences: readonly string[]): Promise<boolean> {
    // Our tokens name one API (plus /userinfo); a longer list is not looked up further.
    for (const audience of audiences.slice(0, MAX_SUBJECT_AUDIENCES)) {
      if (await this.lookup.clientGrant(clientId, audience)) return true;
    }
    return false;
  }
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
