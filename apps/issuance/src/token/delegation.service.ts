import { Inject, Injectable } from '@nestjs/common';
import { GRANT_ID_CLAIM, idTokenIssued, TOPICS, type EventContext, type SigningAlg } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList, TokenStateGate } from '@app/jwt';
import {
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  UnauthorizedClientError,
  type OAuthParams,
} from '@app/oauth';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../clients/client.entity';
import { DEFAULT_DELEGATION_POLICY } from '../clients/exchange-policy';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { UserProfilesRepository } from '../users/user-profiles.repository';
import { IdTokenMinter } from './id-token.minter';
import { OpaqueTokenStore } from './opaque-token.store';
import { RefreshTokensRepository } from './refresh-tokens/refresh-tokens.repository';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Claims a delegation token may carry: Auth0 allows `openid` and `openid profile email`. */
const DELEGATION_SCOPES = new Set(['openid', 'profile', 'email']);

/** The token a delegation is made from: whose, its lineage, and what bounds the new token. */
interface DelegationSource {
  readonly sub: string;
  readonly grantId: string;
  readonly sessionId?: string;
  /** Epoch seconds; the new token expires no later. */
  readonly expiresAt?: number;
  /** A refresh token's granted scopes: the new token's scope must stay within them. */
  readonly scopes?: ReadonlySet<string>;
  /** An ID token's claim names: the new token releases no profile claim outside them. */
  readonly claims?: ReadonlySet<string>;
}

/** A target accepts delegation from another client only when it enabled the grant and names the caller. */
function acceptsDelegationFrom(target: ClientEntity, callerId: string): boolean {
  return (
    target.grantTypes.includes(JWT_BEARER_GRANT) &&
    (target.delegation ?? DEFAULT_DELEGATION_POLICY).allowed_callers.includes(callerId)
  );
}

