import { Inject, Injectable } from '@nestjs/common';
import { loginSessionStarted, originFields, TOPICS, type EventContext } from '@app/contracts';
import { Outbox } from '@app/outbox';
import { randomToken, sha256Hex } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { cookie, readCookie, SESSION_COOKIE } from './cookies';
import { LoginSessionsRepository, type LoginSession } from './login-sessions.repository';

/** Auth0's tenant defaults are 3 days idle and 30 days absolute; we keep the absolute one shorter. */
const SESSION_IDLE_SECONDS = 3 * 86_400;
const SESSION_ABSOLUTE_SECONDS = 7 * 86_400;

/** What a new login session needs to know about the login that starts it. */
export interface SessionStart {
  readonly userId: string;
  readonly connection: string;
  readonly clientId: string;
  /** The browser's `Cookie` header: a session it already has is replaced (ended) by the new one. */
  readonly cookieHeader: string | undefined;
  readonly context: EventContext;
}

/**
 * Login sessions of the hosted login page and the cookie that names them. A session has two values:
 * its id, which is public (`sid` in ID tokens, `session_id` on the audit stream and in the Management
 * API) and grants nothing, and the cookie's secret (256 random bits), which only the browser holds;
 * PostgreSQL keeps the secret's SHA-256, so a browser is recognised by the hash of its cookie.
 */
@Injectable()
export class LoginSessionsService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly sessions: LoginSessionsRepository,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.secureCookies = config.TESSERA_ISSUER.startsWith('https:');
  }

  /** The live session the browser's cookie secret names, if any: the one SSO may use. */
  async current(cookieHeader: string | undefined, now: number): Promise<LoginSession | null> {
    const found = await this.recognise(cookieHeader, now);
    return found && !found.revoked ? found.session : null;
  }

  /**
   * The unexpired session the cookie secret names, live or revoked: a revoked one only tells whose
   * browser this is (a blocked user is told so), it never logs anyone in.
   */
  async recognise(
    cookieHeader: string | undefined,
    now: number,
  ): Promise<{ session: LoginSession; revoked: boolean } | null> {
    const secret = readCookie(cookieHeader, SESSION_COOKIE);
    return secret === undefined ? null : this.sessions.findBySecret(sha256Hex(secret), now);
  }

  /**
   * Starts a session (row + `login_session.started`, one transaction) and returns it with the
   * `Set-Cookie` that carries its secret. The browser's previous session, if it had one, ends in the
   * same transaction (review #15): its cookie is overwritten, and a copy of it must not live on.
   */
  async start(start: SessionStart, now: number): Promise<{ session: LoginSession; setCookie: string }> {
    const replaced = await this.current(start.cookieHeader, now);
    const secret = randomToken(32);
    const session: LoginSession = {
      id: randomToken(32),
      userId: start.userId,
      connection: start.connection,
      authenticatedAt: now,
      expiresAt: now + SESSION_ABSOLUTE_SECONDS,
      idleExpiresAt: now + SESSION_IDLE_SECONDS,
    };
    await this.outbox.transaction(async (manager) => {
      if (replaced) await this.sessions.revoke(manager, replaced.id, now);
      await this.sessions.insert(manager, session, sha256Hex(secret));
      const event = loginSessionStarted.create(
        {
          session_id: session.id,
          user_id: session.userId,
          connection: session.connection,
          client_id: start.clientId,
          authenticated_at: now,
          expires_at: session.expiresAt,
          idle_expires_at: session.idleExpiresAt,
          ...(replaced ? { replaced_session_id: replaced.id } : {}),
          ...originFields(start.context.origin),
          log_type: 's',
        },
        start.context,
      );
      return { result: undefined, events: [{ topic: TOPICS.tokensIssued.name, key: session.id, event }] };
    });
    return {
      session,
      setCookie: cookie(SESSION_COOKIE, secret, SESSION_ABSOLUTE_SECONDS, this.secureCookies),
    };
  }

  /** The session was used: its idle timeout starts again (never past its absolute expiry). */
  async renewIdle(session: LoginSession, now: number): Promise<void> {
    await this.sessions.renewIdle(session.id, now + SESSION_IDLE_SECONDS);
  }
}
