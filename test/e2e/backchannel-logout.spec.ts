import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, HttpReceiver, requestJson } from '@app/testing';
import { Browser } from './support/browser';
import {
  browserAppSetup,
  exchangeCode,
  logInThroughHostedPage,
  type BrowserApp,
} from './support/hosted-login';
import { management, managementToken } from './support/management-api';

const PASSWORD = 'Backchannel-Password-7';
const BACKCHANNEL_LOGOUT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A relying party's back-channel logout endpoint, as OIDC Back-Channel Logout 1.0 §2.6 has it verify
 * a logout token: signature against the OP's JWKS, `typ`, `iss`, `aud`, `iat`, the event, a `sid`,
 * and no `nonce`. Every token it accepts is kept; it can be stopped and started on the same port.
 */
class LogoutReceiver {
  readonly received: JWTPayload[] = [];
  readonly refused: string[] = [];
  private readonly server = new HttpReceiver(async (_request, body) =>
    (await this.verify(new URLSearchParams(body).get('logout_token') ?? '')) ? 200 : 400,
  );

  constructor(
    private readonly jwks: ReturnType<typeof createRemoteJWKSet>,
    private readonly issuer: string,
    private readonly clientId: string,
  ) {}

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url('/backchannel-logout');
  }

  private async verify(token: string): Promise<boolean> {
    try {
      if (decodeProtectedHeader(token).typ !== 'logout+jwt') throw new Error('typ');
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.clientId,
        typ: 'logout+jwt',
        requiredClaims: ['iat', 'jti', 'sid'],
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events[BACKCHANNEL_LOGOUT] !== 'object') throw new Error('events');
      if ('nonce' in payload) throw new Error('nonce');
      this.received.push(payload);
      return true;
    } catch (error) {
      this.refused.push(error instanceof Error ? error.message : String(error));
      return false;
    }
  }
}

/**
 * Issue #16 §2, OIDC Back-Channel Logout 1.0 on the real stack: when a login session ends (a logout,
 * a Management API deletion), every client that had tokens from it and registered a back-channel
 * logout URL gets a signed logout token, at least once, even when its receiver is down for a while.
 */
describe('back-channel logout', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `backchannel-${run}@example.test`;
  let admin: string;
  let app: BrowserApp;
  let userId: string;
  let receiver: LogoutReceiver;

  beforeAll(async () => {
    admin = await managementToken(stack);
    ({ app, userId } = await browserAppSetup(stack, admin, {
      label: 'Backchannel',
      run,
      email,
      password: PASSWORD,
    }));
    receiver = new LogoutReceiver(
      createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`)),
      stack.issuer,
      app.clientId,
    );
    await receiver.start();
    const patched = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
      oidc_logout: { backchannel_logout_urls: [receiver.url] },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.oidc_logout).toEqual({ backchannel_logout_urls: [receiver.url] });
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  const logIn = async () => {
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const { code, verifier } = await logInThroughHostedPage(browser, app, { email, password: PASSWORD });
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const idToken = tokens.json.id_token as string;
    return { browser, idToken, sessionId: decodeJwt(idToken).sid as string };
  };
  /** The revocation service knows the session once the audit stream told it (`login_session.started`). */
  const deleteSession = async (sessionId: string) => {
    const sessions = (method: 'GET' | 'DELETE') =>
      requestJson(`${stack.urls.revocation}/api/v2/sessions/${sessionId}`, method, admin);
    expect(await eventually(async () => (await sessions('GET')).status === 200, 15_000, 50)).toBe(true);
    const deleted = await sessions('DELETE');
    expect(deleted.status, deleted.text).toBe(202);
  };
  const logoutsOf = (sessionId: string) => receiver.received.filter((token) => token.sid === sessionId);

  it('is advertised in discovery, and its URLs are checked by the Management API', async () => {
    const document = (await (
      await fetch(`${stack.urls.issuance}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(document.backchannel_logout_supported).toBe(true);
    expect(document.backchannel_logout_session_supported).toBe(true);
    for (const bad of [
      'not a url',
      'javascript:alert(1)',
      `${receiver.url}#x`,
      'http://169.254.169.254/latest',
    ]) {
      const response = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
        oidc_logout: { backchannel_logout_urls: [bad] },
      });
      expect(response.status, bad).toBe(400);
    }
  });

  it('sends one signed logout token naming the session and the user when the session is deleted', async () => {
    const { sessionId } = await logIn();
    await deleteSession(sessionId);
    expect(await eventually(() => Promise.resolve(logoutsOf(sessionId).length > 0), 15_000, 50)).toBe(true);
    const [token] = logoutsOf(sessionId);
    expect(token).toMatchObject({ iss: stack.issuer, aud: app.clientId, sub: userId, sid: sessionId });
    expect(token!.exp! - token!.iat!).toBeLessThanOrEqual(300);
    expect(receiver.refused).toEqual([]);
  });

  it('sends it on a logout at /oidc/logout too', async () => {
    const { browser, idToken, sessionId } = await logIn();
    const done = await browser.get(
      `/oidc/logout?${new URLSearchParams({ id_token_hint: idToken }).toString()}`,
    );
    expect(done.status, done.html).toBeLessThan(400);
    expect(await eventually(() => Promise.resolve(logoutsOf(sessionId).length > 0), 15_000, 50)).toBe(true);
  });

  it('still delivers once a receiver that was down comes back', async () => {
    await receiver.stop();
    const { sessionId } = await logIn();
    await deleteSession(sessionId);
    // Down for a few retries (the stack retries at most every 2 s).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(logoutsOf(sessionId)).toEqual([]);
    await receiver.start();
    expect(await eventually(() => Promise.resolve(logoutsOf(sessionId).length > 0), 20_000, 100)).toBe(true);
    expect(receiver.refused).toEqual([]);

    // The queue on issuance's /metrics: the refused attempts, the delivery, what is left waiting.
    const scraped = await (await fetch(`${stack.urls.issuance}/metrics`)).text();
    const sample = (name: string, label = ''): number => {
      const line = scraped.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
      return Number(line?.split(' ').at(-1) ?? Number.NaN);
    };
    expect(sample('tessera_backchannel_logout_attempts_total', 'outcome="failed"')).toBeGreaterThan(0);
    expect(sample('tessera_backchannel_logout_attempts_total', 'outcome="delivered"')).toBeGreaterThan(0);
    expect(sample('tessera_backchannel_logout_pending')).toBeGreaterThanOrEqual(0);

    // The audit log: Auth0's oidc_backchannel_logout_succeeded for this session, after the retries.
    const succeeded = async () => {
      const response = await fetch(
        `${stack.urls.audit!}/api/v2/users/${encodeURIComponent(userId)}/logs?per_page=100`,
        { headers: { authorization: `Bearer ${admin}` } },
      );
      const logs = (await response.json()) as { type: string; details?: Record<string, unknown> }[];
      return logs.find(
        (log) => log.type === 'oidc_backchannel_logout_succeeded' && log.details?.session_id === sessionId,
      );
    };
    expect(await eventually(async () => (await succeeded()) !== undefined, 15_000, 200)).toBe(true);
    expect(Number((await succeeded())!.details!.attempts)).toBeGreaterThan(1);
  });
});
