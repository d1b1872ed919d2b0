import { Inject, Injectable } from '@nestjs/common';
import { idTokenIssued, TOPICS, type EventContext, type SigningAlg } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList } from '@app/jwt';
import {
  InvalidGrantError,
  InvalidRequestError,
  UnauthorizedClientError,
  type OAuthParams,
} from '@app/oauth';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { UserProfilesRepository } from '../users/user-profiles.repository';
import { ID_TOKEN_LIFETIME_SECONDS, IdTokenMinter } from './id-token.minter';
import { OpaqueTokenStore } from './opaque-token.store';
import { RefreshTokensRepository } from './refresh-tokens/refresh-tokens.repository';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Claims a delegation token may carry: Auth0 allows `openid` and `openid profile email`. */
const DELEGATION_SCOPES = new Set(['openid', 'profile', 'email']);

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
 */
@Injectable()
export class DelegationService {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
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
    if (!target.grantTypes.includes(JWT_BEARER_GRANT) && target.clientId !== client.clientId) {
      throw new UnauthorizedClientError(
        `The target client does not accept delegation (${JWT_BEARER_GRANT}).`,
      );
    }
    const scopes = new Set((params.get('scope') ?? 'openid').split(' ').filter(Boolean));
    if (!scopes.has('openid') || [...scopes].some((scope) => !DELEGATION_SCOPES.has(scope))) {
      throw new InvalidRequestError('scope must be openid, optionally with profile and email');
    }

    const sub =
      idToken !== undefined
        ? await this.subjectOfIdToken(idToken, client.clientId)
        : await this.subjectOfRefreshToken(refreshToken!, client.clientId);
    const found = await this.profiles.lookup(sub);
    if (found.kind !== 'found' || found.user.blocked) throw new InvalidGrantError('Unknown or blocked user');

    const minted = await this.idTokens.mint({
      clientId: target.clientId,
      alg: target.jwtAlg as SigningAlg,
      user: found.user,
      scopes,
    });
    const grantId = `gr_delegation_${minted.jti}`;
    await this.outbox.emit([
      {
        topic: TOPICS.tokensIssued.name,
        key: grantId,
        event: idTokenIssued.create(
          {
            jti: minted.jti,
            grant_id: grantId,
            client_id: target.clientId,
            sub,
            grant_type: JWT_BEARER_GRANT,
            issued_at: minted.issuedAt,
            expires_at: minted.expiresAt,
            log_type: 'sd',
          },
          context,
        ),
      },
    ]);
    return { id_token: minted.token, token_type: 'Bearer', expires_in: ID_TOKEN_LIFETIME_SECONDS };
  }

  /** An unexpired ID token of ours, issued to the caller (aud), of a user not revoked since. */
  private async subjectOfIdToken(token: string, clientId: string): Promise<string> {
    const verified = await this.verifier.verify(token);
    const claims = verified?.claims;
    const audiences =
      typeof claims?.aud === 'string' ? [claims.aud] : Array.isArray(claims?.aud) ? claims.aud : [];
    if (
      !verified ||
      typeof claims?.sub !== 'string' ||
      claims.scope !== undefined ||
      !audiences.includes(clientId) ||
      claims.iss !== this.config.TESSERA_ISSUER ||
      this.revocations.isRevoked({ ...revocableTokenOf(verified), clientId })
    ) {
      throw new InvalidGrantError('Invalid id_token');
    }
    return claims.sub;
  }

  /** A live refresh token of the caller (checked like the refresh grant does, without exchanging it). */
  private async subjectOfRefreshToken(token: string, clientId: string): Promise<string> {
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
    return row.sub;
  }
}