export interface DelegationResponse {
  id_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * Auth0's legacy `POST /delegation` (reference/auth0-api.md §1.5): exchanges the caller's ID token or
 * refresh token for an ID token addressed to another client (`target`, default the caller). Auth0
 * signs it with the target's secret; we keep no secrets, so it is signed like every ID token, with
 * our published keys (RS256 by default), which any target can verify from the JWKS.
 *
 * It cannot widen access (issue #14 §4): another client is a target only if it enabled jwt-bearer
 * and names the caller in its `delegation.allowed_callers`; the new token carries no claim and no
 * scope its source lacked, never outlives it, and keeps its grant and session (docs/adr/0009).
 */
@Injectable()
export class DelegationService {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly tokenState: TokenStateGate,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly store: OpaqueTokenStore,
    private readonly profiles: UserProfilesRepository,
    private readonly idTokens: IdTokenMinter,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async delegate(
    client: ClientEntity,
    params: OAuthParams,
    context: EventContext,
  ): Promise<DelegationResponse> {
    if (params.require('grant_type') !== JWT_BEARER_GRANT) {
      throw new InvalidRequestError(`grant_type must be ${JWT_BEARER_GRANT}`);
    }
    const idToken = params.get('id_token');
    const refreshToken = params.get('refresh_token');
    if ((idToken === undefined) === (refreshToken === undefined)) {
      throw new InvalidRequestError('Send either id_token or refresh_token');
    }
    const targetId = params.get('target') ?? client.clientId;
    const target = targetId === client.clientId ? client : await this.lookup.client(targetId);
    if (!target) throw new InvalidRequestError('Unknown target client');
    if (target.clientId !== client.clientId && !acceptsDelegationFrom(target, client.clientId)) {
      throw new UnauthorizedClientError('The target client does not accept delegation from this client.');
    }
    const scopes = new Set((params.get('scope') ?? 'openid').split(' ').filter(Boolean));
    if (!scopes.has('openid') || [...scopes].some((scope) => !DELEGATION_SCOPES.has(scope))) {
      throw new InvalidRequestError('scope must be openid, optionally with profile and email');
    }

    const source =
      idToken !== undefined
        ? await this.sourceIdToken(idToken, client.clientId)
        : await this.sourceRefreshToken(refreshToken!, client.clientId);
    if (source.scopes) {
      const outside = [...scopes].filter((scope) => !source.scopes!.has(scope));
      if (outside.length > 0) {
        throw new InvalidScopeError(`The refresh token was not granted: ${outside.join(', ')}`);
      }
    }
    const found = await this.profiles.lookup(source.sub);
    if (found.kind !== 'found' || found.user.blocked) throw new InvalidGrantError('Unknown or blocked user');

    const minted = await this.idTokens.mint({
      clientId: target.clientId,
      alg: target.jwtAlg as SigningAlg,
      user: found.user,
      scopes,
      grantId: source.grantId,
      ...(source.sessionId !== undefined ? { sessionId: source.sessionId } : {}),
      ...(source.expiresAt !== undefined ? { notAfter: source.expiresAt } : {}),
      ...(source.claims ? { releasedClaims: source.claims } : {}),
    });
    // The lineage (docs/adr/0009): the delegated token joins its source's grant and session, so
    // revoking those revokes it too.
    await this.outbox.emit([
      {
        topic: TOPICS.tokensIssued.name,
        key: source.grantId,
        event: idTokenIssued.create(
          {
            jti: minted.jti,
            grant_id: source.grantId,
            client_id: target.clientId,
            sub: source.sub,
            ...(source.sessionId !== undefined ? { session_id: source.sessionId } : {}),
            grant_type: JWT_BEARER_GRANT,
            issued_at: minted.issuedAt,
            expires_at: minted.expiresAt,
            log_type: 'sd',
          },
          context,
        ),
      },
    ]);
    return { id_token: minted.token, token_type: 'Bearer', expires_in: minted.expiresAt - minted.issuedAt };
  }

  /**
   * An unexpired ID token of ours, issued to the caller (aud), unrevoked (jti, grant, user and client
   * not-befores), naming its grant (the lineage to keep); its profile claims bound the new token's.
   */
  private async sourceIdToken(token: string, clientId: string): Promise<DelegationSource> {
    this.tokenState.assertOpen();
    const verified = await this.verifier.verify(token);
    const claims = verified?.claims;
    const audiences =
      typeof claims?.aud === 'string' ? [claims.aud] : Array.isArray(claims?.aud) ? claims.aud : [];
    const grantId = claims?.[GRANT_ID_CLAIM];
    if (
      !verified ||
      typeof claims?.sub !== 'string' ||
      typeof claims.exp !== 'number' ||
      typeof grantId !== 'string' ||
      claims.scope !== undefined ||
      !audiences.includes(clientId) ||
      claims.iss !== this.config.TESSERA_ISSUER ||
      this.revocations.isRevoked({ ...revocableTokenOf(verified), clientId })
    ) {
      throw new InvalidGrantError('Invalid id_token');
    }
    return {
      sub: claims.sub,
      grantId,
      ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
      expiresAt: claims.exp,
      claims: new Set(Object.keys(claims)),
    };
  }

  /**
   * A live refresh token of the caller (checked like the refresh grant does, without exchanging it);
   * its granted scopes bound the new token's.
   */
  private async sourceRefreshToken(token: string, clientId: string): Promise<DelegationSource> {
    const invalid = () => new InvalidGrantError('Unknown or invalid refresh token.');
    if (token.length > 512) throw invalid();
    const hash = OpaqueTokenStore.hashOf(token);
    const row = await this.refreshTokens.findByHash(hash);
    const now = Math.floor(Date.now() / 1000);
    if (
      !row ||
      row.clientId !== clientId ||
      row.revokedAt !== null ||
      row.exchangedAt !== null ||
      (row.expiresAt !== null && row.expiresAt <= now) ||
      (row.idleExpiresAt !== null && row.idleExpiresAt <= now) ||
      !(await this.store.exists(hash))
    ) {
      throw invalid();
    }
    return {
      sub: row.sub,
      grantId: row.grantId,
      ...(row.sessionId !== null ? { sessionId: row.sessionId } : {}),
      ...(row.expiresAt !== null ? { expiresAt: row.expiresAt } : {}),
      scopes: new Set(row.scope.split(' ').filter(Boolean)),
    };
  }
}
