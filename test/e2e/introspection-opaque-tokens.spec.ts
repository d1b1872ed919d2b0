import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createRevocationEvent,
  redisKeys,
  revocationKey,
  TOPICS,
  type OpaqueTokenRecord,
  type RevocationTarget,
} from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { basicAuth, eventually, post, type HttpResult, type RunningService, testKafka } from '@app/testing';
import { startExtraIntrospection } from './support/extra-introspection';
import { managementToken } from './support/management-api';

/**
 * Opaque access and refresh tokens at `POST /oauth/introspect`, through the shared opaque-token store
 * (libs/contracts `redisKeys.opaqueToken`). Issuance writes these records; here the test writes them
 * into the real Redis itself, exactly as the contract lays them out, so introspection is tested on its
 * own. Revocations come from the real stream: published as the revocation service would, or through
 * the revocation service's not-before endpoint.
 */
describe('introspection of opaque access and refresh tokens', () => {
  const stack = inject('stack');
  const instances = () => [stack.urls.introspection, stack.urls.introspection2!];
  const redis = createClient({ url: 'redis://127.0.0.1:6379' });
  const publisher = new EventPublisher(testKafka('e2e-opaque', stack.brokers));
  const owner = stack.client;
  const ownerCredentials = { client_id: owner.clientId, client_secret: owner.clientSecret };
  const written: string[] = [];

  beforeAll(async () => {
    await redis.connect();
  });

  afterAll(async () => {
    if (written.length > 0) await redis.del(written);
    await redis.quit();
    await publisher.disconnect();
  });

  /** Stores a record for a fresh random token, as issuance does; returns the token and its record. */
  async function storeOpaque(
    overrides: Partial<OpaqueTokenRecord> = {},
  ): Promise<{ token: string; record: OpaqueTokenRecord }> {
    const token = randomBytes(32).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const record: OpaqueTokenRecord = {
      jti: randomBytes(12).toString('hex'),
      kind: 'access_token',
      client_id: owner.clientId,
      sub: `auth0|user-${randomBytes(6).toString('hex')}`,
      grant_id: `grant-${randomBytes(8).toString('hex')}`,
      scope: 'openid profile email',
      aud: [`${stack.issuer}userinfo`],
      exp: now + 600,
      iat: now,
      ...overrides,
    };
    await storeRaw(token, JSON.stringify(record));
    return { token, record };
  }

  async function storeRaw(token: string, value: string, ttlSeconds = 600): Promise<void> {
    const key = redisKeys.opaqueToken(createHash('sha256').update(token).digest('hex'));
    written.push(key);
    await redis.set(key, value, { EX: ttlSeconds });
  }

  function introspect(
    token: string,
    url = stack.urls.introspection,
    auth: { body?: Record<string, string>; headers?: Record<string, string> } = { body: ownerCredentials },
  ): Promise<HttpResult> {
    return post(`${url}/oauth/introspect`, { token, ...auth.body }, { headers: auth.headers });
  }

  async function expectInactive(token: string, url?: string): Promise<void> {
    const response = await introspect(token, url);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ active: false });
  }

  async function publishRevocation(target: RevocationTarget): Promise<void> {
    const event = createRevocationEvent(
      {
        target,
        expires_at: Math.floor(Date.now() / 1000) + 600,
        reason: 'client_request',
        revoked_by: { kind: 'client', client_id: owner.clientId },
        revoked_at: new Date().toISOString(),
      },
      { correlationId: `e2e-opaque-${randomBytes(4).toString('hex')}` },
    );
    await publisher.publish([
      { topic: TOPICS.tokensRevoked.name, key: revocationKey(target), value: JSON.stringify(event) },
    ]);
  }

  it('answers a live opaque access token from its record, on both instances', async () => {
    const { token, record } = await storeOpaque();
    for (const url of instances()) {
      const response = await introspect(token, url);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.json).toEqual({
        active: true,
        scope: record.scope,
        client_id: record.client_id,
        sub: record.sub,
        aud: record.aud,
        iss: stack.issuer,
        exp: record.exp,
        iat: record.iat,
        jti: record.jti,
        token_type: 'Bearer',
      });
    }
  });

  it('answers a refresh token as token_type refresh_token, whatever the hint says', async () => {
    const { token, record } = await storeOpaque({ kind: 'refresh_token', aud: [stack.api.identifier] });
    for (const hint of ['refresh_token', 'access_token', 'something_else']) {
      const response = await post(`${stack.urls.introspection}/oauth/introspect`, {
        token,
        token_type_hint: hint,
        ...ownerCredentials,
      });
      expect(response.json).toMatchObject({ active: true, token_type: 'refresh_token', jti: record.jti });
    }
  });

  it('is inactive when absent, expired, or stored as something other than the contract', async () => {
    await expectInactive(randomBytes(32).toString('base64url'));
    const expired = await storeOpaque({ exp: Math.floor(Date.now() / 1000) - 1 });
    await expectInactive(expired.token);
    const broken = randomBytes(32).toString('base64url');
    await storeRaw(broken, '{"jti": 42');
    await expectInactive(broken);
    const wrongShape = randomBytes(32).toString('base64url');
    await storeRaw(wrongShape, JSON.stringify({ jti: 'x', kind: 'id_token', client_id: owner.clientId }));
    await expectInactive(wrongShape);
    // Only the exact token matches its hash: a token one character off is not found.
    const { token } = await storeOpaque();
    await expectInactive(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
  });

  it("answers another client's opaque tokens inactive; a Management token with the scope sees them", async () => {
    const { token } = await storeOpaque();
    const other = { client_id: stack.otherClient.clientId, client_secret: stack.otherClient.clientSecret };
    expect((await introspect(token, undefined, { body: other })).json).toEqual({ active: false });
    const viaBasic = await introspect(token, undefined, {
      headers: { authorization: basicAuth(owner.clientId, owner.clientSecret) },
    });
    expect(viaBasic.json).toMatchObject({ active: true });
    const admin = await managementToken(stack);
    const asAdmin = await introspect(token, undefined, { headers: { authorization: `Bearer ${admin}` } });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json).toMatchObject({ active: true, client_id: owner.clientId });
  });

  it('refuses a Management token without read:token_introspection (403) and a bad bearer (401)', async () => {
    const { token } = await storeOpaque();
    const narrow = await managementToken(stack, stack.bootstrap, 'read:clients');
    const refused = await introspect(token, undefined, { headers: { authorization: `Bearer ${narrow}` } });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: 'insufficient_scope' });
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    // An access token for an ordinary API is no Management token, however valid.
    const apiToken = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...ownerCredentials,
    });
    for (const bearer of [apiToken.json.access_token as string, token, 'not-a-token']) {
      const response = await introspect(token, undefined, { headers: { authorization: `Bearer ${bearer}` } });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'invalid_token' });
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('goes inactive on both instances when its grant is revoked, or the refresh token itself', async () => {
    const access = await storeOpaque();
    const refresh = await storeOpaque({ kind: 'refresh_token', grant_id: access.record.grant_id });
    const lone = await storeOpaque({ kind: 'refresh_token' });
    await publishRevocation({ kind: 'refresh_token', refresh_token_id: lone.record.jti });
    await publishRevocation({ kind: 'grant', grant_id: access.record.grant_id });
    for (const url of instances()) {
      for (const { token } of [access, refresh, lone]) {
        const inactive = async () =>
          ((await introspect(token, url)).json as { active: boolean }).active === false;
        expect(await eventually(inactive, 10_000)).toBe(true);
      }
    }
  });

  it("goes inactive when the user's tokens are revoked up to a moment after its iat", async () => {
    const { token, record } = await storeOpaque({ iat: Math.floor(Date.now() / 1000) - 5 });
    const admin = await managementToken(stack);
    const revoked = await post(
      `${stack.urls.revocation}/api/v2/token-revocations`,
      JSON.stringify({ user_id: record.sub, not_before: record.iat }),
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(revoked.status).toBe(201);
    for (const url of instances()) {
      const inactive = async () =>
        ((await introspect(token, url)).json as { active: boolean }).active === false;
      expect(await eventually(inactive, 10_000)).toBe(true);
    }
  });
});

