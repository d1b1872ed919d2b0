import { Injectable } from '@nestjs/common';
import type { EventOnTopic, RevocationReason, TOPICS } from '@app/contracts';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { GrantsRepository } from '../registry/grants.repository';
import { LoginSessionsRepository } from '../registry/login-sessions.repository';
import { RefreshTokensRepository } from '../registry/refresh-tokens.repository';
import {
  GrantRevocationsService,
  type StagedGrantRevocations,
} from '../revocations/grant-revocations.service';
import { revocationFor, type RevocationCause } from '../revocations/revocation-cause';
import { RevocationsRepository } from '../revocations/revocations.repository';
import { RevocationsService } from '../revocations/revocations.service';
import { epochSeconds } from '../revocations/system-revocations';

type AccountEvent = EventOnTopic<typeof TOPICS.accounts.name>;

const CONSUMER = 'account-revocations';

/**
 * A user whose tokens must all stop: the secondary user of `identity.linked` (merged into the primary),
 * a deleted user, a blocked user (every `user.updated` that says `blocked`) and a user whose password
 * was changed (review #2: a new password signs the user out everywhere). Each gets a subject
 * not-before at the event's own time (so a redelivery is the same revocation, a no-op) — what JWT
 * validators and issuance's sessions and refresh tokens apply — and their login sessions and grants
 * started by then are revoked, which deletes their opaque and refresh tokens from Redis at once. Only
 * those started by then: a group replaying the accounts topic must not end a session of today for a
 * password changed last month. All in one transaction with the event marked processed.
 */
@Injectable()
export class AccountRevocationsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly repository: RevocationsRepository,
    private readonly revocations: RevocationsService,
    private readonly grantRevocations: GrantRevocationsService,
    private readonly grants: GrantsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly sessions: LoginSessionsRepository,
  ) {}

  async apply(event: AccountEvent): Promise<void> {
    const revoked = userToRevoke(event);
    if (!revoked) return;
    const context = { correlationId: event.correlation_id, causationId: event.id };
    const staged = await this.outbox.transaction(async (manager) => {
      if (!(await this.repository.markApplied(manager, CONSUMER, event.id))) {
        return { result: [] as StagedGrantRevocations[], events: [] };
      }
      const cause: RevocationCause = { reason: revoked.reason, revokedBy: { kind: 'system' } };
      const events: OutboxEvent[] = [];
      const upTo = epochSeconds(event.occurred_at);
      const notBefore = await this.revocations.stage(
        manager,
        // Forever (expires null): tokens of any lifetime issued before it must never come back.
        revocationFor(
          { kind: 'subject', sub: revoked.userId, not_before: upTo },
          null,
          cause,
          new Date(event.occurred_at),
        ),
        context,
      );
      events.push(...notBefore.events);
      const now = Math.floor(Date.now() / 1000);
      const cascades: StagedGrantRevocations[] = [];
      for (const sessionId of await this.sessions.liveIdsOfUser(revoked.userId, now, manager, upTo)) {
        const session = await this.grantRevocations.stageSession(manager, sessionId, cause, context);
        if (session) cascades.push(session);
      }
      const grantIds = [
        ...(await this.grants.activeOfUser(revoked.userId, manager, upTo)),
        ...(await this.refreshTokens.grantsOfUser(revoked.userId, now, manager, upTo)),
      ];
      cascades.push(await this.grantRevocations.stageGrants(manager, grantIds, cause, context));
      for (const cascade of cascades) events.push(...cascade.events);
      return { result: cascades, events };
    });
    for (const cascade of staged) await this.grantRevocations.afterCommit(cascade);
  }
}

function userToRevoke(event: AccountEvent): { userId: string; reason: RevocationReason } | null {
  switch (event.type) {
    case 'identity.linked':
      return { userId: event.payload.secondary_user_id, reason: 'identity_linked' };
    case 'user.deleted':
      return { userId: event.payload.user_id, reason: 'user_deleted' };
    case 'user.updated':
      // Every update of a blocked user, not only the one that blocked: a blocked user keeps nothing.
      if (event.payload.blocked) return { userId: event.payload.user_id, reason: 'user_blocked' };
      if (event.payload.credentials_changed) {
        return { userId: event.payload.user_id, reason: 'password_changed' };
      }
      return null;
    case 'user.created':
    case 'identity.unlinked':
      return null;
  }
}
