import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, type CollectedMessage } from '@app/testing';
import { Browser } from './support/browser';
import {
  browserAppSetup,
  exchangeCode,
  logInThroughHostedPage,
  refreshAsApp,
  silentAuthorize,
  type BrowserApp,
} from './support/hosted-login';
import { managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';

type AuditEvent = { type?: string; payload?: Record<string, unknown> };

/**
 * Security review #1: the session cookie carries a secret of its own. The session's id, published as
 * `sid` in ID tokens, as `session_id` on the audit stream and by the Management API, names the
 * session but opens nothing: replayed as the cookie it gets `login_required`, while the real cookie
 * still gives SSO. PostgreSQL keeps only the secret's hash. And review #15: a new login in the same
 * browser ends the session it replaces.
 */
describe('login sessions: the cookie is a secret, the sid is public', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `ines-${run}@example.test`;
  const db = new Client({ connectionString: stack.databaseUrl });
  let audit: EventCollector;
  let revocations: EventCollector;
  let app: BrowserApp;
  let userId: string;

  beforeAll(async () => {
    await db.connect();
    audit = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    revocations = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
    const adminToken = await managementToken(stack);
    ({ app, userId } = await browserAppSetup(stack, adminToken, {
      label: 'Sessions',
      run,
      email,
      password: PASSWORD,
    }));
  });

  afterAll(async () => {
    await Promise.all([audit?.stop(), revocations?.stop(), db.end()]);
  });

  const event = (message: CollectedMessage) => message.value as AuditEvent;
  const sessionStarted = (sessionId: string) =>
    audit.waitFor(
      (m) => event(m).type === 'login_session.started' && event(m).payload?.session_id === sessionId,
    );

  /** Logs a fresh browser in, exchanges the code and returns the cookie and the ID token's `sid`. */
  const logIn = async (browser = new Browser(stack.urls.issuance, stack.issuer), params = {}) => {
    const { code, verifier } = await logInThroughHostedPage(
      browser,
      app,
      { email, password: PASSWORD },
      params,
    );
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const sid = decodeJwt(tokens.json.id_token as string).sid as string;
    const cookie = browser.cookie('tessera_session');
    expect(typeof sid).toBe('string');
    expect(cookie).toBeTruthy();
    return { browser, sid, cookie: cookie!, tokens: tokens.json };
  };

  it('replaying the sid of an ID token or the session_id of the audit stream as the cookie gets login_required', async () => {
    const { sid, cookie } = await logIn();

    // The audit stream names the session by the same public id, on the session and on its tokens.
    const started = await sessionStarted(sid);
    const sessionId = event(started).payload!.session_id as string;
    expect(event(started).payload).toMatchObject({ user_id: userId, client_id: app.clientId });
    const tokenEvents = await Promise.all(
      ['access_token.issued', 'id_token.issued', 'refresh_token.issued'].map((type) =>
        audit.waitFor((m) => event(m).type === type && event(m).payload?.session_id === sid),
      ),
    );
    for (const message of [started, ...tokenEvents]) expect(message.raw).not.toContain(cookie);

    for (const published of [sid, sessionId]) {
      const replayed = await silentAuthorize(stack, app, published);
      expect(replayed.get('code')).toBeNull();
      expect(replayed.get('error')).toBe('login_required');
    }
    expect(sid).not.toBe(cookie);
    // The browser's own cookie still logs it in silently.
    const sso = await silentAuthorize(stack, app, cookie);
    expect(sso.get('error')).toBeNull();
    expect(sso.get('code')).toBeTruthy();
  });

  it('PostgreSQL keeps the hash of the cookie secret, never the secret', async () => {
    const { sid, cookie } = await logIn();
    const rows = await db.query<Record<string, unknown>>(
      'SELECT * FROM issuance.login_sessions WHERE id = $1',
      [sid],
    );
    expect(rows.rowCount).toBe(1);
    expect(rows.rows[0]!.secret_hash).toBe(createHash('sha256').update(cookie).digest('hex'));
    expect(JSON.stringify(rows.rows[0])).not.toContain(cookie);
  });

  it('a new login in a browser that has a session ends the session it replaces', async () => {
    const first = await logIn();
    // prompt=login: the browser sends its cookie, logs in again and gets a new session.
    const second = await logIn(first.browser, { prompt: 'login' });
    expect(second.sid).not.toBe(first.sid);
    expect(second.cookie).not.toBe(first.cookie);

    // A copy of the old cookie no longer logs anyone in; the new one does.
    expect((await silentAuthorize(stack, app, first.cookie)).get('error')).toBe('login_required');
    expect((await silentAuthorize(stack, app, second.cookie)).get('code')).toBeTruthy();
    const started = await sessionStarted(second.sid);
    expect(event(started).payload).toMatchObject({ replaced_session_id: first.sid });
    // The revocation registry (the Management API's sessions) ends it too.
    const ended = async () =>
      (
        await db.query('SELECT 1 FROM revocation.login_sessions WHERE id = $1 AND revoked_at IS NOT NULL', [
          first.sid,
        ])
      ).rowCount === 1;
    expect(await eventually(ended, 15_000, 50)).toBe(true);
    // …as a deletion does: a `session.revoked` (and its grants' revocations) on the revocation stream.
    const revoked = await revocations.waitFor((m) => {
      const payload = (m.value as { payload?: { target?: { kind?: string; session_id?: string } } }).payload;
      return payload?.target?.kind === 'session' && payload.target.session_id === first.sid;
    });
    expect((revoked.value as { payload: unknown }).payload).toMatchObject({
      reason: 'session_replaced',
      revoked_by: { kind: 'system' },
    });
    // The old session's refresh token is revoked with it; the new session's is not. (The app's refresh
    // tokens are Auth0's default, non-rotating: asking again is no reuse.)
    const refresh = (refreshToken: string) => refreshAsApp(stack, app, refreshToken);
    expect((await refresh(second.tokens.refresh_token as string)).status).toBe(200);
    const oldRefused = async () => (await refresh(first.tokens.refresh_token as string)).status === 403;
    expect(await eventually(oldRefused, 15_000, 50)).toBe(true);
    expect((await refresh(first.tokens.refresh_token as string)).json.error).toBe('invalid_grant');
    expect((await refresh(second.tokens.refresh_token as string)).status).toBe(200);
  });
});
