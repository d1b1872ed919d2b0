import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  assertTrustsGatewayCa,
  eventually,
  HttpReceiver,
  post,
  startGateway,
  type RunningGateway,
} from '@app/testing';
import { management, managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

// auth0 v7 exposes `auth0/legacy` (the v4 API) only through package.json "exports" (see audit-logs.spec.ts).
type Auth0Legacy = typeof import('auth0/legacy/exports/index');
const AUTH0_LEGACY: string = 'auth0/legacy';
const loadAuth0Legacy = () => import(AUTH0_LEGACY) as Promise<Auth0Legacy>;

interface StreamedLog {
  log_id: string;
  data: { log_id: string; date: string; type: string; client_id?: string; user_id?: string };
}

/**
 * A log stream's receiver, a real HTTP server: it keeps every log of every request it accepted, in
 * the order they arrived, with the request's authorization header. It can be stopped and started
 * again on the same port (the "receiver down for part of the run" of issue #17 §3).
 */
class LogReceiver {
  readonly logs: StreamedLog[] = [];
  readonly authorizations = new Set<string>();
  private readonly server = new HttpReceiver((request, body) => {
    this.authorizations.add(request.headers.authorization ?? '');
    for (const line of body.split('\n')) if (line.trim() !== '') this.logs.push(JSON.parse(line));
    return 200;
  });

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url('/auth0-logs');
  }

  of(clientId: string): StreamedLog[] {
    return this.logs.filter((log) => log.data.client_id === clientId);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Log streams of the audit service (issue #17 §3), driven by Auth0's own ManagementClient through the
 * HTTPS gateway, delivering to a real receiver that is down for part of the run: every log of the
 * scenario arrives, in order, once it is back; a stream that keeps failing is suspended and resumed
 * from where it stopped. The stack suspends a stream after 8 s of failures (libs/testing stack.ts).
 */
describe('log streams through the gateway', () => {
  const stack = inject('stack');
  const domain = '127.0.0.1:8443';
  const run = randomBytes(4).toString('hex');
  const audience = `https://streams-${run}.example.test/`;
  const email = `streams-${run}@example.test`;
  const password = `Pw-${randomBytes(12).toString('base64url')}`;
  const receiver = new LogReceiver();
  let gateway: RunningGateway;
  let sdk: InstanceType<Auth0Legacy['ManagementClient']>;
  let app: { client_id: string; client_secret: string };
  let admin: string;
  let streamId = '';

  beforeAll(async () => {
    gateway = await startGateway(process.cwd(), stack.urls);
    assertTrustsGatewayCa(gateway.caPath);
    const legacy = await loadAuth0Legacy();
    sdk = new legacy.ManagementClient({ domain, ...stack.bootstrap });
    admin = await managementToken(stack);
    ({ client: app } = await passwordGrantSetup(stack, admin, {
      label: 'Streams',
      run,
      audience,
      email,
      password,
    }));
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await gateway?.stop();
  });

  const audit = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, token = admin) =>
    management({ ...stack, urls: { ...stack.urls, issuance: stack.urls.audit! } }, token, method, path, body);

  /** One login and three refreshes of one grant (one partition, so one order), and a failed login. */
  async function scenario(): Promise<void> {
    const login = await post(`${stack.issuer}oauth/token`, {
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: email,
      password,
      audience,
      scope: 'openid offline_access',
    });
    expect(login.status, login.text).toBe(200);
    let refreshToken = login.json.refresh_token as string;
    for (let i = 0; i < 3; i += 1) {
      const refreshed = await post(`${stack.issuer}oauth/token`, {
        grant_type: 'refresh_token',
        client_id: app.client_id,
        client_secret: app.client_secret,
        refresh_token: refreshToken,
      });
      expect(refreshed.status, refreshed.text).toBe(200);
      refreshToken = (refreshed.json.refresh_token as string | undefined) ?? refreshToken;
    }
    const failed = await post(`${stack.issuer}oauth/token`, {
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: email,
      password: 'not the password',
      audience,
    });
    expect(failed.status).toBe(403);
  }

  /** The types of the app's logs a scenario adds, in the order one grant's events must arrive. */
  const SCENARIO = ['sepft', 'sertft', 'sertft', 'sertft'];

  /** Waits until the app's logs reach `count`, then checks each grant's logs came in order. */
  async function receivedInOrder(count: number): Promise<StreamedLog[]> {
    await eventually(() => Promise.resolve(receiver.of(app.client_id).length >= count), 20_000, 100);
    const received = receiver.of(app.client_id);
    const exchanges = received.filter((log) => log.data.type !== 'fepft');
    const dates = exchanges.map((log) => log.data.date);
    expect(dates).toEqual([...dates].sort());
    return received;
  }

  it('creates, reads and lists a stream with the SDK; its authorization is never read back', async () => {
    const { data: created } = await sdk.logStreams.create({
      name: `Streams ${run}`,
      type: 'http',
      sink: {
        httpEndpoint: receiver.url,
        httpAuthorization: `Bearer secret-${run}`,
        httpContentFormat: 'JSONLINES',
        httpContentType: 'application/json',
      },
      filters: [
        { type: 'category', name: 'auth.token_exchange.success' },
        { type: 'category', name: 'auth.token_exchange.fail' },
      ],
    } as never);
    const stream = created as unknown as { id: string; status: string; sink: Record<string, unknown> };
    expect(stream).toMatchObject({ name: `Streams ${run}`, type: 'http', status: 'active' });
    expect(stream.id).toMatch(/^lst_[0-9a-f]{16}$/);
    expect(stream.sink).toEqual({
      httpEndpoint: receiver.url,
      httpContentFormat: 'JSONLINES',
      httpContentType: 'application/json',
    });
    const { data: read } = await sdk.logStreams.get({ id: stream.id });
    expect(read).toEqual(created);
    const { data: all } = await sdk.logStreams.getAll();
    expect(all.map((one) => one.id)).toContain(stream.id);
    streamId = stream.id;
  });

  it('delivers every log of a scenario, in order, after the receiver was down for a while', async () => {
    // No wait for the stream's consumer to join: a stream starts at its creation time, not at its join.
    await receiver.stop();
    await scenario();
    await sleep(500); // failing (other tests' logs too), but for less than the 8 s that suspend a stream
    await receiver.start();
    const received = await receivedInOrder(SCENARIO.length + 1);
    expect(received.map((log) => log.data.type).filter((type) => type !== 'fepft')).toEqual(SCENARIO);
    expect(received.filter((log) => log.data.type === 'fepft')).toHaveLength(1);
    expect(receiver.authorizations).toEqual(new Set([`Bearer secret-${run}`]));
    // Filters: the user's creation (sapi, management.success) is not in the stream.
    expect(receiver.logs.some((log) => log.data.type === 'sapi')).toBe(false);
    // Each log is the log store's: its log_id finds the same event through the log API.
    const first = received[0]!;
    expect(first.log_id).toBe(first.data.log_id);
    const { data: stored } = await sdk.logs.get({ id: first.log_id });
    expect(stored).toEqual(first.data);
    const { data: status } = await sdk.logStreams.get({ id: streamId });
    expect(status).toMatchObject({ status: 'active' });
  });

  it('suspends a stream that keeps failing, and resumes it from where it stopped', async () => {
    const before = receiver.of(app.client_id).length;
    await receiver.stop();
    await scenario();
    await eventually(
      async () =>
        ((await sdk.logStreams.get({ id: streamId })).data as { status?: string }).status === 'suspended',
      30_000,
      200,
    );
    await receiver.start();
    await sleep(1_500);
    expect(receiver.of(app.client_id)).toHaveLength(before); // suspended: nothing is sent
    await sdk.logStreams.update({ id: streamId }, { status: 'active' } as never);
    const received = await receivedInOrder(before + SCENARIO.length + 1);
    expect(
      received
        .slice(before)
        .map((log) => log.data.type)
        .filter((type) => type !== 'fepft'),
    ).toEqual(SCENARIO);
  });

  it('delivers nothing while paused, and everything once active again', async () => {
    await sdk.logStreams.update({ id: streamId }, { status: 'paused' } as never);
    await sleep(800); // every instance reads the change within TESSERA_LOG_STREAM_POLL_MS
    const before = receiver.of(app.client_id).length;
    await scenario();
    await sleep(1_500);
    expect(receiver.of(app.client_id)).toHaveLength(before);
    await sdk.logStreams.update({ id: streamId }, { status: 'active' } as never);
    await receivedInOrder(before + SCENARIO.length + 1);
  });

  it('refuses bad settings with Auth0 400s, unknown streams with 404, and asks for its scopes', async () => {
    const sink = { httpEndpoint: receiver.url };
    const refusals: [unknown, RegExp][] = [
      [{ type: 'http', sink: { httpEndpoint: 'http://169.254.169.254/latest' } }, /httpEndpoint/],
      [{ type: 'http', sink: { httpEndpoint: 'https://user:pw@example.test/' } }, /httpEndpoint/],
      [{ type: 'http', sink: { httpEndpoint: 'not a url' } }, /httpEndpoint/],
      [{ type: 'eventbridge', sink }, /http/],
      [{ type: 'http', sink, filters: [{ type: 'category', name: 'everything' }] }, /filters/],
      [
        { type: 'http', sink: { ...sink, httpCustomHeaders: [{ header: 'x-a', value: 'a\r\nb: c' }] } },
        /value/,
      ],
      [{ type: 'http', sink: { ...sink, httpCustomHeaders: [{ header: 'Host', value: 'x' }] } }, /header/],
      [{ type: 'http', sink: { ...sink, httpAuthorization: 'Bearer \u2603' } }, /httpAuthorization/],
      [{ type: 'http', name: 'a\u0000b', sink }, /NUL/],
      [{ type: 'http', sink: { ...sink, httpContentFormat: 'XML' } }, /httpContentFormat/],
      [{ type: 'http', sink, startFrom: 'yesterday' }, /startFrom/],
      [{ type: 'http' }, /sink/],
    ];
    for (const [body, message] of refusals) {
      const refused = await audit('POST', '/log-streams', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
      expect(refused.json.message).toMatch(message);
    }
    const patched = await audit('PATCH', `/log-streams/${streamId}`, { status: 'deleted' });
    expect(patched.status).toBe(400);
    for (const id of ['lst_0000000000000000', 'nope', '%00', "lst_'or'1'='1"]) {
      const missing = await audit('GET', `/log-streams/${encodeURIComponent(id)}`);
      expect(missing.status, id).toBe(404);
      expect(missing.json).toMatchObject({ errorCode: 'inexistent_log_stream' });
      expect((await audit('DELETE', `/log-streams/${encodeURIComponent(id)}`)).status, id).toBe(404);
      expect((await audit('PATCH', `/log-streams/${encodeURIComponent(id)}`, { name: 'x' })).status).toBe(
        404,
      );
    }
    const readOnly = await managementToken(stack, stack.bootstrap, 'read:log_streams');
    expect((await audit('GET', '/log-streams', undefined, readOnly)).status).toBe(200);
    const denied = await audit('POST', '/log-streams', { type: 'http', sink }, readOnly);
    expect(denied.status).toBe(403);
    const logsOnly = await managementToken(stack, stack.bootstrap, 'read:logs');
    expect((await audit('GET', '/log-streams', undefined, logsOnly)).status).toBe(403);
  });

  it('stops delivering once the stream is deleted', async () => {
    await sdk.logStreams.delete({ id: streamId });
    const gone = await audit('GET', `/log-streams/${streamId}`);
    expect(gone.status).toBe(404);
    await sleep(800);
    const before = receiver.of(app.client_id).length;
    await scenario();
    await sleep(1_500);
    expect(receiver.of(app.client_id)).toHaveLength(before);
  });
});
