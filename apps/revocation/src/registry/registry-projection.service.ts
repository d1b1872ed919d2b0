import { Injectable } from '@nestjs/common';
import type { EventOnTopic, TOPICS } from '@app/contracts';
import { GrantsRepository, type GrantFact } from './grants.repository';
import { IssuedTokensRepository } from './issued-tokens.repository';
import { LoginSessionsRepository } from './login-sessions.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';

type AuditEvent = EventOnTopic<typeof TOPICS.tokensIssued.name>;
type Of<K extends AuditEvent['type']> = Extract<AuditEvent, { type: K }>;

/**
 * Projects a batch of the audit stream into the registry: access tokens, refresh tokens (with their
 * rotations and exchanges), grants (users' consents among them) and login sessions. One statement per table per batch; every write
 * is keyed by the fact's own id, so a redelivered batch changes nothing.
 */
@Injectable()
export class RegistryProjectionService {
  constructor(
    private readonly issuedTokens: IssuedTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grants: GrantsRepository,
    private readonly sessions: LoginSessionsRepository,
  ) {}

  async apply(events: readonly AuditEvent[]): Promise<void> {
    const accessTokens = events.filter(
      (e): e is Of<'access_token.issued'> => e.type === 'access_token.issued',
    );
    const refreshTokens = events.filter(
      (e): e is Of<'refresh_token.issued' | 'refresh_token.rotated'> =>
        e.type === 'refresh_token.issued' || e.type === 'refresh_token.rotated',
    );
    const sessionsStarted = events.filter(
      (e): e is Of<'login_session.started'> => e.type === 'login_session.started',
    );
    // Sessions and grants first: the tokens below may name them.
    await this.sessions.record(sessionsStarted);
    await this.grants.record(grantFacts(accessTokens, refreshTokens));
    await this.grants.recordConsents(
      events
        .filter((e): e is Of<'consent.granted'> => e.type === 'consent.granted')
        .map(({ payload }) => ({
          id: payload.grant_id,
          clientId: payload.client_id,
          userId: payload.user_id,
          audience: payload.audience,
          scope: payload.scope,
          grantedAt: payload.granted_at,
        })),
    );
    await this.issuedTokens.record(accessTokens);
    await this.refreshTokens.record(refreshTokens);
    await this.refreshTokens.recordExchanges(
      accessTokens
        .filter((e) => e.payload.grant_type === 'refresh_token')
        .map((e) => ({ grantId: e.payload.grant_id, at: e.payload.issued_at })),
    );
    await this.sessions.recordUse(
      [...accessTokens, ...refreshTokens].flatMap((e) =>
        e.payload.session_id
          ? [{ sessionId: e.payload.session_id, clientId: e.payload.client_id, at: e.payload.issued_at }]
          : [],
      ),
    );
  }
}

/**
 * The grants a batch reveals. Client-credentials tokens are left out: each is a grant of its own with
 * no user, and Auth0's `/api/v2/grants` lists what users granted.
 */
function grantFacts(
  accessTokens: readonly Of<'access_token.issued'>[],
  refreshTokens: readonly Of<'refresh_token.issued' | 'refresh_token.rotated'>[],
): GrantFact[] {
  return [...refreshTokens, ...accessTokens]
    .filter((e) => e.payload.grant_type !== 'client_credentials')
    .map(({ payload }) => ({
      id: payload.grant_id,
      clientId: payload.client_id,
      userId: payload.sub,
      audiences: payload.aud,
      scope: payload.scope,
      sessionId: payload.session_id ?? null,
      createdAt: payload.issued_at,
    }));
}