/**
 * With its Redis unreachable, an instance never calls an opaque token inactive (it may be live): it
 * answers 503 `temporarily_unavailable` with `Retry-After`, which callers retry. JWT introspection needs
 * no Redis and keeps working, and the instance stays ready (readiness does not count Redis).
 */
describe('introspection with the opaque-token store unreachable', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  let instance: RunningService;

  beforeAll(async () => {
    instance = await startExtraIntrospection(stack, {
      name: 'no-redis',
      port: 'noRedis',
      // Nothing listens on port 1.
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
  });

  afterAll(async () => {
    await instance?.stop();
  });

  it('answers an opaque token 503 temporarily_unavailable with Retry-After, and JWTs as usual', async () => {
    const opaque = await post(`${instance.url}/oauth/introspect`, {
      token: randomBytes(32).toString('base64url'),
      ...credentials,
    });
    expect(opaque.status).toBe(503);
    expect(opaque.json).toMatchObject({ error: 'temporarily_unavailable' });
    expect(opaque.headers.get('retry-after')).toBe('1');

    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    const jwt = await post(`${instance.url}/oauth/introspect`, {
      token: issued.json.access_token as string,
      ...credentials,
    });
    expect(jwt.status).toBe(200);
    expect(jwt.json).toMatchObject({ active: true, client_id: stack.client.clientId });
    expect((await fetch(`${instance.url}/health/ready`)).status).toBe(200);
  });
});
