import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { management, managementToken } from './support/management-api';
import { authorizeThroughConnection, createUpstreamLoginApp } from './support/upstream-login';

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';

/**
 * Security review #13 on the running stack: a connection serves only the clients in its
 * `enabled_clients` — at `/login/start` (the upstream login an `/authorize?connection=…` begins) and
 * for the password-realm grant — and the client named in a `/login/start` link is covered by
 * issuance's signature, so a browser cannot swap in another one.
 */
describe('Connections serve only their enabled clients', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  let token: string;
  let appId: string;
  let realmClient: { client_id: string; client_secret: string };
  let discovery: Server;
  let origin: string;

  beforeAll(async () => {
    token = await managementToken(stack);
    appId = await createUpstreamLoginApp(stack, token);
    const created = await management(stack, token, 'POST', '/clients', {
      name: `Realm client ${run}`,
      app_type: 'regular_web',
      grant_types: [PASSWORD_REALM],
    });
    expect(created.status, created.text).toBe(201);
    realmClient = created.json as { client_id: string; client_secret: string };
    // A provider that only answers discovery: enough for /login/start to send the browser upstream.
    discovery = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          issuer: origin,
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/token`,
          jwks_uri: `${origin}/jwks`,
        }),
      );
    });
    await new Promise<void>((resolve) => discovery.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(discovery.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    discovery?.closeAllConnections();
    await new Promise<void>((resolve) => discovery?.close(() => resolve()));
  });

  const connections = (method: 'POST' | 'PATCH', path: string, body: unknown) =>
    accountLinking(stack, token, method, `/api/v2/connections${path}`, body);
  const createConnection = async (name: string, enabledClients: string[]) => {
    const created = await connections('POST', '', {
      name,
      strategy: 'oidc',
      enabled_clients: enabledClients,
      options: {
        discovery_url: `${origin}/.well-known/openid-configuration?for=${name}`,
        client_id: 'tessera',
        client_secret: 'connection-secret',
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return created.json.id as string;
  };
  const enable = async (id: string, clientIds: string[]) =>
    expect((await connections('PATCH', `/${id}`, { enabled_clients: clientIds })).status).toBe(200);
  const loginStart = async (connection: string) => {
    const { startPath } = await authorizeThroughConnection(stack, appId, connection);
    const response = await fetch(`${stack.urls.accountLinking}${startPath}`, { redirect: 'manual' });
    return {
      startPath,
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };
  const realmLogin = (realm: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: PASSWORD_REALM,
      client_id: realmClient.client_id,
      client_secret: realmClient.client_secret,
      username: `nobody-${run}@example.test`,
      password: 'Not-The-Password-1',
      realm,
    });

  it('/login/start refuses a client the connection is not enabled for, before asking the provider', async () => {
    const name = `enabled-clients-${run}`;
    const id = await createConnection(name, []);
    const refused = await loginStart(name);
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/not enabled for the application/);

    await enable(id, [`someone-else-${run}`]);
    expect((await loginStart(name)).html).toMatch(/not enabled for the application/);

    await enable(id, [appId]);
    const started = await loginStart(name);
    expect(started.status, started.html).toBe(302);
    expect(started.location).toMatch(new RegExp(`^${origin}/authorize\\?`));
  });

  it('a /login/start link names the client under issuance signature: another client_id breaks it', async () => {
    const name = `enabled-signed-${run}`;
    await createConnection(name, [appId, realmClient.client_id]);
    const { startPath } = await authorizeThroughConnection(stack, appId, name);
    const forged = new URL(startPath, stack.urls.accountLinking);
    forged.searchParams.set('client_id', realmClient.client_id);
    const response = await fetch(forged, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/not valid or has expired/);
  });

  it('the password-realm grant refuses a realm not enabled for the client, and an unknown realm', async () => {
    const name = `enabled-realm-${run}`;
    const id = await createConnection(name, [appId]);
    const refused = await realmLogin(name);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      error: 'unauthorized_client',
      error_description: 'The connection is not enabled for the client.',
    });
    const unknown = await realmLogin(`no-such-connection-${run}`);
    expect(unknown.status).toBe(403);
    expect(unknown.json.error).toBe('unauthorized_client');

    // Enabled: the realm is served, and the (unknown) user gets Auth0's wrong-credentials answer.
    await enable(id, [appId, realmClient.client_id]);
    const served = await realmLogin(name);
    expect(served.json).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });
});
