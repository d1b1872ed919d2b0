import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertTrustsGatewayCa, eventually, post, startGateway, type RunningGateway } from '@app/testing';
import { managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

// auth0 v7 exposes `auth0/legacy` (the v4 API) only through package.json "exports", which this repo's
// node10 resolution does not read: types from the file it points to, import by a string specifier.
type Auth0Legacy = typeof import('auth0/legacy/exports/index');
const AUTH0_LEGACY: string = 'auth0/legacy';
const loadAuth0Legacy = () => import(AUTH0_LEGACY) as Promise<Auth0Legacy>;

interface Log {
  log_id: string;
  date: string;
  type: string;
  client_id?: string;
  user_id?: string;
  description?: string;
  details?: Record<string, unknown>;
}

/**
 * Auth0's log API of the audit service (issue #17 §2), driven by Auth0's own ManagementClient through
 * the HTTPS gateway: the events of a real scenario (tokens issued, a failed login, a revocation, a
 * user created) are found again by `q`, by id, by user and by checkpoint.
 */
describe('audit logs through the gateway', () => {
  const stack = inject('stack');
  const domain = '127.0.0.1:8443';
  const run = randomBytes(4).toString('hex');
  const origin = stack.issuer;
  let gateway: RunningGateway;
  let sdk: InstanceType<Auth0Legacy['ManagementClient']>;
  let ManagementApiError: Auth0Legacy['ManagementApiError'];
  let app: { client_id: string; client_secret: string };
  let userId: string;
  const password = `Pw-${randomBytes(12).toString('base64url')}`;

  const logs = async (params: Record<string, unknown>): Promise<Log[]> =>
    (await sdk.logs.getAll(params)).data as unknown as Log[];
  /** The events matching `q`, once at least `count` of them are stored (ingestion follows Kafka). */
  const found = async (q: string, count = 1): Promise<Log[]> => {
    let result: Log[] = [];
    await eventually(async () => (result = await logs({ q })).length >= count, 10_000, 100);
    return result;
  };

  beforeAll(async () => {
    gateway = await startGateway(process.cwd(), stack.urls);
    assertTrustsGatewayCa(gateway.caPath);
    const legacy = await loadAuth0Legacy();
    ManagementApiError = legacy.ManagementApiError;
    sdk = new legacy.ManagementClient({ domain, ...stack.bootstrap });
    const admin = await managementToken(stack);
    const setup = await passwordGrantSetup(stack, admin, {
      label: 'Audit',
      run,
      audience: `https://audit-${run}.example.test/`,
      email: `audit-${run}@example.test`,
      password,
    });
    app = setup.client;
    userId = setup.userId;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const token = (body: Record<string, string>) => post(`${origin}oauth/token`, body);

  it('finds issued tokens, a failed login and a revocation by q, by id, by user and by checkpoint', async () => {
    const audience = `https://audit-${run}.example.test/`;
    const issued = await token({
      grant_type: 'client_credentials',
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
      audience: stack.api.identifier,
    });
    expect(issued.status, issued.text).toBe(200);
    const login = await token({
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: `audit-${run}@example.test`,
      password,
      audience,
      scope: 'openid offline_access read:notes',
    });
    expect(login.status, login.text).toBe(200);
    const failed = await token({
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: `audit-${run}@example.test`,
      password: 'not the password',
      audience,
    });
    expect(failed.status).toBe(403);
    const revoked = await post(`${origin}oauth/revoke`, {
      client_id: app.client_id,
      client_secret: app.client_secret,
      token: login.json.refresh_token as string,
    });
    expect(revoked.status, revoked.text).toBe(200);

    const [credentials] = await found(`type:seccft AND client_id:"${stack.client.clientId}"`);
    expect(credentials).toMatchObject({
      type: 'seccft',
      client_id: stack.client.clientId,
      hostname: '127.0.0.1',
    });
    expect(credentials).not.toHaveProperty('user_id');
    const [success] = await found(`type:sepft AND user_id:"${userId}"`);
    expect(success).toMatchObject({ client_id: app.client_id, user_id: userId });
    const [failure] = await found(`type:fepft AND client_id:${app.client_id}`);
    expect(failure).toMatchObject({ type: 'fepft', client_id: app.client_id });
    const [revocation] = await found(`type:srrt AND client_id:"${app.client_id}"`);
    expect(revocation?.details).toMatchObject({ reason: 'client_request', target: { kind: 'grant' } });

    // OR, a date range and sort: both exchanges of the app, oldest first.
    const day = success!.date.slice(0, 10); // the events' own day (the clock may pass midnight meanwhile)
    const both = await logs({
      q: `(type:sepft OR type:fepft) AND client_id:"${app.client_id}" AND date:[${day} TO *]`,
      sort: 'date:1',
    });
    expect(both.map((log) => log.type)).toEqual(['sepft', 'fepft']);
    const none = await logs({ q: `client_id:"${app.client_id}" AND date:[2000-01-01 TO 2000-01-02]` });
    expect(none).toEqual([]);

    // By id, with fields.
    const { data: one } = await sdk.logs.get({ id: success!.log_id });
    expect(one).toMatchObject({ log_id: success!.log_id, type: 'sepft', user_id: userId });
    const [only] = await logs({
      q: `log_id:${success!.log_id}`,
      fields: 'log_id,type',
      include_fields: true,
    });
    expect(only).toEqual({ log_id: success!.log_id, type: 'sepft' });

    // By user: the user's creation (a Management API operation) and their successful login.
    let userLogs: Log[] = [];
    await eventually(async () => {
      userLogs = (await sdk.users.getLogs({ id: userId, sort: 'date:1' })).data as unknown as Log[];
      return userLogs.length >= 2;
    });
    expect(userLogs.map((log) => log.type)).toEqual(expect.arrayContaining(['sapi', 'sepft']));
    expect(userLogs.every((log) => log.user_id === userId)).toBe(true);

    // Pages with totals.
    const page = (await sdk.logs.getAll({
      q: `client_id:"${app.client_id}"`,
      include_totals: true,
      per_page: 1,
      page: 0,
    })) as unknown as { data: { logs: Log[]; total: number; limit: number } };
    expect(page.data.logs).toHaveLength(1);
    expect(page.data.total).toBeGreaterThanOrEqual(3);
    expect(page.data.limit).toBe(1);

    // Checkpoint paging, as an exporter reads: from the oldest kept, each page after the last id of
    // the one before, until an empty page. Every event of the scenario comes exactly once.
    const exported: string[] = [];
    let batch = await logs({ take: 100 });
    for (let pages = 0; batch.length > 0 && pages < 2000; pages++) {
      exported.push(...batch.map((log) => log.log_id));
      batch = await logs({ from: batch.at(-1)!.log_id, take: 100 });
    }
    expect(new Set(exported).size).toBe(exported.length);
    for (const log of [credentials!, success!, failure!, revocation!]) {
      expect(exported.filter((id) => id === log.log_id)).toHaveLength(1);
    }
    // `from` is exclusive: the page after an event starts with what was stored next.
    const next = await logs({ from: credentials!.log_id, take: 1 });
    expect(next.map((log) => log.log_id)).toEqual([exported[exported.indexOf(credentials!.log_id) + 1]]);
  });

  it("answers bad queries with Auth0's 400, never a 500", async () => {
    for (const q of [
      'type:',
      'nosuchfield:x',
      'type:"unterminated',
      'date:[2026-13-45 TO *]',
      'user_id:ab*',
      '(type:s',
      'type:s AND',
      'client_id:[a TO b]',
      'just words',
    ]) {
      const error = await sdk.logs.getAll({ q }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error, q).toBeInstanceOf(ManagementApiError);
      expect((error as { statusCode: number }).statusCode, q).toBe(400);
      expect((error as { errorCode?: string }).errorCode, q).toBe('invalid_query_string');
    }
    for (const params of [
      { sort: 'user_id:1' },
      { per_page: 101 },
      { page: 20, per_page: 50 },
      { fields: 'log_id,password' },
      { from: 'not-a-log-id' },
      { from: '9020261203' + '0'.repeat(19), q: 'type:s' },
      { take: 0 },
    ]) {
      const error = await sdk.logs.getAll(params as never).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as { statusCode?: number } | null)?.statusCode, JSON.stringify(params)).toBe(400);
    }
    const missing = await sdk.logs.get({ id: '90' + '2'.repeat(27) }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((missing as { statusCode?: number }).statusCode).toBe(404);
  });

  it('needs read:logs or read:logs_users', async () => {
    const narrow = await managementToken(stack, stack.bootstrap, 'read:users');
    const response = await fetch(`${origin}api/v2/logs`, { headers: { authorization: `Bearer ${narrow}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errorCode: 'insufficient_scope' });
    const userScoped = await managementToken(stack, stack.bootstrap, 'read:logs_users');
    const allowed = await fetch(`${origin}api/v2/users/${encodeURIComponent(userId)}/logs`, {
      headers: { authorization: `Bearer ${userScoped}` },
    });
    expect(allowed.status).toBe(200);
    const anonymous = await fetch(`${origin}api/v2/logs`);
    expect(anonymous.status).toBe(401);
  });
});
