import { Injectable, Logger } from '@nestjs/common';
import {
  MAX_TOKEN_LIFETIME_SECONDS,
  sessionRevocationEndsTokens,
  type EventContext,
  type RevocationConcerns,
} from '@app/contracts';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { GrantsRepository } from '../registry/grants.repository';
import { IssuedTokensRepository, type LiveJwt } from '../registry/issued-tokens.repository';
import { LoginSessionsRepository } from '../registry/login-sessions.repository';
import { RefreshTokensRepository } from '../registry/refresh-tokens.repository';
import { UserGrantRevocationsRepository } from '../registry/user-grant-revocations.repository';
import { OpaqueTokenStore } from './opaque-token-store';
import { revocationFor, type RevocationCause } from './revocation-cause';
import { RevocationsService } from './revocations.service';
import { RevokedJtiMarker } from './revoked-jti-marker';

/** Grant revocations staged in a caller's transaction, and what to do in Redis once it commits. */
export interface StagedGrantRevocations {
  readonly grantIds: readonly string[];
  readonly jwts: readonly LiveJwt[];
  readonly events: OutboxEvent[];
}

/** The transaction a revocation is stored in (only repositories name TypeORM's types). */
type Transaction = Parameters<RefreshTokensRepository['markGrantsRevoked']>[0];

/**
 * Revokes grants (a refresh-token family and every access token issued from it, DESIGN §3) and login
 * sessions (their grants with them). The durable part — a `grant` revocation per grant and a `jti`
 * revocation per live JWT access token of it, since validators cannot map a JWT to its grant — commits
 * with its events in one transaction; the opaque tokens are deleted from Redis before that commit (so a
 * refresh fails from then on) and once more after it (for a rotation that raced the first deletion).
 */
@Injectable()
export class GrantRevocationsService {
  private readonly logger = new Logger(GrantRevocationsService.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly revocations: RevocationsService,
    private readonly issuedTokens: IssuedTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grants: GrantsRepository,
    private readonly sessions: LoginSessionsRepository,
    private readonly opaqueTokens: OpaqueTokenStore,
    private readonly marker: RevokedJtiMarker,
    private readonly userGrantRevocations: UserGrantRevocationsRepository,
  ) {}

  /** Revokes whole grants; resolves once committed and their opaque tokens are gone. */
  async revokeGrants(
    grantIds: readonly string[],
    cause: RevocationCause,
    context: EventContext,
  ): Promise<void> {
    if (grantIds.length === 0) return;
    await this.opaqueTokens.deleteGrants(grantIds);
    const staged = await this.outbox.transaction(async (manager) => {
      const result = await this.stageGrants(manager, grantIds, cause, context);
      return { result, events: result.events };
    });
    await this.afterCommit(staged);
  }

