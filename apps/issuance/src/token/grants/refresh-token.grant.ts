import { Inject, Injectable } from '@nestjs/common';
import { refreshTokenReuseDetected, TOPICS, type EventContext, type UserSnapshot } from '@app/contracts';
import { RevocationList } from '@app/jwt';
import { InvalidGrantError, InvalidScopeError, UnauthorizedClientError, type OAuthParams } from '@app/oauth';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../../config/issuance.config';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import type { ResourceServerEntity } from '../../resource-servers/resource-server.entity';
import { bareSnapshot, UserProfilesRepository } from '../../users/user-profiles.repository';
import { granted, GrantFamilies, refused, settle, type Decision } from '../grant-families';
import { OpaqueTokenStore } from '../opaque-token.store';
import { refreshTokenLifetimes, effectiveExpiry } from '../refresh-tokens/refresh-token-lifetimes';
import { RefreshTokensRepository, type RefreshTokenRow } from '../refresh-tokens/refresh-tokens.repository';
import type { TokenResponse } from '../token-response';
import { UserTokenIssuer } from '../user-token.issuer';
import { narrowedScopes } from '../user-scopes';

/** Auth0's one answer for a revoked, expired, reused or unknown refresh token (§1.4); SDKs match on it. */
const invalidRefreshToken = () => new InvalidGrantError('Unknown or invalid refresh token.');

