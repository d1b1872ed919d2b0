import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { accountLinking } from './support/account-linking-api';
import { managementToken } from './support/management-api';
import { authorizeThroughConnection, createUpstreamLoginApp } from './support/upstream-login';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Security review #6, on the running stack: upstream OIDC connections cannot aim account-linking at
 * the cloud metadata service or other internal hosts, the endpoints a discovery document names obey
 * the same rules, bodies are capped, failures are cached, and the error page is no port scanner.
 *
 * The stack runs with TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS=true (its test providers listen on
 * 127.0.0.1 over http), so loopback stays reachable here; what a deployment without that setting
 * refuses on top (https://127.0.0.1, names resolving to private addresses) is shown by the unit and
 * integration tests of the network policy (libs/http outbound-network-policy.spec.ts, upstream-http-guard.spec.ts).
 */
describe('Upstream connections: SSRF rules', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  let token: string;
  let appId: string;
  let server: Server;
  let origin: string;
  let handler: Handler;
  let hits: string[];

  beforeAll(async () => {
    token = await managementToken(stack);
    appId = await createUpstreamLoginApp(stack, token);
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });
  beforeEach(() => {
    hits = [];
  });

  const call = (method: 'POST' | 'PATCH', path: string, body: unknown) =>
    accountLinking(stack, token, method, `/api/v2${path}`, body);
  const oidc = (name: string, options: Record<string, unknown>) =>
    call('POST', '/connections', {
      name,
      strategy: 'oidc',
      enabled_clients: [appId],
      options: { client_id: 'tessera', client_secret: 'connection-secret', ...options },
    });
  /** The page /login/start answers, reached as a browser is: through issuance's /authorize. */
  const loginStartPage = async (connection: string) => {
    const { startPath } = await authorizeThroughConnection(stack, appId, connection);
    const response = await fetch(`${stack.urls.accountLinking}${startPath}`, { redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  };
  const discoveryDocument = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      issuer: origin,
      authorization_endpoint: `${origin}/authorize`,
      token_endpoint: `${origin}/token`,
      jwks_uri: `${origin}/jwks`,
      ...overrides,
    });

  it('refuses connections aimed at the metadata service, internal hosts or plain http (400)', async () => {
    for (const options of [
      { discovery_url: 'http://169.254.169.254/latest/meta-data/' },
      { discovery_url: 'https://169.254.169.254/latest/meta-data/' },
      { issuer: 'https://[::ffff:169.254.169.254]/' },
      { issuer: 'https://[fe80::1]/' },
      { discovery_url: 'http://10.0.0.1/.well-known/openid-configuration' },
      { discovery_url: 'http://login.example.test/.well-known/openid-configuration' },
      { issuer: 'https://0.0.0.0/' },
      { issuer: 'https://user:password@login.example.test/' },
    ]) {
      const refused = await oidc(`ssrf-${randomBytes(4).toString('hex')}`, options);
      expect(refused.status, JSON.stringify(options)).toBe(400);
      expect(refused.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
      expect(refused.json.message).toMatch(/on property options\.(discovery_url|issuer)/);
    }

    const fine = await oidc(`ssrf-patched-${run}`, { issuer: 'https://login.example.test/' });
    expect(fine.status).toBe(201);
    const patched = await call('PATCH', `/connections/${fine.json.id as string}`, {
      options: { discovery_url: 'http://169.254.169.254/latest/meta-data/', client_id: 'tessera' },
    });
    expect(patched.status).toBe(400);
    expect(patched.json.errorCode).toBe('invalid_body');
  });

  it('refuses a discovery document whose token endpoint points at the metadata service: the client secret never goes there', async () => {
    handler = (_request, response) =>
      response.end(discoveryDocument({ token_endpoint: 'http://169.254.169.254/latest/api/token' }));
    const name = `ssrf-document-${run}`;
    expect((await oidc(name, { discovery_url: `${origin}/metadata-document` })).status).toBe(201);
    const page = await loginStartPage(name);
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/names an endpoint that is not allowed/);
    expect(page.html).not.toContain('169.254');
  });

  it('shows no status or address of the host asked, and asks a failing host once however often /login/start is hit', async () => {
    handler = (_request, response) => {
      response.statusCode = 503;
      response.end('{"error":"admin_console_v2"}');
    };
    const name = `ssrf-failing-${run}`;
    expect((await oidc(name, { discovery_url: `${origin}/failing` })).status).toBe(201);
    for (let attempt = 0; attempt < 5; attempt++) {
      const page = await loginStartPage(name);
      expect(page.status).toBe(400);
      expect(page.html).toMatch(/discovery endpoint refused the request/);
      expect(page.html).not.toMatch(/503|127\.0\.0\.1|admin_console/);
    }
    expect(hits).toEqual(['/failing']);
  });

  it('refuses a discovery document larger than the 1 MiB cap', async () => {
    handler = (_request, response) =>
      response.end(discoveryDocument({ padding: 'x'.repeat(2 * 1024 * 1024) }));
    const name = `ssrf-huge-${run}`;
    expect((await oidc(name, { discovery_url: `${origin}/huge` })).status).toBe(201);
    const page = await loginStartPage(name);
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/answer is too large/);
  });
});
