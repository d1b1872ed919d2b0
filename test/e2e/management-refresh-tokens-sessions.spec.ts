import { ManagementClient } from 'auth0';
import type * as Auth0Legacy from 'auth0-legacy';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import {
  eventually,
  EventCollector,
  post,
  requestJson,
  type CollectedMessage,
  type HttpMethod,
} from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { IssuanceContract } from './support/issuance-contract';
import { managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

/** `auth0/legacy` re-exports `auth0-legacy` (node-auth0 4), whose types we borrow (see management-auth0-sdk.spec.ts). */
const legacyEntry = 'auth0/legacy';

/**
 * The revocation service's Management API — device credentials, refresh tokens, grants and sessions —
 * over grants that `IssuanceContract` starts through the real audit stream and Redis store. Deleting
 * any of them revokes grants: their opaque tokens leave Redis before the answer, and the revocations
 * reach the public revocation topic.
 */
describe('Management API: device credentials, refresh tokens, grants and sessions', () => {
  const stack = inject('stack');
  const db = new Client({ connectionString: stack.databaseUrl });
  let issuance: IssuanceContract;
  let revocations: EventCollector;
  let adminToken: string;

  beforeAll(async () => {
    await db.connect();
    issuance = await IssuanceContract.connect(stack.brokers);
    revocations = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
    adminToken = await managementToken(stack);
  });

  afterAll(async () => {
    await Promise.all([revocations?.stop(), issuance?.close(), db.end()]);
  });

  const api = (method: HttpMethod, path: string, token: string | null = adminToken, body?: unknown) =>
    requestJson(`${stack.urls.revocation}/api/v2${path}`, method, token, body);
  const onKey = (key: string) => (message: CollectedMessage) => message.key === key;
  const value = (message: CollectedMessage) => message.value as Record<string, any>;
  const user = (id: string) => encodeURIComponent(id);

  /** A user's grant, once the registry has projected its refresh token and session. */
  async function grantOf(options: { userId?: string; rotating?: boolean; device?: string } = {}) {
    const grant = await issuance.startGrant({ clientId: stack.client.clientId, ...options });
    const projected = async () =>
      (await db.query('SELECT 1 FROM revocation.refresh_tokens WHERE id = $1', [grant.refreshTokenId]))
        .rowCount === 1 &&
      (await db.query('SELECT 1 FROM revocation.login_sessions WHERE id = $1', [grant.sessionId]))
        .rowCount === 1;
    expect(await eventually(projected, 15_000, 50)).toBe(true);
    return grant;
  }

  it("lists a user's refresh tokens, device credentials, grants and sessions in Auth0's shapes", async () => {
    const first = await grantOf({ device: 'Pixel 9', rotating: true });
    const second = await grantOf({ userId: first.userId, rotating: false });

    const credentials = await api('GET', `/device-credentials?user_id=${user(first.userId)}`);
    expect(credentials.status).toBe(200);
    expect(credentials.json).toHaveLength(2);
    expect(credentials.json).toContainEqual({
      id: first.refreshTokenId,
      device_name: 'Pixel 9',
      type: 'rotating_refresh_token',
      user_id: first.userId,
      client_id: stack.client.clientId,
    });
    // Auth0 leaves device_id out for refresh tokens ("generally not populated"); nothing here knows one.
    for (const credential of credentials.json as object[]) expect(credential).not.toHaveProperty('device_id');
    const rotatingOnly = await api(
      'GET',
      `/device-credentials?user_id=${user(first.userId)}&type=refresh_token&include_totals=true&fields=id,type`,
    );
    expect(rotatingOnly.json).toEqual({
      start: 0,
      limit: 50,
      length: 1,
      total: 1,
      device_credentials: [{ id: second.refreshTokenId, type: 'refresh_token' }],
    });
    expect(
      (await api('GET', `/device-credentials?user_id=${user(first.userId)}&type=public_key`)).json,
    ).toEqual([]);

    const page1 = await api('GET', `/users/${user(first.userId)}/refresh-tokens?take=1`);
    expect(page1.status).toBe(200);
    expect(page1.json.tokens).toHaveLength(1);
    expect(page1.json.next).toBe(page1.json.tokens[0].id);
    const page2 = await api(
      'GET',
      `/users/${user(first.userId)}/refresh-tokens?take=1&from=${page1.json.next}`,
    );
    expect(page2.json.next).toBeUndefined();
    const listed = [...page1.json.tokens, ...page2.json.tokens];
    expect(listed.map((token: { id: string }) => token.id).sort()).toEqual(
      [first.refreshTokenId, second.refreshTokenId].sort(),
    );

    const token = await api('GET', `/refresh-tokens/${first.refreshTokenId}`);
    expect(token.status).toBe(200);
    expect(token.json).toEqual({
      id: first.refreshTokenId,
      user_id: first.userId,
      created_at: new Date(first.issuedAt * 1000).toISOString(),
      idle_expires_at: new Date((first.issuedAt + 3600) * 1000).toISOString(),
      expires_at: new Date((first.issuedAt + 86_400) * 1000).toISOString(),
      device: {},
      client_id: stack.client.clientId,
      session_id: first.sessionId,
      rotating: true,
      resource_servers: [
        { audience: 'https://api.example.test/', scopes: 'openid offline_access read:things' },
      ],
      refresh_token_metadata: {},
    });

    const grants = await api('GET', `/grants?user_id=${user(first.userId)}`);
    expect(grants.status).toBe(200);
    expect(grants.json).toContainEqual({
      id: first.grantId,
      clientID: stack.client.clientId,
      user_id: first.userId,
      audience: 'https://api.example.test/',
      scope: ['openid', 'offline_access', 'read:things'],
    });

    const sessions = await api('GET', `/users/${user(first.userId)}/sessions`);
    expect(sessions.status).toBe(200);
    expect((sessions.json.sessions as { id: string }[]).map((s) => s.id).sort()).toEqual(
      [first.sessionId, second.sessionId].sort(),
    );
    const session = await api('GET', `/sessions/${first.sessionId}`);
    expect(session.json).toMatchObject({
      id: first.sessionId,
      user_id: first.userId,
      authenticated_at: new Date(first.issuedAt * 1000).toISOString(),
      expires_at: new Date((first.issuedAt + 3600) * 1000).toISOString(),
      device: { initial_user_agent: 'vitest', initial_ip: '127.0.0.1' },
      clients: [{ client_id: stack.client.clientId }],
    });
  });

  it('deleting a session revokes it and its grants, before answering 202', async () => {
    const grant = await grantOf();
    const deleted = await api('DELETE', `/sessions/${grant.sessionId}`);
    expect(deleted.status).toBe(202);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(false);
    expect(value(await revocations.waitFor(onKey(`session:${grant.sessionId}`)))).toMatchObject({
      type: 'session.revoked',
      payload: {
        target: { kind: 'session', session_id: grant.sessionId },
        reason: 'session_deleted',
        revoked_by: { kind: 'admin', sub: `${stack.bootstrap.clientId}@clients` },
      },
    });
    expect(value(await revocations.waitFor(onKey(`grant:${grant.grantId}`)))).toMatchObject({
      type: 'grant.revoked',
      payload: { reason: 'session_deleted' },
    });
    await revocations.waitFor(onKey(`jti:${grant.jwtJti}`));
    expect((await api('GET', `/sessions/${grant.sessionId}`)).status).toBe(404);
    expect((await api('DELETE', `/sessions/${grant.sessionId}`)).status).toBe(404);
    expect((await api('GET', `/refresh-tokens/${grant.refreshTokenId}`)).status).toBe(404);
  });

  it.each([
    ['DELETE /device-credentials/{id}', 204, (g: Grant) => `/device-credentials/${g.refreshTokenId}`],
    ['DELETE /refresh-tokens/{id}', 202, (g: Grant) => `/refresh-tokens/${g.refreshTokenId}`],
    ['DELETE /users/{id}/refresh-tokens', 202, (g: Grant) => `/users/${user(g.userId)}/refresh-tokens`],
    ['DELETE /grants/{id}', 204, (g: Grant) => `/grants/${g.grantId}`],
    ['DELETE /grants?user_id=', 204, (g: Grant) => `/grants?user_id=${user(g.userId)}`],
    ['DELETE /users/{id}/sessions', 202, (g: Grant) => `/users/${user(g.userId)}/sessions`],
  ])('%s revokes the grant (%i)', async (_name, status, path) => {
    const grant = await grantOf();
    const response = await api('DELETE', path(grant));
    expect(response.status).toBe(status);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect(value(await revocations.waitFor(onKey(`grant:${grant.grantId}`)))).toMatchObject({
      type: 'grant.revoked',
      payload: { revoked_by: { kind: 'admin', sub: `${stack.bootstrap.clientId}@clients` } },
    });
    expect((await api('GET', `/device-credentials?user_id=${user(grant.userId)}`)).json).toEqual([]);
    expect((await api('GET', `/grants?user_id=${user(grant.userId)}`)).json).toEqual([]);
  });

  it("a user-wide deletion also revokes the user's grants the registry hears of only afterwards", async () => {
    const userId = `auth0|late-${Date.now()}`;
    const deleted = await api('DELETE', `/users/${user(userId)}/refresh-tokens`);
    expect(deleted.status).toBe(202);
    const deletedBy = Math.floor(Date.now() / 1000);
    // Issued before the deletion, reported after it (the audit stream lags): revoked on arrival.
    const late = await issuance.startGrant({
      clientId: stack.client.clientId,
      userId,
      issuedAt: Math.floor(Date.now() / 1000) - 5,
    });
    expect(value(await revocations.waitFor(onKey(`grant:${late.grantId}`)))).toMatchObject({
      type: 'grant.revoked',
      payload: { reason: 'admin', revoked_by: { kind: 'admin', sub: `${stack.bootstrap.clientId}@clients` } },
    });
    expect(await eventually(async () => !(await issuance.isStored(late.refreshToken.hash)), 5_000)).toBe(
      true,
    );
    // Issued after the deletion (a later second: the deletion covers its own second): untouched.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, (deletedBy + 1) * 1000 - Date.now() + 20)),
    );
    const later = await grantOf({ userId });
    expect(later.issuedAt).toBeGreaterThan(deletedBy);
    expect((await api('GET', `/device-credentials?user_id=${user(userId)}`)).json).toEqual([
      expect.objectContaining({ id: later.refreshTokenId }),
    ]);
    expect(await issuance.isStored(later.refreshToken.hash)).toBe(true);
  });

  it('PATCH stores refresh_token_metadata and session_metadata durably, and the GET objects return them', async () => {
    const grant = await grantOf();
    const tokenMetadata = { app: 'mobile', 'build.number': '4711' };
    const patched = await api('PATCH', `/refresh-tokens/${grant.refreshTokenId}`, adminToken, {
      refresh_token_metadata: tokenMetadata,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ id: grant.refreshTokenId, refresh_token_metadata: tokenMetadata });
    expect((await api('GET', `/refresh-tokens/${grant.refreshTokenId}`)).json.refresh_token_metadata).toEqual(
      tokenMetadata,
    );
    const stored = await db.query(
      'SELECT refresh_token_metadata FROM revocation.refresh_token_metadata WHERE grant_id = $1',
      [grant.grantId],
    );
    expect(stored.rows[0]?.refresh_token_metadata).toEqual(tokenMetadata);

    // A body without the property changes nothing; the metadata follows the family through rotation.
    expect(
      (await api('PATCH', `/refresh-tokens/${grant.refreshTokenId}`, adminToken, {})).json,
    ).toMatchObject({
      refresh_token_metadata: tokenMetadata,
    });
    const rotatedId = await issuance.reportRotation(grant, stack.client.clientId);
    const rotated = async () => (await api('GET', `/refresh-tokens/${rotatedId}`)).status === 200;
    expect(await eventually(rotated, 15_000, 50)).toBe(true);
    expect((await api('GET', `/refresh-tokens/${rotatedId}`)).json.refresh_token_metadata).toEqual(
      tokenMetadata,
    );
    expect((await api('GET', `/refresh-tokens/${grant.refreshTokenId}`)).status).toBe(404);
    const listed = await api('GET', `/users/${user(grant.userId)}/refresh-tokens`);
    expect(listed.json.tokens).toEqual([
      expect.objectContaining({ id: rotatedId, refresh_token_metadata: tokenMetadata }),
    ]);
    const cleared = await api('PATCH', `/refresh-tokens/${rotatedId}`, adminToken, {
      refresh_token_metadata: null,
    });
    expect(cleared.json.refresh_token_metadata).toEqual({});

    const sessionMetadata = { risk: 'low' };
    const session = await api('PATCH', `/sessions/${grant.sessionId}`, adminToken, {
      session_metadata: sessionMetadata,
    });
    expect(session.status, session.text).toBe(200);
    expect(session.json).toMatchObject({ id: grant.sessionId, session_metadata: sessionMetadata });
    expect((await api('GET', `/sessions/${grant.sessionId}`)).json.session_metadata).toEqual(sessionMetadata);
    const sessions = await api('GET', `/users/${user(grant.userId)}/sessions`);
    expect(sessions.json.sessions).toEqual([
      expect.objectContaining({ id: grant.sessionId, session_metadata: sessionMetadata }),
    ]);
    expect(
      (await api('PATCH', `/sessions/${grant.sessionId}`, adminToken, { session_metadata: {} })).json
        .session_metadata,
    ).toEqual({});
  });

  it('PATCH answers bad metadata with 400 invalid_body, unknown ids with 404 and missing scopes with 401/403', async () => {
    const grant = await grantOf();
    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v']));
    const bodies: [string, unknown][] = [
      ['26 keys', { refresh_token_metadata: tooMany }],
      ['long key', { refresh_token_metadata: { ['k'.repeat(256)]: 'v' } }],
      ['long value', { refresh_token_metadata: { k: 'v'.repeat(256) } }],
      ['number value', { refresh_token_metadata: { k: 1 } }],
      ['array', { refresh_token_metadata: ['v'] }],
      ['unknown property', { refresh_token_metadata: {}, rotating: false }],
      ['broken JSON', '{"refresh_token_metadata":'],
      // jsonb cannot store NUL or an unpaired surrogate: refused as input, not a 500 from PostgreSQL.
      ['NUL', '{"refresh_token_metadata":{"k":"a\\u0000b"}}'],
      ['lone surrogate', '{"refresh_token_metadata":{"\\ud800":"v"}}'],
    ];
    for (const [name, body] of bodies) {
      const response = await api('PATCH', `/refresh-tokens/${grant.refreshTokenId}`, adminToken, body);
      expect(response.status, name).toBe(400);
      expect(response.json, name).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        errorCode: 'invalid_body',
      });
      const sessionBody =
        typeof body === 'string'
          ? body.replace('refresh_token_metadata', 'session_metadata')
          : { session_metadata: (body as { refresh_token_metadata: unknown }).refresh_token_metadata };
      const session = await api('PATCH', `/sessions/${grant.sessionId}`, adminToken, sessionBody);
      expect(session.status, `session ${name}`).toBe(name === 'unknown property' ? 200 : 400);
    }
    // Nothing refused was stored.
    expect((await api('GET', `/refresh-tokens/${grant.refreshTokenId}`)).json.refresh_token_metadata).toEqual(
      {},
    );
    expect((await api('GET', `/sessions/${grant.sessionId}`)).json.session_metadata).toEqual({});

    for (const path of ['/refresh-tokens/rt_unknown', '/sessions/sess_unknown']) {
      const missing = await api('PATCH', path, adminToken, {});
      expect(missing.status, path).toBe(404);
      expect(missing.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    expect((await api('PATCH', '/refresh-tokens/a%01b', adminToken, {})).json).toMatchObject({
      errorCode: 'invalid_uri',
    });
    const patchBody = { refresh_token_metadata: { a: 'b' } };
    expect((await api('PATCH', `/refresh-tokens/${grant.refreshTokenId}`, null, patchBody)).status).toBe(401);
    const readOnly = await managementToken(stack, stack.bootstrap, 'read:refresh_tokens read:sessions');
    const forbidden = await api('PATCH', `/refresh-tokens/${grant.refreshTokenId}`, readOnly, patchBody);
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({
      errorCode: 'insufficient_scope',
      message: 'Insufficient scope; expected any of: update:refresh_tokens.',
    });
    expect(
      (await api('PATCH', `/sessions/${grant.sessionId}`, readOnly, { session_metadata: {} })).json,
    ).toMatchObject({ statusCode: 403, message: 'Insufficient scope; expected any of: update:sessions.' });
  });

  it('POST /sessions/{id}/revoke needs both delete scopes and revokes the session and its refresh tokens before 202', async () => {
    const grant = await grantOf();
    const sessionsOnly = await managementToken(stack, stack.bootstrap, 'delete:sessions');
    const refused = await api('POST', `/sessions/${grant.sessionId}/revoke`, sessionsOnly);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope; expected all of: delete:refresh_tokens.',
      errorCode: 'insufficient_scope',
    });
    expect((await api('POST', `/sessions/${grant.sessionId}/revoke`, null)).status).toBe(401);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(true);

    const both = await managementToken(stack, stack.bootstrap, 'delete:sessions delete:refresh_tokens');
    const revoked = await api('POST', `/sessions/${grant.sessionId}/revoke`, both);
    expect(revoked.status, revoked.text).toBe(202);
    // Committed before the answer: the refresh and opaque access tokens are gone already.
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(false);
    const revokedBy = { kind: 'admin', sub: `${stack.bootstrap.clientId}@clients` };
    expect(value(await revocations.waitFor(onKey(`session:${grant.sessionId}`)))).toMatchObject({
      type: 'session.revoked',
      payload: { target: { kind: 'session', session_id: grant.sessionId }, revoked_by: revokedBy },
    });
    expect(value(await revocations.waitFor(onKey(`grant:${grant.grantId}`)))).toMatchObject({
      type: 'grant.revoked',
      payload: { revoked_by: revokedBy },
    });
    expect((await api('GET', `/refresh-tokens/${grant.refreshTokenId}`)).status).toBe(404);
    expect((await api('GET', `/sessions/${grant.sessionId}`)).status).toBe(404);
    expect((await api('POST', `/sessions/${grant.sessionId}/revoke`, both)).status).toBe(404);
    expect((await api('POST', '/sessions/a%01b/revoke', both)).json).toMatchObject({
      errorCode: 'invalid_uri',
    });
  });

  it("include_totals on the checkpoint lists answers Auth0's {tokens|sessions, next} (Auth0 adds no total)", async () => {
    const first = await grantOf();
    await grantOf({ userId: first.userId });
    for (const [kind, key] of [
      ['refresh-tokens', 'tokens'],
      ['sessions', 'sessions'],
    ] as const) {
      const withTotals = await api('GET', `/users/${user(first.userId)}/${kind}?include_totals=true&take=1`);
      expect(withTotals.status).toBe(200);
      expect(Object.keys(withTotals.json).sort()).toEqual([key, 'next'].sort());
      expect(withTotals.json[key]).toHaveLength(1);
      const without = await api('GET', `/users/${user(first.userId)}/${kind}?include_totals=false`);
      expect(Object.keys(without.json)).toEqual([key]);
      expect(without.json[key]).toHaveLength(2);
      for (const bad of ['yes', '1', 'TRUE', '']) {
        const refused = await api('GET', `/users/${user(first.userId)}/${kind}?include_totals=${bad}`);
        expect(refused.status, `${kind} include_totals=${bad}`).toBe(400);
        expect(refused.json).toMatchObject({ errorCode: 'invalid_query_string' });
      }
      const twice = await api(
        'GET',
        `/users/${user(first.userId)}/${kind}?include_totals=true&include_totals=true`,
      );
      expect(twice.status).toBe(400);
    }
  });

  it('answers bad input with the Management API errors, never a 500', async () => {
    expect((await api('GET', '/device-credentials', null)).status).toBe(401);
    const narrow = await managementToken(stack, stack.bootstrap, 'read:grants');
    const forbidden = await api('GET', '/device-credentials', narrow);
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({
      errorCode: 'insufficient_scope',
      message: 'Insufficient scope; expected any of: read:device_credentials.',
    });
    expect((await api('DELETE', '/grants/x', narrow)).status).toBe(403);

    // A user the registry knows, so that the list queries reach the database.
    const known = user((await grantOf()).userId);
    const badQueries = [
      '/device-credentials?type=bogus',
      '/device-credentials?per_page=1000',
      '/device-credentials?page=-1',
      '/device-credentials?user_id=a&user_id=b',
      '/device-credentials?unknown=1',
      '/grants?include_totals=yes',
      `/users/${known}/refresh-tokens?take=0`,
      `/users/${known}/sessions?take=abc`,
      // A NUL cannot reach PostgreSQL as text: refused here, not a 500.
      `/users/${known}/refresh-tokens?from=%00`,
      `/users/${known}/sessions?from=a%00b`,
      '/device-credentials?user_id=%00',
      '/device-credentials?client_id=a%00',
      '/grants?user_id=%00',
      '/grants?audience=%00',
    ];
    for (const path of badQueries) {
      const response = await api('GET', path);
      expect(response.status, path).toBe(400);
      expect(response.json, path).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    }
    const noUser = await api('DELETE', '/grants');
    expect(noUser.status).toBe(400);
    expect(noUser.json).toMatchObject({ errorCode: 'invalid_query_string' });

    const tooLong = await api('GET', `/refresh-tokens/${'x'.repeat(600)}`);
    // fastify refuses a path parameter over 100 characters before routing: 414, not a 500.
    expect(tooLong.status).toBe(414);
    expect(tooLong.json).toMatchObject({ statusCode: 414 });
    const control = await api('GET', '/refresh-tokens/a%01b');
    expect(control.status).toBe(400);
    expect(control.json).toMatchObject({ errorCode: 'invalid_uri' });
    for (const path of ['/refresh-tokens/rt_unknown', '/sessions/sess_unknown']) {
      const missing = await api('GET', path);
      expect(missing.status, path).toBe(404);
      expect(missing.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    expect((await api('DELETE', '/device-credentials/rt_unknown')).status).toBe(404);
    expect((await api('DELETE', '/refresh-tokens/rt_unknown')).status).toBe(404);
    // Auth0 documents only 204 for grant deletion: an unknown grant is already "deleted".
    expect((await api('DELETE', '/grants/gr_unknown')).status).toBe(204);
  });

  it('answers 404 "User not found" for a user that was deleted or that nothing has ever named', async () => {
    const userNotFound = {
      statusCode: 404,
      error: 'Not Found',
      message: 'User not found',
      errorCode: 'inexistent_user',
    };
    for (const kind of ['refresh-tokens', 'sessions']) {
      const nobody = await api('GET', `/users/${user(`auth0|nobody-${randomUUID()}`)}/${kind}`);
      expect(nobody.status, kind).toBe(404);
      expect(nobody.json, kind).toEqual(userNotFound);
    }

    // A user created at account-linking, with no token yet: known from the accounts topic.
    const created = await accountLinking(stack, adminToken, 'POST', '/api/v2/users', {
      connection: 'Username-Password-Authentication',
      email: `nobody-yet-${randomUUID()}@example.test`,
      password: 'Correct-Horse-7',
    });
    expect(created.status, created.text).toBe(201);
    const userId = created.json.user_id as string;
    const listed = async (kind: string) =>
      (await api('GET', `/users/${user(userId)}/${kind}`)).status === 200;
    expect(await eventually(() => listed('refresh-tokens'), 15_000, 50)).toBe(true);
    expect((await api('GET', `/users/${user(userId)}/refresh-tokens`)).json).toEqual({ tokens: [] });
    expect((await api('GET', `/users/${user(userId)}/sessions`)).json).toEqual({ sessions: [] });

    // Deleted at account-linking: gone here too, once user.deleted arrives.
    expect((await accountLinking(stack, adminToken, 'DELETE', `/api/v2/users/${user(userId)}`)).status).toBe(
      204,
    );
    const gone = async () => (await api('GET', `/users/${user(userId)}/sessions`)).status === 404;
    expect(await eventually(gone, 15_000, 50)).toBe(true);
    expect((await api('GET', `/users/${user(userId)}/refresh-tokens`)).json).toEqual(userNotFound);

    // A user the audit stream shows with tokens exists, and stops existing when deleted.
    const grant = await grantOf();
    expect((await api('GET', `/users/${user(grant.userId)}/sessions`)).status).toBe(200);
    await issuance.reportDeleted(grant.userId);
    const deleted = async () =>
      (await api('GET', `/users/${user(grant.userId)}/refresh-tokens`)).status === 404;
    expect(await eventually(deleted, 15_000, 50)).toBe(true);
  });

  it("Auth0's ManagementClient (auth0/legacy) drives the endpoints", async () => {
    const legacy = (await import(legacyEntry)) as typeof Auth0Legacy;
    const origin = stack.issuer;
    const sdk = new legacy.ManagementClient({
      domain: new URL(origin).host,
      clientId: stack.bootstrap.clientId,
      clientSecret: stack.bootstrap.clientSecret,
      // The SDK hard-codes https://{domain}: tokens from issuance, the rest from revocation (the gateway's routing).
      fetch: (input: URL | string | Request, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const path = url.slice(origin.length);
        const service = path.startsWith('oauth/') ? stack.urls.issuance : stack.urls.revocation;
        return fetch(`${service}/${path}`, init);
      },
    });
    const grant = await grantOf({ device: 'SDK phone' });
    const other = await grantOf({ userId: grant.userId });

    const { data: credentials } = await sdk.deviceCredentials.getAll({ user_id: grant.userId });
    expect(credentials.map((c) => c.device_name)).toContain('SDK phone');
    const { data: tokens } = await sdk.users.getRefreshTokens({ user_id: grant.userId });
    // node-auth0 4 types this body as `{sessions}`; the wire (and Auth0) says `{tokens}`.
    expect(
      ((tokens as unknown as { tokens: { id: string }[] }).tokens ?? []).map((t) => t.id).sort(),
    ).toEqual([grant.refreshTokenId, other.refreshTokenId].sort());
    expect((await sdk.refreshTokens.get({ id: grant.refreshTokenId })).data.session_id).toBe(grant.sessionId);
    const { data: sessions } = await sdk.users.getSessions({ user_id: grant.userId });
    expect(sessions.sessions).toHaveLength(2);
    expect((await sdk.sessions.get({ id: grant.sessionId })).data.user_id).toBe(grant.userId);
    const { data: grants } = await sdk.grants.getAll({ user_id: grant.userId });
    expect(grants.map((g) => g.id).sort()).toEqual([grant.grantId, other.grantId].sort());

    expect((await sdk.deviceCredentials.delete({ id: grant.refreshTokenId })).status).toBe(204);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect((await sdk.sessions.delete({ id: other.sessionId })).status).toBe(202);
    expect(await issuance.isStored(other.refreshToken.hash)).toBe(false);
    expect((await sdk.grants.deleteByUserId({ user_id: grant.userId })).status).toBe(204);
    expect((await sdk.users.deleteRefreshTokens({ user_id: grant.userId })).status).toBe(202);
    expect((await sdk.users.deleteSessions({ user_id: grant.userId })).status).toBe(202);
    expect((await sdk.grants.getAll({ user_id: grant.userId })).data).toEqual([]);

    const failure = await sdk.refreshTokens.get({ id: 'rt_unknown' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(legacy.ManagementApiError);
    expect((failure as Auth0Legacy.ManagementApiError).statusCode).toBe(404);
  });

  it("Auth0's v7 ManagementClient updates metadata, revokes a session and pages with include_totals", async () => {
    const origin = stack.issuer;
    const sdk = new ManagementClient({
      domain: new URL(origin).host,
      token: adminToken,
      // The SDK hard-codes https://{domain}/api/v2: send its calls to the revocation service.
      fetch: (input: URL | string | Request, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        return fetch(`${stack.urls.revocation}/${url.slice(origin.length)}`, init);
      },
    });
    const grant = await grantOf();
    const other = await grantOf({ userId: grant.userId });

    const updated = await sdk.refreshTokens.update(grant.refreshTokenId, {
      refresh_token_metadata: { tier: 'gold' },
    });
    expect(updated.refresh_token_metadata).toEqual({ tier: 'gold' });
    expect((await sdk.refreshTokens.get(grant.refreshTokenId)).refresh_token_metadata).toEqual({
      tier: 'gold',
    });
    const session = await sdk.sessions.update(grant.sessionId, { session_metadata: { risk: 'low' } });
    expect(session.session_metadata).toEqual({ risk: 'low' });

    // The v7 pager sends include_totals=true and follows `next` with take=1.
    const tokens = [];
    for await (const token of await sdk.users.refreshToken.list(grant.userId, { take: 1 }))
      tokens.push(token);
    expect(tokens.map((token) => token.id).sort()).toEqual(
      [grant.refreshTokenId, other.refreshTokenId].sort(),
    );
    const sessions = [];
    for await (const item of await sdk.users.sessions.list(grant.userId, { take: 1 })) sessions.push(item);
    expect(sessions).toHaveLength(2);

    await sdk.sessions.revoke(grant.sessionId);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    const gone = await sdk.sessions.get(grant.sessionId).catch((error: unknown) => error);
    expect(gone).toMatchObject({ statusCode: 404 });
    const invalid = await sdk.sessions
      .update(other.sessionId, { session_metadata: { k: 'v'.repeat(256) } })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_body' } });
    const unknownUser = await sdk.users.sessions
      .list(`auth0|nobody-${randomUUID()}`)
      .catch((error: unknown) => error);
    expect(unknownUser).toMatchObject({ statusCode: 404, body: { message: 'User not found' } });
  });

  it('shows where a real family was obtained: initial_* from its login, last_* from its latest rotation', async () => {
    const run = randomBytes(4).toString('hex');
    const email = `device-${run}@example.test`;
    const password = 'Correct-Horse-7';
    const audience = `https://device-${run}.example.test/`;
    const { client, userId } = await passwordGrantSetup(stack, adminToken, {
      label: 'Device',
      run,
      audience,
      email,
      password,
    });
    // Straight to issuance from loopback, which it trusts for X-Forwarded-For (service-app.ts).
    const token = (params: Record<string, string>, headers: Record<string, string>) =>
      post(`${stack.urls.issuance}/oauth/token`, { ...client, ...params }, { headers });
    const login = await token(
      { grant_type: 'password', username: email, password, audience, scope: 'openid offline_access' },
      { 'user-agent': 'DeviceApp/1.0 (login)', 'x-forwarded-for': '203.0.113.7' },
    );
    expect(login.status, login.text).toBe(200);
    const longAgent = `DeviceApp/2.0 (refresh) ${'x'.repeat(400)}`;
    const rotated = await token(
      { grant_type: 'refresh_token', refresh_token: login.json.refresh_token as string },
      { 'user-agent': longAgent, 'x-forwarded-for': '198.51.100.23' },
    );
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.json.refresh_token).toBeDefined();

    // The user's only usable token is the family's latest; wait until the registry has the rotation.
    const latest = async () =>
      ((await api('GET', `/users/${user(userId)}/refresh-tokens`)).json?.tokens ?? []) as Record<
        string,
        any
      >[];
    expect(
      await eventually(async () => (await latest())[0]?.device?.last_ip === '198.51.100.23', 15_000, 50),
    ).toBe(true);
    const [listed = {}] = await latest();
    const expected = {
      initial_ip: '203.0.113.7',
      initial_user_agent: 'DeviceApp/1.0 (login)',
      last_ip: '198.51.100.23',
      // Bounded at 256 characters by issuance; no ASN is known, so none is shown.
      last_user_agent: longAgent.slice(0, 256),
    };
    expect(listed.device).toEqual(expected);
    const byId = await api('GET', `/refresh-tokens/${listed.id as string}`);
    expect(byId.status).toBe(200);
    expect(byId.json.device).toEqual(expected);

    // Still no 500 for bad ids and users around the new columns.
    for (const path of [
      '/refresh-tokens/%00',
      `/refresh-tokens/${'x'.repeat(2000)}`,
      '/users/%00/refresh-tokens',
    ])
      expect((await api('GET', path)).status).toBeLessThan(500);
  });
});

type Grant = Awaited<ReturnType<IssuanceContract['startGrant']>>;
