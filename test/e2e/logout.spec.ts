import { randomBytes } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { EventCollector, type CollectedMessage } from '@app/testing';
import { Browser, formFields } from './support/browser';
import {
  browserAppSetup,
  exchangeCode,
  logInThroughHostedPage,
  refreshAsApp,
  silentAuthorize,
  type BrowserApp,
} from './support/hosted-login';
import { management, managementToken } from './support/management-api';

const PASSWORD = 'Logout-Password-7';

interface Revocation {
  type: string;
  payload: {
    target: Record<string, string>;
    reason: string;
    revoked_by: Record<string, string>;
    sub?: string;
    client_ids?: string[];
  };
}

/**
 * Issue #16 §2 on the real stack: Auth0's `GET /v2/logout` and OIDC RP-Initiated Logout's
 * `/oidc/logout` end the browser's session (`session.revoked`, reason `logout`), clear its cookie, and
 * send the browser only to one of the client's Allowed Logout URLs; a refused request ends nothing.
 */
describe('logout', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `logout-${run}@example.test`;
  const logoutUrl = `https://logout-${run}.example.test/bye`;
  let admin: string;
  let app: BrowserApp;
  let userId: string;
  let revoked: EventCollector;

  beforeAll(async () => {
    admin = await managementToken(stack);
    ({ app, userId } = await browserAppSetup(stack, admin, {
      label: 'Logout',
      run,
      email,
      password: PASSWORD,
    }));
    const patched = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
      allowed_logout_urls: [logoutUrl],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.allowed_logout_urls).toEqual([logoutUrl]);
    expect(patched.json.logout_revokes_refresh_tokens).toBe(false);
    revoked = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
  });
  afterAll(async () => {
    await revoked?.stop();
  });

  const logIn = async () => {
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const { code, verifier } = await logInThroughHostedPage(browser, app, { email, password: PASSWORD });
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const idToken = tokens.json.id_token as string;
    return {
      browser,
      cookie: browser.cookie('tessera_session')!,
      idToken,
      sessionId: decodeJwt(idToken).sid as string,
      refreshToken: tokens.json.refresh_token as string,
    };
  };
  const sessionRevocation = async (sessionId: string) =>
    (
      await revoked.waitFor((message: CollectedMessage) => {
        const event = message.value as Revocation | null;
        return event?.payload.target.kind === 'session' && event.payload.target.session_id === sessionId;
      })
    ).value as Revocation;
  const expectCookieCleared = (setCookies: string[]) =>
    expect(setCookies.some((line) => /^tessera_session=;.*Max-Age=0/.test(line))).toBe(true);
  const stillLoggedIn = async (cookie: string) =>
    expect((await silentAuthorize(stack, app, cookie)).get('code')).toBeTruthy();
  const loggedOut = async (cookie: string) =>
    expect((await silentAuthorize(stack, app, cookie)).get('error')).toBe('login_required');

  it('discovery advertises the end-session endpoint', async () => {
    const response = await fetch(`${stack.urls.issuance}/.well-known/openid-configuration`);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.end_session_endpoint).toBe(`${stack.issuer}oidc/logout`);
  });

  it('Allowed Logout URLs are validated by the Management API', async () => {
    for (const bad of ['not a url', 'https://*.example.test/', 'javascript:alert(1)', `${logoutUrl}#x`]) {
      const response = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
        allowed_logout_urls: [bad],
      });
      expect(response.status, bad).toBe(400);
    }
  });

  it('GET /v2/logout: an unregistered returnTo is refused and ends nothing; a registered one logs out', async () => {
    const { browser, cookie, sessionId, refreshToken } = await logIn();
    for (const query of [
      `client_id=${app.clientId}&returnTo=${encodeURIComponent('https://evil.example.test/')}`,
      `returnTo=${encodeURIComponent(logoutUrl)}`, // no client, no tenant list: refused
      `client_id=unknown-client&returnTo=${encodeURIComponent(logoutUrl)}`,
      `client_id=${app.clientId}&client_id=${app.clientId}`,
    ]) {
      const refused = await browser.get(`/v2/logout?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.location).toBeNull();
    }
    await stillLoggedIn(cookie);

    const done = await browser.get(
      `/v2/logout?client_id=${app.clientId}&returnTo=${encodeURIComponent(logoutUrl)}&federated`,
    );
    expect(done.status, done.html).toBe(302);
    expect(done.location).toBe(logoutUrl);
    expectCookieCleared(done.setCookies);
    await loggedOut(cookie);

    const event = await sessionRevocation(sessionId);
    expect(event.type).toBe('session.revoked');
    expect(event.payload).toMatchObject({
      reason: 'logout',
      sub: userId,
      revoked_by: { kind: 'client', client_id: app.clientId },
    });
    expect(event.payload.client_ids).toContain(app.clientId);
    // Auth0 keeps refresh tokens at logout: the client did not ask for them to end.
    expect((await refreshAsApp(stack, app, refreshToken)).status).toBe(200);
  });

  it('/oidc/logout: id_token_hint of another issuer is refused; a valid (expired-tolerant) hint logs out with state', async () => {
    const { browser, cookie, idToken, sessionId } = await logIn();
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ sid: sessionId, azp: app.clientId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: (await exportJWK(publicKey)).n!.slice(0, 16) })
      .setIssuer('https://other-issuer.example.test/')
      .setSubject(userId)
      .setAudience(app.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const hinted = (hint: string, extra: Record<string, string> = {}) =>
      `/oidc/logout?${new URLSearchParams({ id_token_hint: hint, ...extra }).toString()}`;
    for (const path of [
      hinted(foreign),
      hinted(`${idToken.slice(0, -4)}AAAA`),
      hinted(idToken, { client_id: 'another-client' }),
      hinted(idToken, { post_logout_redirect_uri: 'https://evil.example.test/' }),
      hinted(idToken, { post_logout_redirect_uri: `${logoutUrl}/` }),
      hinted(idToken, { logout_hint: 'not-the-sid' }),
    ]) {
      const refused = await browser.get(path);
      expect(refused.status, path).toBe(400);
      expect(refused.location).toBeNull();
    }
    await stillLoggedIn(cookie);

    const done = await browser.get(hinted(idToken, { post_logout_redirect_uri: logoutUrl, state: 'st 1' }));
    expect(done.status, done.html).toBe(302);
    expect(done.location).toBe(`${logoutUrl}?state=st+1`);
    expectCookieCleared(done.setCookies);
    await loggedOut(cookie);
    expect((await sessionRevocation(sessionId)).payload.reason).toBe('logout');

    // No session left: the same request just goes back to the application.
    const again = await browser.get(hinted(idToken, { post_logout_redirect_uri: logoutUrl }));
    expect(again.status).toBe(302);
    expect(again.location).toBe(logoutUrl);
  });

  it('/oidc/logout without a hint asks first; only the confirmation from this browser logs out', async () => {
    const { browser, cookie, sessionId } = await logIn();
    const asked = await browser.get(
      `/oidc/logout?client_id=${app.clientId}&post_logout_redirect_uri=${encodeURIComponent(logoutUrl)}`,
    );
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('Log out?');
    await stillLoggedIn(cookie);
    const fields = formFields(asked.html);
    expect(fields.confirm).toBeTruthy();

    const forged = await browser.postForm('/oidc/logout', { ...fields, confirm: 'forged' });
    expect(forged.status).toBe(200); // asked again
    await stillLoggedIn(cookie);

    const confirmed = await browser.postForm('/oidc/logout', fields);
    expect(confirmed.status, confirmed.html).toBe(302);
    expect(confirmed.location).toBe(logoutUrl);
    await loggedOut(cookie);
    expect((await sessionRevocation(sessionId)).payload.reason).toBe('logout');
  });

  it("a client with logout_revokes_refresh_tokens: the session's refresh tokens end with the logout", async () => {
    const patched = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
      logout_revokes_refresh_tokens: true,
    });
    expect(patched.status, patched.text).toBe(200);
    try {
      const { browser, refreshToken, sessionId } = await logIn();
      const done = await browser.get(`/v2/logout?client_id=${app.clientId}`);
      expect(done.status).toBe(302);
      expect(done.location).toBe(logoutUrl); // the first Allowed Logout URL
      expect((await refreshAsApp(stack, app, refreshToken)).status).toBe(403);
      expect((await sessionRevocation(sessionId)).payload.reason).toBe('logout');
      const grant = await revoked.waitFor((message: CollectedMessage) => {
        const event = message.value as (Revocation & { payload: { session_id?: string } }) | null;
        return event?.type === 'grant.revoked' && event.payload.session_id === sessionId;
      });
      expect((grant.value as Revocation).payload.reason).toBe('logout');
    } finally {
      await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
        logout_revokes_refresh_tokens: false,
      });
    }
  });
});
