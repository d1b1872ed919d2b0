import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { notFound } from '@app/management';
import { adminCause, checkpointPage, type CheckpointQuery } from '../management/management-params';
import { LoginSessionsRepository } from '../registry/login-sessions.repository';
import { GrantRevocationsService } from '../revocations/grant-revocations.service';
import { sessionView } from './session.view';

const now = () => Math.floor(Date.now() / 1000);

/**
 * The Management API over login sessions. Deleting one records a `session` revocation (the login page
 * stops honouring it) and revokes its grants with their refresh and access tokens.
 */
@Injectable()
export class SessionsManagementService {
  constructor(
    private readonly sessions: LoginSessionsRepository,
    private readonly grantRevocations: GrantRevocationsService,
  ) {}

  async get(id: string) {
    const session = await this.sessions.find(id, now());
    if (!session) throw sessionNotFound();
    return sessionView(session);
  }

  async delete(id: string, adminSub: string, context: EventContext): Promise<void> {
    const revoked = await this.grantRevocations.revokeSession(
      id,
      adminCause(adminSub, 'session_deleted'),
      context,
    );
    if (!revoked) throw sessionNotFound();
  }

  async listOfUser(userId: string, query: CheckpointQuery) {
    const { items, more } = await this.sessions.pageOfUser(userId, now(), query.from ?? '', query.take);
    return checkpointPage('sessions', items.map(sessionView), more, (session) => session.id);
  }

  async deleteOfUser(userId: string, adminSub: string, context: EventContext): Promise<void> {
    for (const sessionId of await this.sessions.liveIdsOfUser(userId, now())) {
      await this.grantRevocations.revokeSession(sessionId, adminCause(adminSub, 'session_deleted'), context);
    }
  }
}

function sessionNotFound() {
  return notFound('The session does not exist', 'session_not_found');
}
