import { Injectable, Logger } from '@nestjs/common';
import { userUpdated, type EventContext } from '@app/contracts';
import { Outbox } from '@app/outbox';
import { ConnectionsService } from '../connections/connections.service';
import type { IdentityEntity } from '../users/identity.entity';
import { UsersRepository } from '../users/users.repository';
import { userEvent } from '../users/user-events';
import { UpstreamOidcClient } from '../upstream/upstream-oidc.client';
import { UpstreamError } from '../upstream/upstream-provider';
import { IdpTokenVault, type IdpTokens } from './idp-token-vault';

/** An access token this close to its expiry is refreshed rather than handed out. */
const REFRESH_MARGIN_MS = 5_000;
/**
 * One read (a `GET /users` page of up to 100 users) refreshes at most this many identities, and
 * starts none after REFRESH_BUDGET_MS: the others are shown as stored (expired, `expires_in` 0) and
 * refreshed by a later read. Without a bound, a page could wait for 100 providers of 5 s each (review #20).
 */
const MAX_REFRESHES_PER_READ = 5;
const REFRESH_BUDGET_MS = 8_000;

export function identityKey(identity: Pick<IdentityEntity, 'provider' | 'providerUserId'>): string {
  return `${identity.provider}|${identity.providerUserId}`;
}

/**
 * Identity-provider tokens for callers with `read:user_idp_tokens`. An access token that has expired
 * and has a refresh token beside it is refreshed at the connection's token endpoint first, and the
 * new tokens are stored (sealed) with a `user.updated` snapshot, as every change to a user is.
 */
@Injectable()
export class IdpTokensService {
  private readonly logger = new Logger(IdpTokensService.name);
  /** Refreshes under way in this instance, by identity: concurrent readers share one. */
  private readonly refreshing = new Map<string, Promise<IdentityEntity>>();

  constructor(
    private readonly vault: IdpTokenVault,
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsService,
    private readonly upstream: UpstreamOidcClient,
    private readonly outbox: Outbox,
  ) {}

  async reveal(
    identities: readonly IdentityEntity[],
    context: EventContext,
  ): Promise<Map<string, IdpTokens>> {
    const revealed = new Map<string, IdpTokens>();
    const deadline = Date.now() + REFRESH_BUDGET_MS;
    let refreshes = 0;
    for (const stored of identities) {
      const refresh =
        this.needsRefresh(stored) && refreshes < MAX_REFRESHES_PER_READ && Date.now() < deadline;
      if (refresh) refreshes++;
      const identity = refresh ? await this.refreshed(stored, context) : stored;
      const tokens = this.opened(identity);
      if (tokens) revealed.set(identityKey(identity), tokens);
    }
    return revealed;
  }

  /**
   * The identity's tokens, or none when they no longer decrypt (sealed under a key version that was
   * removed from the configuration): the user is still readable, and the log says why.
   */
  private opened(identity: IdentityEntity): IdpTokens | null {
    try {
      return this.vault.open(identity);
    } catch {
      this.logger.error(`identity-provider tokens of an identity at ${identity.connection} do not decrypt`);
      return null;
    }
  }

  private needsRefresh(identity: IdentityEntity): boolean {
    return (
      identity.refreshTokenSealed !== null &&
      identity.accessTokenExpiresAt !== null &&
      identity.accessTokenExpiresAt.getTime() - REFRESH_MARGIN_MS <= Date.now()
    );
  }

  /** The identity with fresh tokens; concurrent readers in this instance wait for the same refresh. */
  private refreshed(identity: IdentityEntity, context: EventContext): Promise<IdentityEntity> {
    const key = identityKey(identity);
    const running = this.refreshing.get(key);
    if (running) return running;
    const refresh = this.refreshOnce(identity, context).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, refresh);
    return refresh;
  }

  /**
   * The identity with fresh tokens, or as it was when the provider cannot refresh them now.
   *
   * Review #20: a refresh token is spent once. The user row is locked (as every change to a user's
   * identities locks it) before the stored refresh token is read, and held across the provider's
   * answer, so a reader on another instance waits, then finds tokens that no longer need refreshing.
   * Spending the same refresh token twice would make a provider with reuse detection revoke the
   * family, and the stored tokens would be lost. The wait is bounded by the upstream timeout (5 s).
   */
  private async refreshOnce(identity: IdentityEntity, context: EventContext): Promise<IdentityEntity> {
    const connection = await this.connections.findByName(identity.connection);
    const provider = connection ? this.connections.upstreamProviderOf(connection) : null;
    if (!provider) return identity;
    try {
      return await this.outbox.transaction(async (manager) => {
        const user = (await this.users.lockUsers(manager, [identity.userId])).get(identity.userId);
        const current = await this.users.findIdentity(identity.provider, identity.providerUserId, manager);
        // Unlinked or deleted meanwhile: show nothing stale, store nothing.
        if (!user || current?.userId !== identity.userId) return { result: identity, events: [] };
        // Refreshed by another reader while this one waited for the lock.
        if (!this.needsRefresh(current)) return { result: current, events: [] };
        const refreshToken = this.opened(current)?.refresh_token;
        if (!refreshToken) return { result: current, events: [] };
        const tokens = await this.upstream.refresh(provider, refreshToken);
        const sealed = this.vault.seal(current, tokens);
        await this.users.saveIdentity(manager, sealed);
        const updatedUser = { ...user, updatedAt: new Date() };
        await this.users.save(manager, updatedUser);
        const all = (await this.users.identitiesOf([user.userId], manager)).get(user.userId) ?? [];
        return { result: sealed, events: [userEvent(userUpdated, updatedUser, all, context)] };
      });
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // The stored (expired) token is still the best answer; the caller sees expires_in 0.
      this.logger.warn(`identity-provider token refresh failed for ${identity.connection}: ${error.message}`);
      return identity;
    }
  }
}
