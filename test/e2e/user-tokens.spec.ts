import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisKeys, TOPICS } from '@app/contracts';
import { sha256Hex } from '@app/secrets';
import { EventCollector, post, type HttpResult } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { Browser, formFields, pkcePair } from './support/browser';
import { management, managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';
const DB = 'Username-Password-Authentication';
const CALLBACK = 'https://app.example.test/callback';
const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';

/**
 * Users' tokens end to end on the running stack: the password grants, refresh tokens (rotation,
 * reuse detection, concurrency), ID tokens, opaque `/userinfo` tokens in Redis, and the
 * authorization-code flow with PKCE through `/authorize` and the hosted login page.
 */
describe('Issuance: tokens for users', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `grace-${run}@example.test`;
  const apiIdentifier = `https://users-api-${run}.example.test/`;
  let token: string;
  let redis: ReturnType<typeof createClient>;
  let issuedEvents: EventCollector;
  let userId: string;
  let rotating: { client_id: string; client_secret: string };
  let withLeeway: { client_id: string; client_secret: string };
  let nonRotating: { client_id: string; client_secret: string };
  let spa: { client_id: string };
  let machine: { client_id: string; client_secret: string };

  const createClientWith = async (body: Record<string, unknown>) => {
    const created = await management(stack, token, 'POST', '/clients', body);
    expect(created.status, created.text).toBe(201);
    return created.json as { client_id: string; client_secret: string };
  };
  const userGrants = ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM];
  const rotatingSettings = {
    rotation_type: 'rotating',
    expiration_type: 'expiring',
    leeway: 0,
    token_lifetime: 86_400,
    idle_token_lifetime: 3_600,
    infinite_token_lifetime: false,
    infinite_idle_token_lifetime: false,
  };

  beforeAll(async () => {
    token = await managementToken(stack);
    redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    issuedEvents = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    const api = await management(stack, token, 'POST', '/resource-servers', {
      identifier: apiIdentifier,
      name: `Users API ${run}`,
      scopes: [{ value: 'read:notes' }, { value: 'write:notes' }],
      allow_offline_access: true,
    });
    expect(api.status, api.text).toBe(201);
    rotating = await createClientWith({
      name: `Rotating ${run}`,
      app_type: 'regular_web',
      grant_types: userGrants,
      callbacks: [CALLBACK],
      refresh_token: rotatingSettings,
    });
    withLeeway = await createClientWith({
      name: `Leeway ${run}`,
      app_type: 'regular_web',
      grant_types: userGrants,
      refresh_token: { ...rotatingSettings, leeway: 30 },
    });
    nonRotating = await createClientWith({
      name: `Non-rotating ${run}`,
      app_type: 'regular_web',
      grant_types: userGrants,
    });
    // A public client: whatever secret it was given, it authenticates with its client_id alone.
    const { client_id: spaId } = await createClientWith({
      name: `SPA ${run}`,
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [CALLBACK],
    });
    spa = { client_id: spaId };
    machine = await createClientWith({ name: `Machine ${run}`, grant_types: ['client_credentials'] });
    const user = await accountLinking(stack, token, 'POST', '/api/v2/users', {
      connection: DB,
      email,
      password: PASSWORD,
      name: 'Grace Hopper',
      given_name: 'Grace',
    });
    expect(user.status, user.text).toBe(201);
    userId = user.json.user_id as string;
  });

  afterAll(async () => {
    await issuedEvents?.stop();
    await redis?.quit();
  });

  const tokenRequest = (params: Record<string, string>): Promise<HttpResult> =>
    post(`${stack.urls.issuance}/oauth/token`, params);
  const passwordGrant = (
    client: { client_id: string; client_secret: string },
    extra: Record<string, string> = {},
  ) =>
    tokenRequest({
      grant_type: 'password',
      client_id: client.client_id,
      client_secret: client.client_secret,
      username: email,
      password: PASSWORD,
      audience: apiIdentifier,
      scope: 'openid profile email offline_access read:notes',
      ...extra,
    });
  const refresh = (
    client: { client_id: string; client_secret?: string },
    refreshToken: string,
    extra: Record<string, string> = {},
  ) =>
    tokenRequest({
      grant_type: 'refresh_token',
      client_id: client.client_id,
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      refresh_token: refreshToken,
      ...extra,
    });

  it('password grant: a JWT for the API (and /userinfo), an ID token with the profile, a refresh token', async () => {
    const response = await passwordGrant(rotating);
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = response.json;
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('openid profile email offline_access read:notes');
    // Both verify against the published JWKS (served by issuance itself here).
    const jwks = createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`));
    await jwtVerify(String(body.access_token), jwks, { issuer: stack.issuer, audience: apiIdentifier });
    await jwtVerify(String(body.id_token), jwks, { issuer: stack.issuer, audience: rotating.client_id });
    const access = decodeJwt(body.access_token);
    expect(access).toMatchObject({
      sub: userId,
      azp: rotating.client_id,
      gty: 'password',
      iss: stack.issuer,
    });
    expect(access.aud).toEqual([apiIdentifier, `${stack.issuer}userinfo`]);
    const id = decodeJwt(body.id_token);
    expect(id).toMatchObject({
      sub: userId,
      aud: rotating.client_id,
      email,
      email_verified: false,
      name: 'Grace Hopper',
      given_name: 'Grace',
    });
    // at_hash binds the ID token to its access token (OIDC Core §3.1.3.6).
    const digest = createHash('sha256').update(String(body.access_token)).digest();
    expect(id.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(id.azp).toBe(rotating.client_id);
    expect(typeof body.refresh_token).toBe('string');
    const record = await redis.get(redisKeys.opaqueToken(sha256Hex(body.refresh_token)));
    expect(JSON.parse(record!)).toMatchObject({
      kind: 'refresh_token',
      client_id: rotating.client_id,
      sub: userId,
    });
    const issued = await issuedEvents.waitFor(
      (message) =>
        (message.value as { type?: string; payload?: { sub?: string } })?.type === 'refresh_token.issued' &&
        (message.value as { payload: { sub: string } }).payload.sub === userId,
    );
    expect(issued.raw).not.toContain(body.refresh_token);
    // Where the token was obtained: the caller's address and User-Agent, never its credentials.
    expect((issued.value as { payload: object }).payload).toMatchObject({
      ip: '127.0.0.1',
      user_agent: expect.any(String),
    });
    expect(issued.raw).not.toContain(PASSWORD);
  });

  it('password-realm grant, and Auth0 refusals: wrong password, grant not enabled, unknown audience', async () => {
    const realm = await passwordGrant(rotating, { grant_type: PASSWORD_REALM, realm: DB, scope: 'openid' });
    expect(realm.status, realm.text).toBe(200);
    expect(realm.json.refresh_token).toBeUndefined();

    const wrong = await passwordGrant(rotating, { password: 'not-the-password' });
    expect(wrong.status).toBe(403);
    expect(wrong.json).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
    const refused = await issuedEvents.waitFor(
      (message) =>
        (message.value as { type?: string; payload?: { client_id?: string; log_type?: string } })?.type ===
          'token_request.refused' &&
        (message.value as { payload: { client_id: string } }).payload.client_id === rotating.client_id,
    );
    expect((refused.value as { payload: { log_type: string } }).payload.log_type).toBe('fepft');
    expect(refused.raw).not.toContain('not-the-password');

    const notEnabled = await passwordGrant(machine);
    expect(notEnabled.status).toBe(403);
    expect(notEnabled.json.error).toBe('unauthorized_client');
    const unknownApi = await passwordGrant(rotating, { audience: 'https://nowhere.example.test/' });
    expect(unknownApi.status).toBe(403);
    expect(unknownApi.json.error).toBe('access_denied');
    const missing = await tokenRequest({
      grant_type: 'password',
      client_id: rotating.client_id,
      client_secret: rotating.client_secret,
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe('invalid_request');
  });

  it('a user never gets administrative Management API scopes, only the current-user ones', async () => {
    const asked = await passwordGrant(nonRotating, {
      audience: `${stack.issuer}api/v2/`,
      scope: 'openid delete:users read:users create:clients update:current_user_identities',
    });
    expect(asked.status, asked.text).toBe(200);
    expect(asked.json.scope).toBe('openid update:current_user_identities');
    const everything = await passwordGrant(nonRotating, { audience: `${stack.issuer}api/v2/`, scope: '' });
    expect(String(decodeJwt(everything.json.access_token).scope).split(' ')).not.toContain('delete:users');
  });

  it('without an audience the access token is opaque, stored hashed in Redis for /userinfo', async () => {
    const response = await passwordGrant(nonRotating, { audience: '', scope: 'openid email' });
    expect(response.status, response.text).toBe(200);
    expect(String(response.json.access_token).split('.')).toHaveLength(1);
    const record = JSON.parse(
      (await redis.get(redisKeys.opaqueToken(sha256Hex(response.json.access_token))))!,
    );
    expect(record).toMatchObject({
      kind: 'access_token',
      sub: userId,
      aud: [`${stack.issuer}userinfo`],
      scope: 'openid email',
    });
  });

  it('rotation: each refresh returns a new refresh token; reusing an old one revokes the whole family', async () => {
    const first = (await passwordGrant(rotating)).json.refresh_token as string;
    const rotated = await refresh(rotating, first);
    expect(rotated.status, rotated.text).toBe(200);
    const second = rotated.json.refresh_token as string;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(decodeJwt(rotated.json.access_token).gty).toBe('refresh_token');
    expect(decodeJwt(rotated.json.id_token).sub).toBe(userId);

    const reuse = await refresh(rotating, first);
    expect(reuse.status).toBe(403);
    expect(reuse.json).toEqual({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    });
    // The legitimate holder's latest token dies with the family.
    const afterReuse = await refresh(rotating, second);
    expect(afterReuse.status).toBe(403);
    expect(await redis.exists(redisKeys.opaqueToken(sha256Hex(second)))).toBe(0);
    await issuedEvents.waitFor(
      (message) =>
        (message.value as { type?: string; payload?: { sub?: string } })?.type ===
          'refresh_token.reuse_detected' &&
        (message.value as { payload: { client_id: string } }).payload.client_id === rotating.client_id,
    );
  });

  it('concurrent refreshes of one rotating token: without leeway exactly one wins; with leeway all do', async () => {
    const strict = (await passwordGrant(rotating)).json.refresh_token as string;
    const strictResults = await Promise.all([1, 2, 3].map(() => refresh(rotating, strict)));
    expect(strictResults.map((result) => result.status).sort()).toEqual([200, 403, 403]);

    const lenient = (await passwordGrant(withLeeway)).json.refresh_token as string;
    const lenientResults = await Promise.all([1, 2, 3].map(() => refresh(withLeeway, lenient)));
    expect(lenientResults.map((result) => result.status)).toEqual([200, 200, 200]);
    const successors = lenientResults.map((result) => result.json.refresh_token as string);
    expect(new Set(successors).size).toBe(3);
    for (const successor of successors) expect((await refresh(withLeeway, successor)).status).toBe(200);
  });

  it('non-rotating: the same refresh token keeps working and no new one is returned; scope can only narrow', async () => {
    const refreshToken = (await passwordGrant(nonRotating)).json.refresh_token as string;
    for (let i = 0; i < 2; i++) {
      const response = await refresh(nonRotating, refreshToken, { scope: 'openid read:notes' });
      expect(response.status, response.text).toBe(200);
      expect(response.json.refresh_token).toBeUndefined();
      expect(response.json.scope).toBe('openid read:notes');
    }
    const wider = await refresh(nonRotating, refreshToken, { scope: 'openid write:notes' });
    expect(wider.status).toBe(400);
    expect(wider.json.error).toBe('invalid_scope');
    // Another client's refresh token is unknown to this one.
    expect((await refresh(rotating, refreshToken)).status).toBe(403);
    expect((await refresh(nonRotating, 'x'.repeat(600))).status).toBe(403);
    expect((await refresh(nonRotating, 'not-a-token')).status).toBe(403);
  });

  describe('authorization code with PKCE through /authorize and the hosted login page', () => {
    const authorizeUrl = (clientId: string, params: Record<string, string> = {}) =>
      `/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: CALLBACK,
        scope: 'openid profile offline_access',
        state: 'st-1',
        nonce: 'n-1',
        ...params,
      }).toString()}`;

    const logIn = async (browser: Browser, url: string) => {
      const start = await browser.get(url);
      expect(start.status, start.html).toBe(302);
      expect(start.location).toMatch(/\/u\/login\?state=/);
      const page = await browser.get(start.location!);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<form method="post" action="/u/login">');
      return formFields(page.html);
    };
    const codeOf = (location: string | null) => {
      const url = new URL(location!);
      expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
      return { code: url.searchParams.get('code')!, state: url.searchParams.get('state') };
    };

    it('logs in, returns a single-use code, and exchanges it with the verifier; the session skips the next login', async () => {
      const browser = new Browser(stack.urls.issuance, stack.issuer);
      const pkce = pkcePair();
      const fields = await logIn(
        browser,
        authorizeUrl(spa.client_id, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }),
      );

      const wrong = await browser.postForm('/u/login', { ...fields, username: email, password: 'nope' });
      expect(wrong.status).toBe(400);
      expect(wrong.html).toContain('Wrong email or password.');

      const done = await browser.postForm('/u/login', { ...fields, username: email, password: PASSWORD });
      expect(done.status, done.html).toBe(302);
      expect(browser.cookie('tessera_session')).toBeTruthy();
      const started = await issuedEvents.waitFor(
        (message) =>
          (message.value as { type?: string; payload?: { user_id?: string; client_id?: string } })?.type ===
            'login_session.started' &&
          (message.value as { payload: { client_id: string } }).payload.client_id === spa.client_id,
      );
      expect((started.value as { payload: object }).payload).toMatchObject({
        user_id: userId,
        ip: '127.0.0.1',
        user_agent: expect.any(String),
      });
      const { code, state } = codeOf(done.location);
      expect(state).toBe('st-1');

      const exchange = (verifier: string) =>
        tokenRequest({
          grant_type: 'authorization_code',
          client_id: spa.client_id,
          code,
          redirect_uri: CALLBACK,
          code_verifier: verifier,
        });
      expect((await exchange(pkcePair().verifier)).status).toBe(403);
      // A failed verifier does not burn the code (review #21): the client that holds it still can.
      expect((await exchange(pkce.verifier)).status).toBe(200);

      const pkce2 = pkcePair();
      const again = await browser.get(
        authorizeUrl(spa.client_id, {
          code_challenge: pkce2.challenge,
          code_challenge_method: 'S256',
          nonce: 'n-2',
        }),
      );
      expect(again.status).toBe(302);
      const second = codeOf(again.location);
      const tokens = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: spa.client_id,
        code: second.code,
        redirect_uri: CALLBACK,
        code_verifier: pkce2.verifier,
      });
      expect(tokens.status, tokens.text).toBe(200);
      const id = decodeJwt(tokens.json.id_token);
      expect(id).toMatchObject({ sub: userId, aud: spa.client_id, nonce: 'n-2', name: 'Grace Hopper' });
      expect(typeof id.sid).toBe('string');
      expect(typeof id.auth_time).toBe('number');
      expect(tokens.json.refresh_token).toBeTruthy();
      expect((await refresh(spa, tokens.json.refresh_token)).status).toBe(200);

      // Replaying the code revokes what it issued.
      const replay = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: spa.client_id,
        code: second.code,
        redirect_uri: CALLBACK,
        code_verifier: pkce2.verifier,
      });
      expect(replay.status).toBe(403);
      expect(replay.json.error).toBe('invalid_grant');
      await issuedEvents.waitFor(
        (message) => (message.value as { type?: string })?.type === 'authorization_code.reused',
      );
    });

    it('a confidential client authenticates at the token endpoint; prompt=login and max_age force a new login', async () => {
      const browser = new Browser(stack.urls.issuance, stack.issuer);
      const fields = await logIn(browser, authorizeUrl(rotating.client_id));
      const done = await browser.postForm('/u/login', { ...fields, username: email, password: PASSWORD });
      const { code } = codeOf(done.location);
      const withoutSecret = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: rotating.client_id,
        code,
        redirect_uri: CALLBACK,
      });
      expect(withoutSecret.status).toBe(401);
      const tokens = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: rotating.client_id,
        client_secret: rotating.client_secret,
        code,
        redirect_uri: CALLBACK,
      });
      expect(tokens.status, tokens.text).toBe(200);
      // Without an audience: an opaque access token for /userinfo.
      expect(String(tokens.json.access_token).split('.')).toHaveLength(1);

      const forced = await browser.get(authorizeUrl(rotating.client_id, { prompt: 'login' }));
      expect(forced.location).toMatch(/\/u\/login\?state=/);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const stale = await browser.get(authorizeUrl(rotating.client_id, { max_age: '0' }));
      expect(stale.location).toMatch(/\/u\/login\?state=/);
      const fresh = await browser.get(authorizeUrl(rotating.client_id, { max_age: '3600' }));
      expect(fresh.location).toMatch(/code=/);
    });

    it('refuses what must be refused, never redirecting to an unregistered URI', async () => {
      const browser = new Browser(stack.urls.issuance, stack.issuer);
      const badRedirect = await browser.get(
        authorizeUrl(rotating.client_id, { redirect_uri: 'https://evil.example.test/cb' }),
      );
      expect(badRedirect.status).toBe(400);
      expect(badRedirect.location).toBeNull();
      expect(badRedirect.html).toContain('allowed callback URLs');
      const unknownClient = await browser.get(authorizeUrl('no-such-client'));
      expect(unknownClient.status).toBe(400);

      const implicit = await browser.get(authorizeUrl(rotating.client_id, { response_type: 'token' }));
      expect(implicit.status).toBe(302);
      expect(new URL(implicit.location!).searchParams.get('error')).toBe('unsupported_response_type');
      expect(new URL(implicit.location!).searchParams.get('state')).toBe('st-1');
      const noPkce = await browser.get(authorizeUrl(spa.client_id));
      expect(new URL(noPkce.location!).searchParams.get('error')).toBe('invalid_request');
      const silent = await browser.get(authorizeUrl(rotating.client_id, { prompt: 'none' }));
      expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');

      // Login CSRF: a form posted without this browser's CSRF cookie is refused.
      const fields = await logIn(browser, authorizeUrl(rotating.client_id));
      browser.forget('tessera_csrf');
      const forged = await browser.postForm('/u/login', { ...fields, username: email, password: PASSWORD });
      expect(forged.status).toBe(403);
      expect(forged.location).toBeNull();
      const hostile = await browser.get('/u/login?state=%00%ff');
      expect(hostile.status).toBe(400);
    });
  });
});
