import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, requestJson, type HttpMethod } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { Browser, formFields, pkcePair } from './support/browser';
import { management, managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';
const DB = 'Username-Password-Authentication';
const CALLBACK = 'https://partner.example.test/callback';

interface GrantView {
  id: string;
  clientID: string;
  user_id: string;
  audience: string;
  scope: string[];
}

/**
 * User consent for third-party clients (security review #9) on the running stack: a client with
 * `is_first_party: false` gets a code only after the user accepted its scopes on the consent page;
 * the consent is a grant in revocation's `/api/v2/grants`; `prompt=none` without it is
 * `consent_required`; deleting it asks again and revokes the tokens issued under it. On main before
 * this, every one of these clients got its code silently.
 */
describe('Consent for third-party clients', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const apiIdentifier = `https://notes-${run}.example.test/`;
  const partnerName = `Partner App ${run}`;
  let token: string;
  let issuedEvents: EventCollector;
  let partner: { client_id: string; client_secret: string };
  let firstParty: { client_id: string; client_secret: string };

  const createClientWith = async (body: Record<string, unknown>) => {
    const created = await management(stack, token, 'POST', '/clients', body);
    expect(created.status, created.text).toBe(201);
    return created.json as { client_id: string; client_secret: string };
  };
  const newUser = async (name: string) => {
    const email = `${name}-${run}@example.test`;
    const user = await accountLinking(stack, token, 'POST', '/api/v2/users', {
      connection: DB,
      email,
      password: PASSWORD,
    });
    expect(user.status, user.text).toBe(201);
    return { email, userId: user.json.user_id as string };
  };
  const grantsApi = (method: HttpMethod, path: string) =>
    requestJson(`${stack.urls.revocation}/api/v2${path}`, method, token);
  const consentsOf = async (userId: string): Promise<GrantView[]> => {
    const listed = await grantsApi('GET', `/grants?user_id=${encodeURIComponent(userId)}`);
    expect(listed.status, listed.text).toBe(200);
    return (listed.json as GrantView[]).filter((grant) => grant.id.startsWith('cgr_'));
  };

  beforeAll(async () => {
    token = await managementToken(stack);
    issuedEvents = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    const api = await management(stack, token, 'POST', '/resource-servers', {
      identifier: apiIdentifier,
      name: `Notes API ${run}`,
      scopes: [
        { value: 'read:notes', description: 'Read your notes' },
        { value: 'write:notes', description: 'Write notes for you' },
      ],
      allow_offline_access: true,
    });
    expect(api.status, api.text).toBe(201);
    const settings = {
      app_type: 'regular_web',
      grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [CALLBACK],
    };
    partner = await createClientWith({ name: partnerName, is_first_party: false, ...settings });
    firstParty = await createClientWith({ name: `Own App ${run}`, ...settings });
  });

  afterAll(async () => {
    await issuedEvents?.stop();
  });

  // Third-party clients must use PKCE (Auth0's security controls); one pair serves every request here.
  const pkce = pkcePair();
  const authorizeUrl = (clientId: string, params: Record<string, string> = {}) =>
    `/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      audience: apiIdentifier,
      scope: 'openid profile offline_access read:notes',
      state: 'st-1',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...params,
    }).toString()}`;
  /** Logs in through the hosted login page; returns where the login sent the browser. */
  const logIn = async (browser: Browser, email: string, url: string) => {
    const start = await browser.get(url);
    expect(start.location).toMatch(/\/u\/login\?state=/);
    const fields = formFields((await browser.get(start.location!)).html);
    const done = await browser.postForm('/u/login', { ...fields, username: email, password: PASSWORD });
    expect(done.status, done.html).toBe(302);
    return done.location!;
  };
  const expectConsentPage = (location: string | null) => {
    expect(location).toMatch(/\/u\/consent\?state=[A-Za-z0-9_-]+$/);
    return location!;
  };
  const callbackOf = (location: string | null) => {
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
    return url.searchParams;
  };
  const exchange = (client: { client_id: string; client_secret: string }, code: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      code,
      redirect_uri: CALLBACK,
      code_verifier: pkce.verifier,
    });
  const expectErrorPage = (response: { status: number; html: string; location: string | null }) => {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.location).toBeNull();
    expect(response.html).toContain('Something went wrong');
  };

  it('shows which application asks for which permissions; Decline is access_denied and grants nothing', async () => {
    const { email, userId } = await newUser('ada');
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const consentUrl = expectConsentPage(await logIn(browser, email, authorizeUrl(partner.client_id)));

    const page = await browser.get(consentUrl);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Authorize ${partnerName}`);
    expect(page.html).toContain(`your account on Notes API ${run}`);
    expect(page.html).toContain('Read your notes');
    expect(page.html).toContain('Your profile');
    expect(page.html).toContain('offline access');
    expect(page.html).not.toContain('Write notes for you');
    expect(page.html).toContain('<form method="post" action="/u/consent">');
    const fields = formFields(page.html);

    const declined = await browser.postForm('/u/consent', { ...fields, action: 'deny' });
    expect(declined.status).toBe(302);
    const answer = callbackOf(declined.location);
    expect(answer.get('error')).toBe('access_denied');
    expect(answer.get('error_description')).toBe('User did not authorize the request');
    expect(answer.get('state')).toBe('st-1');
    expect(answer.get('code')).toBeNull();
    // An answer counts once: the same form cannot accept afterwards.
    expectErrorPage(await browser.postForm('/u/consent', { ...fields, action: 'accept' }));

    // Still logged in, still no consent: the next /authorize asks again, prompt=none cannot.
    expectConsentPage((await browser.get(authorizeUrl(partner.client_id))).location);
    const silent = callbackOf(
      (await browser.get(authorizeUrl(partner.client_id, { prompt: 'none' }))).location,
    );
    expect(silent.get('error')).toBe('consent_required');
    expect(silent.get('state')).toBe('st-1');
    expect(await consentsOf(userId)).toEqual([]);
  });

  it('Accept gives the code and a grant in /api/v2/grants; more scopes ask for the new ones only; deleting it asks again and revokes its tokens', async () => {
    const { email, userId } = await newUser('grace');
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const consentUrl = expectConsentPage(await logIn(browser, email, authorizeUrl(partner.client_id)));
    const fields = formFields((await browser.get(consentUrl)).html);
    const accepted = await browser.postForm('/u/consent', { ...fields, action: 'accept' });
    expect(accepted.status, accepted.html).toBe(302);
    const code = callbackOf(accepted.location).get('code');
    expect(code).toBeTruthy();
    const tokens = await exchange(partner, code!);
    expect(tokens.status, tokens.text).toBe(200);
    expect(tokens.json.scope).toBe('openid profile offline_access read:notes');

    // The consent on the audit stream, keyed by its grant id, and then in Auth0's grant shape.
    const granted = await issuedEvents.waitFor(
      (message) =>
        (message.value as { type?: string; payload?: { user_id?: string } })?.type === 'consent.granted' &&
        (message.value as { payload: { user_id: string } }).payload.user_id === userId,
    );
    const grantId = (granted.value as { payload: { grant_id: string } }).payload.grant_id;
    expect(grantId).toMatch(/^cgr_/);
    expect(granted.key).toBe(grantId);
    expect(granted.raw).not.toContain(browser.cookie('tessera_session')!);
    expect(await eventually(async () => (await consentsOf(userId)).length === 1, 15_000, 50)).toBe(true);
    const [consent] = await consentsOf(userId);
    expect(consent).toEqual({
      id: grantId,
      clientID: partner.client_id,
      user_id: userId,
      audience: apiIdentifier,
      scope: expect.arrayContaining(['openid', 'profile', 'offline_access', 'read:notes']),
    });
    expect(consent!.scope).toHaveLength(4);

    // Consented: silent authentication works, and so does a narrower request.
    const silent = callbackOf(
      (await browser.get(authorizeUrl(partner.client_id, { prompt: 'none' }))).location,
    );
    expect(silent.get('code')).toBeTruthy();
    const narrower = await browser.get(authorizeUrl(partner.client_id, { scope: 'openid read:notes' }));
    expect(callbackOf(narrower.location).get('code')).toBeTruthy();

    // One more scope: prompt=none cannot, the page asks for that one only.
    const wider = { scope: 'openid profile offline_access read:notes write:notes' };
    const silentWider = await browser.get(authorizeUrl(partner.client_id, { ...wider, prompt: 'none' }));
    expect(callbackOf(silentWider.location).get('error')).toBe('consent_required');
    const widerPage = await browser.get(
      expectConsentPage((await browser.get(authorizeUrl(partner.client_id, wider))).location),
    );
    expect(widerPage.html).toContain('Write notes for you');
    expect(widerPage.html).not.toContain('Read your notes');
    expect(widerPage.html).not.toContain('Your profile');
    const widened = await browser.postForm('/u/consent', { ...formFields(widerPage.html), action: 'accept' });
    expect(callbackOf(widened.location).get('code')).toBeTruthy();
    expect(
      await eventually(
        async () => (await consentsOf(userId))[0]?.scope.includes('write:notes') === true,
        15_000,
        50,
      ),
    ).toBe(true);
    // Still one consent (same id): a consent grows, it is not a new grant per request.
    expect((await consentsOf(userId)).map((grant) => grant.id)).toEqual([grantId]);

    // Withdraw it: the next prompt=none is consent_required, the tokens issued under it are revoked.
    expect(
      await eventually(
        async () =>
          (
            (await grantsApi('GET', `/grants?user_id=${encodeURIComponent(userId)}`)).json as GrantView[]
          ).some((grant) => grant.id.startsWith('gr_')),
        15_000,
        50,
      ),
    ).toBe(true);
    const refresh = () =>
      post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: partner.client_id,
        client_secret: partner.client_secret,
        refresh_token: tokens.json.refresh_token as string,
      });
    expect((await refresh()).status).toBe(200);
    expect((await grantsApi('DELETE', `/grants/${grantId}`)).status).toBe(204);
    const refreshed = await refresh();
    expect(refreshed.status).toBe(403);
    expect(refreshed.json.error).toBe('invalid_grant');
    expect(await consentsOf(userId)).toEqual([]);
    const asksAgain = async () => {
      const answer = await browser.get(authorizeUrl(partner.client_id, { prompt: 'none' }));
      return callbackOf(answer.location).get('error') === 'consent_required';
    };
    expect(await eventually(asksAgain, 15_000, 50)).toBe(true);
  });

  it('a first-party client never sees the consent page; prompt=none for a third-party one without consent is consent_required', async () => {
    const { email, userId } = await newUser('linus');
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const done = await logIn(browser, email, authorizeUrl(firstParty.client_id));
    const code = callbackOf(done).get('code');
    expect(code).toBeTruthy();
    expect((await exchange(firstParty, code!)).status).toBe(200);
    const silentOwn = await browser.get(authorizeUrl(firstParty.client_id, { prompt: 'none' }));
    expect(callbackOf(silentOwn.location).get('code')).toBeTruthy();

    // The same logged-in browser, a third-party client: no code without the user's consent.
    const silent = await browser.get(authorizeUrl(partner.client_id, { prompt: 'none', state: 'st-2' }));
    const answer = callbackOf(silent.location);
    expect(answer.get('error')).toBe('consent_required');
    expect(answer.get('state')).toBe('st-2');
    expect(answer.get('code')).toBeNull();
    // OpenID Connect scopes alone need consent too (kept under {issuer}userinfo, as Auth0 does).
    const oidcOnly = await browser.get(
      authorizeUrl(partner.client_id, { prompt: 'none', audience: '', scope: 'openid email' }),
    );
    expect(callbackOf(oidcOnly.location).get('error')).toBe('consent_required');
    expect(await consentsOf(userId)).toEqual([]);
  });

  it("refuses forged answers: no or a wrong CSRF token, someone else's prompt, NUL bytes, no session — the error page, never a 500", async () => {
    const victim = await newUser('victim');
    const attacker = await newUser('mallory');
    const victimBrowser = new Browser(stack.urls.issuance, stack.issuer);
    const victimConsent = expectConsentPage(
      await logIn(victimBrowser, victim.email, authorizeUrl(partner.client_id)),
    );
    const victimFields = formFields((await victimBrowser.get(victimConsent)).html);

    // The victim's own browser, but a form without or with a forged CSRF token.
    expectErrorPage(
      await victimBrowser.postForm('/u/consent', { state: victimFields.state!, action: 'accept' }),
    );
    expectErrorPage(
      await victimBrowser.postForm('/u/consent', {
        state: victimFields.state!,
        csrf: randomBytes(32).toString('base64url'),
        action: 'accept',
      }),
    );
    // Someone else (logged in as themselves) posting the victim's prompt, CSRF token included.
    const attackerBrowser = new Browser(stack.urls.issuance, stack.issuer);
    expectConsentPage(await logIn(attackerBrowser, attacker.email, authorizeUrl(partner.client_id)));
    expectErrorPage(await attackerBrowser.postForm('/u/consent', { ...victimFields, action: 'accept' }));
    expectErrorPage(await attackerBrowser.get(victimConsent.replace(/^.*\/u\//, '/u/')));
    // No session at all (the cookie is not sent cross-site).
    const anonymous = new Browser(stack.urls.issuance, stack.issuer);
    expectErrorPage(await anonymous.postForm('/u/consent', { ...victimFields, action: 'accept' }));
    expectErrorPage(await anonymous.get(victimConsent.replace(/^.*\/u\//, '/u/')));
    // NUL bytes and junk in every field, and an answer that is neither accept nor deny.
    const hostileForms: Record<string, string>[] = [
      { ...victimFields, state: `${victimFields.state!}\u0000`, action: 'accept' },
      { ...victimFields, csrf: `\u0000${victimFields.csrf!}`, action: 'accept' },
      { ...victimFields, action: 'accept\u0000' },
      { ...victimFields, action: 'maybe' },
      { state: '\u0000', csrf: '\u0000' },
      {},
    ];
    for (const form of hostileForms) {
      expectErrorPage(await victimBrowser.postForm('/u/consent', form));
    }
    for (const path of [
      '/u/consent',
      '/u/consent?state=%00',
      '/u/consent?state=%00%ff',
      '/u/consent?state=x',
    ]) {
      expectErrorPage(await victimBrowser.get(path));
    }
    expect(await consentsOf(victim.userId)).toEqual([]);
    expect(await consentsOf(attacker.userId)).toEqual([]);

    // After all that, the victim's real answer still works: nothing above consumed the prompt.
    const fresh = formFields((await victimBrowser.get(victimConsent)).html);
    const accepted = await victimBrowser.postForm('/u/consent', { ...fresh, action: 'accept' });
    expect(callbackOf(accepted.location).get('code')).toBeTruthy();

    // `DELETE /api/v2/grants?user_id=` withdraws every consent of the user as well.
    expect(await eventually(async () => (await consentsOf(victim.userId)).length === 1, 15_000, 50)).toBe(
      true,
    );
    const userId = encodeURIComponent(victim.userId);
    expect((await grantsApi('DELETE', `/grants?user_id=${userId}`)).status).toBe(204);
    expect(await consentsOf(victim.userId)).toEqual([]);
    const asksAgain = async () => {
      const answer = await victimBrowser.get(authorizeUrl(partner.client_id, { prompt: 'none' }));
      return callbackOf(answer.location).get('error') === 'consent_required';
    };
    expect(await eventually(asksAgain, 15_000, 50)).toBe(true);
  });
  it("a third-party client must use PKCE at /authorize (Auth0's security controls); a first-party one may not", async () => {
    const withoutPkce = (clientId: string) => {
      const url = new URL(authorizeUrl(clientId), stack.issuer);
      url.searchParams.delete('code_challenge');
      url.searchParams.delete('code_challenge_method');
      return `${url.pathname}${url.search}`;
    };
    const refused = callbackOf(
      (await new Browser(stack.urls.issuance, stack.issuer).get(withoutPkce(partner.client_id))).location,
    );
    expect(refused.get('error')).toBe('invalid_request');
    expect(refused.get('error_description')).toBe('Third-party clients must use PKCE (code_challenge)');
    expect(refused.get('state')).toBe('st-1');
    const own = await new Browser(stack.urls.issuance, stack.issuer).get(withoutPkce(firstParty.client_id));
    expect(own.location).toMatch(/\/u\/login\?state=/);
  });

  it('a third-party client gets no password grant, even with the grant enabled and the right password', async () => {
    const { email } = await newUser('ropc');
    const settings = {
      app_type: 'regular_web',
      grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm'],
    };
    const thirdParty = await createClientWith({
      name: `Partner ROPC ${run}`,
      is_first_party: false,
      ...settings,
    });
    const own = await createClientWith({ name: `Own ROPC ${run}`, ...settings });
    const passwordGrant = (client: { client_id: string; client_secret: string }, extra = {}) =>
      post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'password',
        client_id: client.client_id,
        client_secret: client.client_secret,
        username: email,
        password: PASSWORD,
        audience: apiIdentifier,
        scope: 'openid read:notes',
        ...extra,
      });

    // On main: 200 with the user's tokens for the API, and no consent ever asked.
    const refused = await passwordGrant(thirdParty);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json).toEqual({
      error: 'unauthorized_client',
      error_description: "Grant type 'password' not allowed for the client.",
    });
    const realm = 'http://auth0.com/oauth/grant-type/password-realm';
    const refusedRealm = await passwordGrant(thirdParty, { grant_type: realm, realm: DB });
    expect(refusedRealm.status, refusedRealm.text).toBe(403);
    expect(refusedRealm.json.error).toBe('unauthorized_client');
    // A wrong password gets the same answer: the client learns nothing about the credentials.
    expect((await passwordGrant(thirdParty, { password: 'wrong' })).json).toEqual(refused.json);
    // The refusal is on the audit stream as a failed password exchange (Auth0's `fepft`).
    await issuedEvents.waitFor((message) => {
      const value = message.value as { type?: string; payload?: Record<string, unknown> };
      return (
        value.type === 'token_request.refused' &&
        value.payload?.client_id === thirdParty.client_id &&
        value.payload?.error === 'unauthorized_client' &&
        value.payload?.log_type === 'fepft'
      );
    });

    // A first-party client with the same settings still gets its tokens.
    const granted = await passwordGrant(own);
    expect(granted.status, granted.text).toBe(200);
    expect(granted.json.access_token).toBeTruthy();
  });
});
