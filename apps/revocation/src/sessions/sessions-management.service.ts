import { Injectable } from '@nestjs/common';
import { notFound } from '@app/management';
import {
  adminCause,
  checkpointPage,
  requireUser,
  type CheckpointQuery,
} from '../management/management-params';
import type { AdminAction } from '../management/management-route';
import { KnownUsersRepository } from '../registry/known-users.repository';
import { LoginSessionsRepository } from '../registry/login-sessions.repository';
import { GrantRevocationsService } from '../revocations/grant-revocations.service';
import type { UpdateSessionBody } from './session.schemas';
import { sessionView } from './session.view';

const now = () => Math.floor(Date.now() / 1000);

/**
 * The Management API over login sessions. Revoking one (`DELETE /sessions/{id}`, and Auth0's
 * `POST /sessions/{id}/revoke`, which also names its refresh tokens) records a `session` revocation
 * (the login page stops honouring it) and revokes its grants with their refresh and access tokens.
 */
@Injectable()
export class SessionsManagementService {
  constructor(
    private readonly sessions: LoginSessionsRepository,
    private readonly grantRevocations: GrantRevocationsService,
    private readonly users: KnownUsersRepository,
  ) {}

  async get(id: string) {
    const session = await this.sessions.find(id, now());
    if (!session) throw sessionNotFound();
    return sessionView(session);
  }

  /** Replaces the session's `session_metadata` when the body names it; answers the session. */
  async update(id: string, body: UpdateSessionBody) {
    if (body.session_metadata === undefined) return this.get(id);
    const session = await this.sessions.setMetadata(id, now(), body.session_metadata);
    if (!session) throw sessionNotFound();
    return sessionView(session);
  }

  /** Revokes the session and its grants, committed before it resolves; 404 when it is not live. */
  async revoke(id: string, admin: AdminAction): Promise<void> {
    const revoked = await this.grantRevocations.revokeSession(
      id,
      adminCause(admin.adminSub, 'session_deleted'),
      admin.context,
    );
    if (!revoked) throw sessionNotFound();
  }

  /** Auth0's checkpoint page `{sessions, next}`; with `include_totals` too (Auth0 adds no `total`). */
  async listOfUser(userId: string, query: CheckpointQuery) {
    await requireUser(this.users, userId);
    const { items, more } = await this.sessions.pageOfUser(userId, now(), query.from ?? '', query.take);
    return checkpointPage('sessions', items.map(sessionView), more, (session) => session.id);
  }

  async deleteOfUser(userId: string, admin: AdminAction): Promise<void> {
    for (const sessionId of await this.sessions.liveIdsOfUser(userId, now())) {
      await this.grantRevocations.revokeSession(
        sessionId,
        adminCause(admin.adminSub, 'session_deleted'),
        admin.context,
      );
    }
  }
}

function sessionNotFound() {
  return notFound('The session does not exist', 'session_not_found');
}