  /**
   * Revokes every grant of the user issued up to now: those the registry knows at once, and — since
   * the audit stream can lag — any it learns of later, on arrival (`lateUserGrantRevocation`).
   */
  async revokeEveryGrantOfUser(userId: string, cause: RevocationCause, context: EventContext): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    await this.userGrantRevocations.record(userId, {
      revokedThrough: now,
      reason: cause.reason,
      revokedBy: cause.revokedBy,
    });
    const grantIds = [
      ...(await this.grants.activeOfUser(userId)),
      ...(await this.refreshTokens.grantsOfUser(userId, now)),
    ];
    await this.revokeGrants(grantIds, cause, context);
  }

  /** The user-wide grant revocations recorded for these users. */
  userGrantRevocationsOf(userIds: readonly string[]) {
    return this.userGrantRevocations.ofUsers(userIds);
  }

  /**
   * Revokes a login session and (unless `withGrants` is false: a logout whose client keeps refresh
   * tokens) its grants. Returns false when the session is unknown (already revoked, expired, or never
   * seen), and revokes nothing then.
   */
  async revokeSession(
    sessionId: string,
    cause: RevocationCause,
    context: EventContext,
    withGrants = true,
  ): Promise<boolean> {
    const staged = await this.outbox.transaction(async (manager) => {
      const result = await this.stageSession(manager, sessionId, cause, context, withGrants);
      return { result, events: result?.events ?? [] };
    });
    if (staged) await this.afterCommit(staged);
    return staged !== null;
  }

  /**
   * Revokes one refresh token only (its client's "revocation deletes grant" is off): the caller has
   * deleted its Redis record; this records the revocation durably, with its event.
   */
  async revokeRefreshToken(
    refreshTokenId: string,
    expiresAt: number,
    cause: RevocationCause,
    context: EventContext,
    concerns: RevocationConcerns = {},
  ): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const revokedAt = new Date();
      const { events } = await this.revocations.stage(
        manager,
        revocationFor(
          { kind: 'refresh_token', refresh_token_id: refreshTokenId },
          expiresAt,
          cause,
          revokedAt,
          concerns,
        ),
        context,
      );
      await this.refreshTokens.markRevoked(manager, refreshTokenId, revokedAt);
      return { result: undefined, events };
    });
  }

  /** `revokeGrants` inside the caller's transaction: the caller appends `events` and calls `afterCommit`. */
  async stageGrants(
    manager: Transaction,
    grantIds: readonly string[],
    cause: RevocationCause,
    context: EventContext,
  ): Promise<StagedGrantRevocations> {
    const ordered = [...new Set(grantIds)].sort();
    const now = Math.floor(Date.now() / 1000);
    const revokedAt = new Date();
    const jwts = await this.issuedTokens.liveJwtsOfGrants(manager, ordered, now);
    const concerns = await this.issuedTokens.grantConcerns(manager, ordered);
    const revocation = (
      target: Parameters<typeof revocationFor>[0],
      expiresAt: number | null,
      concerning: RevocationConcerns | undefined,
    ) => ({
      payload: revocationFor(target, expiresAt, cause, revokedAt, concerning),
      context,
    });
    const items = [];
    for (const grantId of ordered) {
      items.push(
        revocation(
          { kind: 'grant', grant_id: grantId },
          await this.grantExpiry(manager, grantId, jwts),
          concerns.get(grantId),
        ),
      );
    }
    for (const jwt of jwts)
      items.push(revocation({ kind: 'jti', jti: jwt.jti }, jwt.expiresAt, jwt.concerns));
    const events = (await this.revocations.stageAll(manager, items)).flatMap((staged) => staged.events);
    await this.refreshTokens.markGrantsRevoked(manager, ordered, revokedAt);
    await this.grants.markRevoked(manager, ordered, revokedAt);
    return { grantIds: ordered, jwts, events };
  }

  /** `revokeSession` inside the caller's transaction; null when the session is unknown. */
  async stageSession(
    manager: Transaction,
    sessionId: string,
    cause: RevocationCause,
    context: EventContext,
    withGrants = true,
  ): Promise<StagedGrantRevocations | null> {
    const session = await this.sessions.live(manager, sessionId);
    if (session === null) return null;
    const revokedAt = new Date();
    const revocation = revocationFor(
      { kind: 'session', session_id: sessionId },
      session.expiresAt,
      cause,
      revokedAt,
      {
        sub: session.userId,
        // The client the user logged in to first; the session's grants name each of theirs.
        ...(session.clientIds[0] !== undefined ? { client_id: session.clientIds[0] } : {}),
        // Every client that had tokens from it: back-channel logout notifies each (issue #16 §2).
        client_ids: session.clientIds,
      },
    );
    // Validators end the tokens carrying the session's `sid` with it: the revocation must then matter
    // as long as any of them can live, which can be past the session's own end.
    if (sessionRevocationEndsTokens(revocation) && revocation.expires_at !== null) {
      revocation.expires_at = Math.max(
        revocation.expires_at,
        Math.floor(revokedAt.getTime() / 1000) + MAX_TOKEN_LIFETIME_SECONDS,
      );
    }
    const sessionEvents = (await this.revocations.stage(manager, revocation, context)).events;
    await this.sessions.markRevoked(manager, sessionId, revokedAt);
    if (!withGrants) return { grantIds: [], jwts: [], events: sessionEvents };
    const grantIds = [
      ...(await this.grants.ofSession(manager, sessionId)),
      ...(await this.refreshTokens.grantsOfSession(manager, sessionId)),
      ...(await this.issuedTokens.grantsOfSession(manager, sessionId)),
    ];
    const staged = await this.stageGrants(manager, grantIds, cause, context);
    return { ...staged, events: [...sessionEvents, ...staged.events] };
  }

  /**
   * After the commit: the fast-lookup markers of the revoked JWTs (a cache of PostgreSQL: a failure is
   * logged, the rebuilder restores them) and the opaque tokens issued while the transaction ran.
   */
  async afterCommit(staged: StagedGrantRevocations): Promise<void> {
    if (staged.jwts.length > 0) {
      try {
        await this.marker.markMany(staged.jwts, Math.floor(Date.now() / 1000));
      } catch (error) {
        this.logger.warn(`could not mark revoked jtis in Redis: ${describe(error)}`);
      }
    }
    await this.opaqueTokens.deleteGrants(staged.grantIds);
  }

  /**
   * Until when a grant revocation matters: the family's absolute expiry, else the latest of its JWTs;
   * forever (null) when a refresh token never expires or nothing of the grant is known yet.
   */
  private async grantExpiry(manager: Transaction, grantId: string, jwts: readonly LiveJwt[]) {
    const family = await this.refreshTokens.familyExpiry(manager, grantId);
    if (family === null) return null;
    const expiries = jwts.filter((jwt) => jwt.grantId === grantId).map((jwt) => jwt.expiresAt);
    if (family !== undefined) expiries.push(family);
    return expiries.length > 0 ? Math.max(...expiries) : null;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