/**
 * `grant_type=refresh_token` (DESIGN §6 "Refresh"): the presented token is hashed and its row locked;
 * the family's latest token (or a just-rotated one within the client's leeway) is exchanged, rotating
 * it when the client rotates; an older rotated token is reuse — the whole family is revoked at once
 * (PostgreSQL and the shared store), `refresh_token.reuse_detected` is emitted, and the answer is
 * 403. A token revoked by the revocation service is gone from the shared store, so a refresh right
 * after `/oauth/revoke` fails without waiting for any event.
 */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly store: OpaqueTokenStore,
    private readonly profiles: UserProfilesRepository,
    private readonly issuer: UserTokenIssuer,
    private readonly outbox: Outbox,
    private readonly families: GrantFamilies,
    private readonly revocations: RevocationList,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async exchange(client: ClientEntity, params: OAuthParams, context: EventContext): Promise<TokenResponse> {
    if (!client.grantTypes.includes('refresh_token')) {
      throw new UnauthorizedClientError(`Grant type 'refresh_token' not allowed for the client.`);
    }
    const presented = params.require('refresh_token');
    if (presented.length > 512) throw invalidRefreshToken();
    const tokenHash = OpaqueTokenStore.hashOf(presented);

    // Refusals that change state (reuse) must commit before they are answered, so the transaction
    // returns them as outcomes rather than throwing (which would roll the revocation back).
    const decision = await this.outbox.transaction<Decision<TokenResponse>>(async (manager) => {
      const refuse = (error: Error) => ({ result: refused<TokenResponse>(error), events: [] });
      const row = await this.refreshTokens.lockByHash(manager, tokenHash);
      if (!row || row.clientId !== client.clientId) return refuse(invalidRefreshToken());
      // A deleted user's family is revoked too, but Auth0 names this case (its SDKs match on it),
      // so it is told first, whichever of the user's deletion and its revocation arrived first.
      const user = await this.userOf(row);
      if (user instanceof Error) return refuse(user);
      if (row.revokedAt !== null) return refuse(invalidRefreshToken());
      // What this instance already knows from the revocation stream counts before Redis is asked
      // (review #8): a user's or client's not-before, or the grant's revocation, ends the family
      // even if its row and the shared store have not been updated yet.
      if (this.revocations.isRevoked(revocableRefreshToken(row))) return refuse(invalidRefreshToken());

      const now = Math.floor(Date.now() / 1000);
      const settings = refreshTokenLifetimes(client.refreshToken, now, row.familyIssuedAt);
      // A leeway of 0 means none at all: even a concurrent second exchange in the same second is reuse.
      const withinLeeway =
        settings.leewaySeconds > 0 && now - (row.exchangedAt ?? now) <= settings.leewaySeconds;
      if (row.exchangedAt !== null && !withinLeeway) {
        // Reuse: whoever holds this token is not (only) the legitimate client. Kill the family.
        await this.families.kill(manager, row.grantId, now);
        const event = refreshTokenReuseDetected.create(
          {
            refresh_token_id: row.id,
            grant_id: row.grantId,
            client_id: row.clientId,
            sub: row.sub,
            detected_at: now,
            log_type: 'ferrt',
          },
          context,
        );
        return {
          result: refused<TokenResponse>(invalidRefreshToken()),
          events: [{ topic: TOPICS.tokensIssued.name, key: row.grantId, event }],
        };
      }
      if (isExpired(row, now)) return refuse(invalidRefreshToken());
      if (!(await this.store.exists(row.tokenHash))) return refuse(invalidRefreshToken());

      const scopes = narrowedScopes(params.get('scope'), row.scope.split(' ').filter(Boolean));
      if (scopes === null)
        return refuse(new InvalidScopeError('The requested scope exceeds the granted scope'));
      const api = await this.apiOf(row);
      if (api instanceof Error) return refuse(api);

      const rotate = settings.rotating;
      if (rotate) {
        await this.refreshTokens.markExchanged(manager, row.id, now);
        // The old token now only serves within the leeway; the shared store forgets it then.
        await this.store.expireAfter(row.tokenHash, settings.leewaySeconds);
      } else {
        await this.refreshTokens.renewIdle(manager, row.id, settings.idleExpiresAt);
        await this.store.extendTo(row.tokenHash, effectiveExpiry(settings, now));
      }
      const { response, events } = await this.issuer.issueOnRefresh(
        manager,
        {
          client,
          user,
          api,
          scopes,
          grantType: 'refresh_token',
          grantId: row.grantId,
          logType: 'sertft',
          ...(row.sessionId !== null ? { sessionId: row.sessionId } : {}),
          ...(row.authTime !== null ? { authTime: row.authTime } : {}),
        },
        { presented: row, rotate },
        context,
      );
      return { result: granted(response), events };
    });
    return settle(decision);
  }

  /** The user's current profile (for ID-token claims); a deleted or blocked user gets nothing. */
  private async userOf(row: RefreshTokenRow): Promise<UserSnapshot | Error> {
    const found = await this.profiles.lookup(row.sub);
    switch (found.kind) {
      case 'deleted':
        return new InvalidGrantError("The refresh_token was generated for a user who doesn't exist anymore.");
      case 'unknown':
        return bareSnapshot(row.sub);
      case 'found':
        return found.user.blocked ? invalidRefreshToken() : found.user;
    }
  }

  /** The API the family is for, or null for `/userinfo`-only tokens; a deleted API ends the family. */
  private async apiOf(row: RefreshTokenRow): Promise<ResourceServerEntity | null | Error> {
    const audience = row.aud[0];
    if (audience === undefined || audience === `${this.config.TESSERA_ISSUER}userinfo`) return null;
    return (await this.lookup.resourceServer(audience)) ?? invalidRefreshToken();
  }
}

/** A refresh token as the revocation list sees it: its family started at `familyIssuedAt`. */
function revocableRefreshToken(row: RefreshTokenRow) {
  return {
    grantId: row.grantId,
    refreshTokenId: row.id,
    ...(row.sessionId !== null ? { sessionId: row.sessionId } : {}),
    sub: row.sub,
    clientId: row.clientId,
    issuedAt: row.familyIssuedAt,
  };
}

function isExpired(row: RefreshTokenRow, now: number): boolean {
  return (
    (row.expiresAt !== null && row.expiresAt <= now) ||
    (row.idleExpiresAt !== null && row.idleExpiresAt <= now)
  );
}
