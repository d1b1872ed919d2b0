import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisKeys, type OpaqueTokenRecord } from '@app/contracts';
import { eventually, post, requestJson, type HttpResult } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { managementToken } from './support/management-api';

const DB = 'Username-Password-Authentication';

/**
 * `GET`/`POST /userinfo` and legacy `POST /tokeninfo` on both introspection instances. Users are made
 * through account-linking's Management API, so profiles reach introspection the real way
 * (`tessera.accounts.v1`); opaque access tokens are written into the real Redis as the contract lays
 * them out, so each case (scopes, expiry, kind, unknown user) is exactly the record it needs;
 * userinfo-issued-tokens.spec.ts covers tokens issuance really minted.
 */
describe('/userinfo and /tokeninfo', () => {
  const stack = inject('stack');
  const instances = () => [stack.urls.introspection, stack.urls.introspection2!];
  const redis = createClient({ url: 'redis://127.0.0.1:6379' });
  const written: string[] = [];
  let admin: string;

  beforeAll(async () => {
    await redis.connect();
    admin = await managementToken(stack);
  });

  afterAll(async () => {
    if (written.length > 0) await redis.del(written);
    await redis.quit();
  });

  async function createUser(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await accountLinking(stack, admin, 'POST', '/api/v2/users', {
      connection: DB,
      email: `userinfo-${randomBytes(4).toString('hex')}@example.test`,
      password: 'Correct-Horse-7',
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.json.user_id as string;
  }

  async function opaqueToken(sub: string, overrides: Partial<OpaqueTokenRecord> = {}): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const record: OpaqueTokenRecord = {
      jti: randomBytes(12).toString('hex'),
      kind: 'access_token',
      client_id: stack.client.clientId,
      sub,
      grant_id: `grant-${randomBytes(8).toString('hex')}`,
      scope: 'openid profile email',
      aud: [`${stack.issuer}userinfo`],
      exp: now + 600,
      iat: now - 1,
      ...overrides,
    };
    const key = redisKeys.opaqueToken(createHash('sha256').update(token).digest('hex'));
    written.push(key);
    await redis.set(key, JSON.stringify(record), { EX: 600 });
    return token;
  }

  function userinfo(token: string | null, url = stack.urls.introspection, method: 'GET' | 'POST' = 'GET') {
    return requestJson(`${url}/userinfo`, method, token);
  }

  function expectInvalidToken(response: HttpResult): void {
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_token' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  }

  /** Waits until the user's profile has reached both instances (the accounts stream). */
  async function visibleEverywhere(token: string): Promise<void> {
    for (const url of instances()) {
      expect(await eventually(async () => (await userinfo(token, url)).status === 200, 10_000)).toBe(true);
    }
  }

  it('answers the profile claims the scopes release, on GET and POST, on both instances', async () => {
    const userId = await createUser({ name: 'Ada Lovelace', given_name: 'Ada', nickname: 'ada' });
    const token = await opaqueToken(userId);
    await visibleEverywhere(token);
    for (const url of instances()) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await userinfo(token, url, method);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.json).toMatchObject({
          sub: userId,
          name: 'Ada Lovelace',
          given_name: 'Ada',
          nickname: 'ada',
          email_verified: false,
        });
        expect(response.json.email).toMatch(/^userinfo-.*@example\.test$/);
        expect(typeof response.json.updated_at).toBe('string');
        // OIDC Core §5.3.2: claims without a value are left out, never null.
        expect(Object.values(response.json as object)).not.toContain(null);
      }
    }
    const onlyOpenid = await userinfo(await opaqueToken(userId, { scope: 'openid' }));
    expect(onlyOpenid.json).toEqual({ sub: userId });
    const onlyEmail = await userinfo(await opaqueToken(userId, { scope: 'openid email' }));
    expect(Object.keys(onlyEmail.json as object).sort()).toEqual(['email', 'email_verified', 'sub']);
  });

  it('403 insufficient_scope without openid', async () => {
    const userId = await createUser();
    const response = await userinfo(await opaqueToken(userId, { scope: 'profile email' }));
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('401 invalid_token for no token, junk, refresh tokens, expired, unknown users and API-only JWTs', async () => {
    const userId = await createUser();
    expectInvalidToken(await userinfo(null));
    expectInvalidToken(
      await requestJson(`${stack.urls.introspection}/userinfo`, 'GET', null, undefined, {
        authorization: 'Basic Zm9vOmJhcg==',
      }),
    );
    expectInvalidToken(await userinfo('junk'));
    expectInvalidToken(await userinfo(randomBytes(32).toString('base64url')));
    expectInvalidToken(await userinfo(await opaqueToken(userId, { kind: 'refresh_token' })));
    expectInvalidToken(await userinfo(await opaqueToken(userId, { exp: Math.floor(Date.now() / 1000) - 1 })));
    expectInvalidToken(await userinfo(await opaqueToken('auth0|nobody-at-all')));
    // A JWT for an ordinary API, whose aud does not include {issuer}userinfo.
    const apiToken = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    expectInvalidToken(await userinfo(apiToken.json.access_token as string));
  });

  it('refuses the token once the user is blocked, revoked or deleted', async () => {
    const blocked = await createUser();
    const revoked = await createUser();
    const deleted = await createUser();
    const tokens = {
      blocked: await opaqueToken(blocked),
      revoked: await opaqueToken(revoked),
      deleted: await opaqueToken(deleted),
    };
    for (const token of Object.values(tokens)) await visibleEverywhere(token);

    const patch = await accountLinking(
      stack,
      admin,
      'PATCH',
      `/api/v2/users/${encodeURIComponent(blocked)}`,
      {
        blocked: true,
      },
    );
    expect(patch.status).toBe(200);
    const revocation = await post(
      `${stack.urls.revocation}/api/v2/token-revocations`,
      JSON.stringify({ user_id: revoked }),
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(revocation.status).toBe(201);
    const removal = await accountLinking(
      stack,
      admin,
      'DELETE',
      `/api/v2/users/${encodeURIComponent(deleted)}`,
    );
    expect(removal.status).toBe(204);

    for (const url of instances()) {
      for (const token of Object.values(tokens)) {
        expect(await eventually(async () => (await userinfo(token, url)).status === 401, 10_000)).toBe(true);
        expectInvalidToken(await userinfo(token, url));
      }
    }
  });

  describe('POST /tokeninfo', () => {
    const tokeninfo = (body: Record<string, string> | string) =>
      post(`${stack.urls.introspection}/tokeninfo`, body);

    it('400 invalid_request without an id_token', async () => {
      for (const body of [{}, { id_token: '' }, '{}'] as (Record<string, string> | string)[]) {
        const response = await tokeninfo(body);
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ error: 'invalid_request' });
      }
    });

    it('401 invalid_token for junk and for an access token (not an ID token)', async () => {
      const apiToken = await post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'client_credentials',
        audience: stack.api.identifier,
        client_id: stack.client.clientId,
        client_secret: stack.client.clientSecret,
      });
      for (const idToken of ['junk', 'a.b.c', apiToken.json.access_token as string]) {
        for (const body of [{ id_token: idToken }, JSON.stringify({ id_token: idToken })]) {
          const response = await tokeninfo(body);
          expect(response.status).toBe(401);
          expect(response.json).toMatchObject({ error: 'invalid_token' });
        }
      }
    });
  });
});
