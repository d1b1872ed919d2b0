import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { basicAuth, post, requestJson } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { management, managementToken } from './support/management-api';

/**
 * Issue #14 §6: a NUL (`%00`), another control character, or an unpaired surrogate (`\ud800` in
 * JSON) in any parameter is refused where requests come in, with each surface's documented error —
 * `400 invalid_request` on the OAuth endpoints, the login error page on the browser endpoints, a
 * Management `400` on the Management API — and never reaches PostgreSQL (on main these were
 * `500 server_error`: `invalid byte sequence for encoding "UTF8": 0x00`, `unsupported Unicode escape
 * sequence`).
 */
describe('NUL, control characters and unpaired surrogates in parameters', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const { issuance, introspection, revocation, accountLinking: accounts } = stack.urls;
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  let admin: string;
  let webClient: { client_id: string; client_secret: string };
  const callback = `https://app-${run}.example.test/callback`;

  beforeAll(async () => {
    admin = await managementToken(stack);
    const created = await management(stack, admin, 'POST', '/clients', {
      name: `Hostile characters app ${run}`,
      app_type: 'regular_web',
      callbacks: [callback],
      grant_types: ['authorization_code', 'password'],
    });
    expect(created.status, created.text).toBe(201);
    webClient = created.json as { client_id: string; client_secret: string };
  });

  function expectInvalidRequest(response: { status: number; json: any; text: string }) {
    expect(response.status, response.text).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  }

  describe('OAuth endpoints: 400 invalid_request', () => {
    const endpoints = {
      token: {
        url: `${issuance}/oauth/token`,
        fields: { grant_type: 'client_credentials', audience: stack.api.identifier },
      },
      revoke: { url: `${revocation}/oauth/revoke`, fields: { token: 'x.y.z' } },
      introspect: { url: `${introspection}/oauth/introspect`, fields: { token: 'x.y.z' } },
      delegation: {
        url: `${issuance}/delegation`,
        fields: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', id_token: 'a.b.c' },
      },
    };

    describe.each(Object.entries(endpoints))('%s', (_name, { url, fields }) => {
      it.each([
        ['a NUL in the client id', { client_id: '\u0000' }],
        ['a NUL in a value', { [Object.keys(fields)[0]!]: 'a\u0000b' }],
        ['a line feed in a value', { [Object.keys(fields)[0]!]: 'a\nb' }],
        ['a NUL in a name', { ['x\u0000']: 'y' }],
      ])('form: %s', async (_what, hostile) => {
        const body = new URLSearchParams({ ...fields, ...credentials, ...hostile }).toString();
        expectInvalidRequest(await post(url, body, { contentType: 'application/x-www-form-urlencoded' }));
      });

      it.each([
        ['an unpaired high surrogate in the client id', '"client_id"', '"\\ud800"'],
        ['an unpaired low surrogate in a value', `"${Object.keys(fields)[0]}"`, '"a\\udc00"'],
        ['a NUL escape in a value', `"${Object.keys(fields)[0]}"`, '"a\\u0000"'],
        ['an unpaired surrogate in a name', '"x\\udbff"', '"y"'],
      ])('JSON: %s', async (_what, rawName, rawValue) => {
        const others = Object.entries({ ...credentials, ...fields }).filter(
          ([name]) => JSON.stringify(name) !== rawName,
        );
        const pairs = [...others.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`)];
        const body = `{${[...pairs, `${rawName}:${rawValue}`].join(',')}}`;
        expectInvalidRequest(await post(url, body, { contentType: 'application/json' }));
      });
    });

    it('a Basic header whose id decodes to a NUL is invalid_client, not a 500', async () => {
      const response = await post(`${issuance}/oauth/token`, endpoints.token.fields, {
        headers: { authorization: basicAuth('\u0000', 'secret') },
      });
      expect(response.status, response.text).toBe(401);
      expect(response.json.error).toBe('invalid_client');
    });

    it('a well-formed astral character (a surrogate pair) is not refused', async () => {
      const response = await post(`${issuance}/oauth/token`, {
        ...credentials,
        grant_type: 'client_credentials',
        audience: `https://\u{1F600}.example.test/`,
      });
      expect(response.status, response.text).toBe(403);
      expect(response.json.error).toBe('access_denied');
    });
  });

  describe('browser endpoints: the login error page', () => {
    async function page(url: string, init: RequestInit = {}) {
      const response = await fetch(url, { redirect: 'manual', ...init });
      const text = await response.text();
      expect(response.status, text).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('location')).toBeNull();
      expect(text).toMatch(/<!doctype html>/i);
      expect(text).not.toMatch(/server_error|at .*\.js:\d+/);
    }

    it('/authorize with a NUL in the client id, the state or a name', async () => {
      const good = `client_id=${encodeURIComponent(webClient.client_id)}&response_type=code&redirect_uri=${encodeURIComponent(callback)}`;
      await page(`${issuance}/authorize?client_id=%00`);
      await page(`${issuance}/authorize?${good}&state=a%00b`);
      await page(`${issuance}/authorize?${good}&scope=openid%0Aprofile`);
      await page(`${issuance}/authorize?${good}&x%00=y`);
    });

    it('/u/login (GET and POST) and /authorize/resume', async () => {
      await page(`${issuance}/u/login?state=%00`);
      await page(`${issuance}/u/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'state=%00&csrf=x&username=a&password=b',
      });
      await page(`${issuance}/u/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"state":"\\ud800","csrf":"x","username":"a","password":"b"}',
      });
      await page(`${issuance}/authorize/resume?transaction=%00&login_ticket=x`);
    });

    it('/login/start and /login/callback', async () => {
      await page(`${accounts}/login/start?connection=%00&transaction=x`);
      await page(`${accounts}/login/callback?state=x&code=%00`);
      await page(`${accounts}/login/callback?state=x&code=y&iss=%00`);
    });
  });

  describe('Management API: Auth0’s 400', () => {
    function expectManagement400(response: { status: number; json: any; text: string }, errorCode: string) {
      expect(response.status, response.text).toBe(400);
      expect(response.json).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.any(String),
        errorCode,
      });
    }

    it('a NUL in a query string is invalid_query_string', async () => {
      expectManagement400(
        await management(stack, admin, 'GET', '/clients?fields=a%00b'),
        'invalid_query_string',
      );
      expectManagement400(await management(stack, admin, 'GET', '/clients?x%00=1'), 'invalid_query_string');
      expectManagement400(
        await accountLinking(stack, admin, 'GET', '/api/v2/users-by-email?email=a%00@example.test'),
        'invalid_query_string',
      );
      expectManagement400(
        await requestJson(`${revocation}/api/v2/grants?user_id=a%00`, 'GET', admin),
        'invalid_query_string',
      );
    });

    it('a NUL in a path parameter is refused, not looked up', async () => {
      expectManagement400(await management(stack, admin, 'GET', '/clients/a%00b'), 'invalid_uri');
      expectManagement400(await management(stack, admin, 'DELETE', '/resource-servers/a%00b'), 'invalid_uri');
      expectManagement400(
        await accountLinking(stack, admin, 'GET', '/api/v2/connections/a%00'),
        'invalid_uri',
      );
      expectManagement400(
        await requestJson(`${revocation}/api/v2/sessions/a%00b`, 'GET', admin),
        'invalid_uri',
      );
    });

    it('a NUL or an unpaired surrogate anywhere in a JSON body is invalid_body', async () => {
      for (const body of [
        `{"name":"a\\u0000b","app_type":"regular_web"}`,
        `{"name":"a\\ud800b","app_type":"regular_web"}`,
        `{"name":"ok","callbacks":["https://a.example.test/\\udfff"]}`,
      ]) {
        expectManagement400(await management(stack, admin, 'POST', '/clients', body), 'invalid_body');
      }
      expectManagement400(
        await accountLinking(stack, admin, 'POST', '/api/v2/users', {
          connection: 'Username-Password-Authentication',
          email: `u-${run}@example.test`,
          password: 'Passw0rd!Passw0rd',
          user_metadata: { nested: ['ok', { deeper: 'bad\u0000' }] },
        }),
        'invalid_body',
      );
      expectManagement400(
        await accountLinking(
          stack,
          admin,
          'POST',
          '/api/v2/users',
          `{"connection":"Username-Password-Authentication","email":"v-${run}@example.test","password":"Passw0rd!Passw0rd","name":"\\ud83d"}`,
        ),
        'invalid_body',
      );
    });

    it('a newline in free text is still accepted (only what PostgreSQL cannot store is refused)', async () => {
      const created = await accountLinking(stack, admin, 'POST', '/api/v2/users', {
        connection: 'Username-Password-Authentication',
        email: `lines-${run}@example.test`,
        password: 'Passw0rd!Passw0rd',
        user_metadata: { note: 'first line\nsecond line \u{1F600}' },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.json.user_metadata).toEqual({ note: 'first line\nsecond line \u{1F600}' });
    });
  });

  describe('a path that is not valid percent-encoding: a plain 400 that does not quote it', () => {
    // fastify's router answered these itself, before any filter: `{"code":"FST_ERR_BAD_URL","message":
    // "'<the path>' is not a valid url component"}`, the caller's input echoed back.
    const marker = `zz${run}`;

    it('OAuth endpoints of every service: 400 invalid_request', async () => {
      for (const url of [
        `${issuance}/oauth/token/%${marker}`,
        `${issuance}/authorize%E0%A4%A${marker}`,
        `${introspection}/oauth/introspect%${marker}`,
        `${revocation}/oauth/revoke%${marker}`,
        `${accounts}/login/start%C0%AF${marker}`,
      ]) {
        const response = await requestJson(url, 'POST', null, {});
        expectInvalidRequest(response);
        expect(response.text, url).not.toContain(marker);
        expect(response.text).not.toContain('FST_ERR');
      }
    });

    it('the Management API of every service: Auth0’s 400 invalid_uri', async () => {
      for (const url of [
        `${issuance}/api/v2/clients/%${marker}`,
        `${accounts}/api/v2/users/auth0%7C%E0%A4%A${marker}`,
        `${revocation}/api/v2/sessions/%${marker}`,
      ]) {
        const response = await requestJson(url, 'GET', admin);
        expect(response.status, url).toBe(400);
        expect(response.json).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.any(String),
          errorCode: 'invalid_uri',
        });
        expect(response.text).not.toContain(marker);
      }
    });

    it('a path parameter over the router’s limit is still its 414, without the path either', async () => {
      const response = await requestJson(`${issuance}/api/v2/clients/${marker.repeat(20)}`, 'GET', admin);
      expect(response.status).toBe(414);
      expect(response.json).toMatchObject({ statusCode: 414, errorCode: 'invalid_uri' });
      expect(response.text).not.toContain(marker);
    });
  });

  it('every service still serves a good request afterwards', async () => {
    const token = await post(`${issuance}/oauth/token`, {
      ...credentials,
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
    });
    expect(token.status, token.text).toBe(200);
    const introspected = await post(`${introspection}/oauth/introspect`, {
      ...credentials,
      token: token.json.access_token as string,
    });
    expect(introspected.json.active).toBe(true);
  });
});
