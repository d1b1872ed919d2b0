import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post } from '@app/testing';
import { management, managementAudience, managementToken } from './support/management-api';

/**
 * `/api/v2/clients` and `/api/v2/client-grants` on the running stack: CRUD in Auth0's shapes, a
 * secret shown only on create and rotate, `client.*` events with digests only, and a new client that
 * can get tokens from issuance and authenticate at the revocation service.
 */
describe('Management API: clients', () => {
  const stack = inject('stack');
  let token: string;
  let clientEvents: EventCollector;

  beforeAll(async () => {
    token = await managementToken(stack);
    clientEvents = await EventCollector.start(stack.brokers, TOPICS.clients.name);
  });

  afterAll(async () => {
    await clientEvents?.stop();
  });

  const clientCredentials = (clientId: string, secret: string, audience = stack.api.identifier) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      audience,
    });

  it('creates, reads, lists, updates and deletes a client in Auth0 shape', async () => {
    const created = await management(stack, token, 'POST', '/clients', {
      name: 'Billing worker',
      app_type: 'non_interactive',
      callbacks: ['https://billing.example.test/callback'],
      jwt_configuration: { alg: 'RS256' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      name: 'Billing worker',
      app_type: 'non_interactive',
      is_first_party: true,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      callbacks: ['https://billing.example.test/callback'],
      // Logout (issue #16 §2): Auth0's list of allowed logout URLs, and Tessera's setting for refresh tokens.
      allowed_logout_urls: [],
      logout_revokes_refresh_tokens: false,
      oidc_logout: { backchannel_logout_urls: [] },
      jwt_configuration: { alg: 'RS256' },
      refresh_token: {
        rotation_type: 'non-rotating',
        expiration_type: 'non-expiring',
        leeway: 0,
        token_lifetime: 2592000,
        idle_token_lifetime: 1296000,
        infinite_token_lifetime: true,
        infinite_idle_token_lifetime: true,
      },
      revoke_refresh_token_grant: true,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
    });
    const clientId = created.json.client_id as string;

    const read = await management(stack, token, 'GET', `/clients/${clientId}`);
    expect(read.status).toBe(200);
    const { client_secret: _secret, ...withoutSecret } = created.json;
    expect(read.json).toEqual(withoutSecret);

    const updated = await management(stack, token, 'PATCH', `/clients/${clientId}`, {
      name: 'Billing worker v2',
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 3 },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      client_id: clientId,
      name: 'Billing worker v2',
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 3 },
    });
    expect(updated.json.client_secret).toBeUndefined();

    const page = await management(stack, token, 'GET', '/clients?per_page=2&page=0&include_totals=true');
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ start: 0, limit: 2, length: 2 });
    expect(page.json.total).toBeGreaterThanOrEqual(3);
    expect(page.json.clients).toHaveLength(2);
    for (const client of page.json.clients) expect(client.client_secret).toBeUndefined();
    const all = await management(stack, token, 'GET', '/clients?per_page=100');
    expect(Array.isArray(all.json)).toBe(true);
    const listedIds = (all.json as { client_id: string }[]).map((client) => client.client_id);
    expect(listedIds).toContain(clientId);

    const deleted = await management(stack, token, 'DELETE', `/clients/${clientId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await management(stack, token, 'GET', `/clients/${clientId}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The client does not exist',
      errorCode: 'inexistent_client',
    });

    // Every change is an event with the credential digest, never the secret.
    const secret = created.json.client_secret as string;
    const digest = createHash('sha256').update(secret).digest('hex');
    const createdEvent = await clientEvents.waitFor(
      (m) => m.key === clientId && (m.value as any)?.type === 'client.created',
    );
    expect(createdEvent.value).toMatchObject({
      payload: {
        client_id: clientId,
        token_endpoint_auth_method: 'client_secret_post',
        secret_digests: [digest],
      },
    });
    await clientEvents.waitFor((m) => m.key === clientId && (m.value as any)?.type === 'client.updated');
    const deletedEvent = await clientEvents.waitFor(
      (m) => m.key === clientId && (m.value as any)?.type === 'client.deleted',
    );
    expect((deletedEvent.value as any).payload).toEqual({ client_id: clientId });
    for (const message of clientEvents.messages) expect(message.raw).not.toContain(secret);
  });

  it('a new client gets tokens once granted, and its rotated secret replaces the old one', async () => {
    const created = await management(stack, token, 'POST', '/clients', {
      name: 'Reporting job',
      app_type: 'non_interactive',
    });
    const clientId = created.json.client_id as string;
    const firstSecret = created.json.client_secret as string;

    // No grant yet: Auth0's 403 access_denied.
    const refused = await clientCredentials(clientId, firstSecret);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('access_denied');

    const grant = await management(stack, token, 'POST', '/client-grants', {
      client_id: clientId,
      audience: stack.api.identifier,
      scope: ['read:things'],
    });
    expect(grant.status).toBe(201);
    expect(grant.json).toEqual({
      id: expect.stringMatching(/^cgr_/),
      client_id: clientId,
      audience: stack.api.identifier,
      scope: ['read:things'],
    });

    // The grant applies at once on this instance (its cache forgot the earlier "no grant").
    const issued = await clientCredentials(clientId, firstSecret);
    expect(issued.status).toBe(200);
    expect(issued.json.scope).toBe('read:things');

    const duplicate = await management(stack, token, 'POST', '/client-grants', {
      client_id: clientId,
      audience: stack.api.identifier,
      scope: [],
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      errorCode: 'client_grant_conflict',
    });

    const widened = await management(stack, token, 'PATCH', `/client-grants/${grant.json.id}`, {
      scope: ['read:things', 'write:things'],
    });
    expect(widened.status).toBe(200);
    expect((await clientCredentials(clientId, firstSecret)).json.scope).toBe('read:things write:things');

    const listed = await management(stack, token, 'GET', `/client-grants?client_id=${clientId}`);
    expect(listed.json).toEqual([widened.json]);

    // The revocation service learns the client from client.created and authenticates it.
    const revokeWithFirst = () =>
      post(`${stack.urls.revocation}/oauth/revoke`, {
        token: 'not-a-token',
        client_id: clientId,
        client_secret: firstSecret,
      });
    expect(await eventually(async () => (await revokeWithFirst()).status === 200, 10_000)).toBe(true);

    // Rotate: the new secret is returned once; the old one stops working at issuance, then elsewhere.
    const rotated = await management(stack, token, 'POST', `/clients/${clientId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const secondSecret = rotated.json.client_secret as string;
    expect(secondSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(secondSecret).not.toBe(firstSecret);
    expect(
      (await management(stack, token, 'GET', `/clients/${clientId}`)).json.client_secret,
    ).toBeUndefined();
    expect((await clientCredentials(clientId, firstSecret)).status).toBe(401);
    expect((await clientCredentials(clientId, secondSecret)).status).toBe(200);
    expect(await eventually(async () => (await revokeWithFirst()).status === 401, 10_000)).toBe(true);

    // Deleting the grant takes the audience away at once.
    expect((await management(stack, token, 'DELETE', `/client-grants/${grant.json.id}`)).status).toBe(204);
    expect((await clientCredentials(clientId, secondSecret)).status).toBe(403);
    expect((await management(stack, token, 'DELETE', `/client-grants/${grant.json.id}`)).json).toMatchObject({
      statusCode: 404,
      errorCode: 'inexistent_client_grant',
    });

    // Deleting the client: its credentials stop working at once.
    expect((await management(stack, token, 'DELETE', `/clients/${clientId}`)).status).toBe(204);
    expect((await clientCredentials(clientId, secondSecret)).status).toBe(401);
  });

  it('registers public keys for private_key_jwt and public clients without client credentials', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const created = await management(stack, token, 'POST', '/clients', {
      name: 'Signed assertions',
      app_type: 'non_interactive',
      token_endpoint_auth_method: 'private_key_jwt',
      client_authentication_methods: {
        private_key_jwt: { credentials: [{ credential_type: 'public_key', name: 'k1', pem }] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json.client_authentication_methods.private_key_jwt.credentials).toEqual([
      {
        id: expect.stringMatching(/^cred_/),
        name: 'k1',
        credential_type: 'public_key',
        alg: 'RS256',
        thumbprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        created_at: expect.any(String),
      },
    ]);

    const noKeys = await management(stack, token, 'POST', '/clients', {
      name: 'No keys',
      token_endpoint_auth_method: 'private_key_jwt',
    });
    expect(noKeys.status).toBe(400);
    expect(noKeys.json.errorCode).toBe('invalid_body');

    const spa = await management(stack, token, 'POST', '/clients', { name: 'Browser app', app_type: 'spa' });
    expect(spa.json).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    });
    const publicWithCc = await management(stack, token, 'PATCH', `/clients/${spa.json.client_id}`, {
      grant_types: ['client_credentials'],
    });
    expect(publicWithCc.status).toBe(400);
    expect(publicWithCc.json.message).toMatch(/client_credentials/);
  });

  it('answers bad input with invalid_body / invalid_query_string, never a 500', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['{"name":', undefined, /Invalid JSON/],
      ['[]', undefined, /JSON object/],
      [JSON.stringify({}), undefined, /Missing required property: name/],
      [JSON.stringify({ name: 7 }), undefined, /on property name/],
      [
        JSON.stringify({ name: 'x', client_secret: 'mine' }),
        undefined,
        /Additional properties not allowed: client_secret/,
      ],
      [JSON.stringify({ name: 'x', app_type: 'mainframe' }), undefined, /on property app_type/],
      [JSON.stringify({ name: 'x', callbacks: ['not a url'] }), undefined, /on property callbacks\.0/],
      [
        JSON.stringify({ name: 'x', jwt_configuration: { alg: 'HS256' } }),
        undefined,
        /jwt_configuration\.alg/,
      ],
      [
        JSON.stringify({
          name: 'x',
          refresh_token: { rotation_type: 'rotating', expiration_type: 'non-expiring' },
        }),
        undefined,
        /must be expiring/,
      ],
      [
        JSON.stringify({
          name: 'x',
          refresh_token: {
            expiration_type: 'expiring',
            infinite_token_lifetime: false,
            infinite_idle_token_lifetime: false,
            token_lifetime: 100,
            idle_token_lifetime: 200,
          },
        }),
        undefined,
        /idle_token_lifetime/,
      ],
    ];
    for (const [body, , message] of cases) {
      const response = await management(stack, token, 'POST', '/clients', body);
      expect(response.status, body).toBe(400);
      expect(response.json).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        errorCode: 'invalid_body',
      });
      expect(response.json.message).toMatch(/^Payload validation error: /);
      expect(response.json.message).toMatch(message);
    }
    const form = await management(stack, token, 'POST', '/clients', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(400);
    expect(form.json.errorCode).toBe('invalid_body');

    for (const query of [
      'per_page=0',
      'per_page=101',
      'page=-1',
      'page=x',
      'include_totals=yes',
      'unknown=1',
      'per_page=1&per_page=2',
    ]) {
      const response = await management(stack, token, 'GET', `/clients?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
      expect(response.json.message).toMatch(/^Query validation error: /);
    }

    for (const [method, path] of [
      ['PATCH', '/clients/nope'],
      ['POST', '/clients/nope/rotate-secret'],
      ['DELETE', '/clients/nope'],
      ['GET', `/clients/${'x'.repeat(99)}`],
    ] as const) {
      const response = await management(
        stack,
        token,
        method,
        path,
        method === 'PATCH' ? { name: 'y' } : undefined,
      );
      expect(response.status, `${method} ${path.slice(0, 20)}`).toBe(404);
      expect(response.json.errorCode).toBe('inexistent_client');
    }

    // Beyond the router's path-parameter limit: fastify's 414, still not a 500.
    expect((await management(stack, token, 'GET', `/clients/${'x'.repeat(5000)}`)).status).toBe(414);

    const grantForNobody = await management(stack, token, 'POST', '/client-grants', {
      client_id: 'nobody',
      audience: stack.api.identifier,
      scope: [],
    });
    expect(grantForNobody.json).toMatchObject({ statusCode: 404, errorCode: 'inexistent_client' });
    const grantForNoApi = await management(stack, token, 'POST', '/client-grants', {
      client_id: stack.client.clientId,
      audience: 'https://no-such-api.example.test/',
      scope: [],
    });
    expect(grantForNoApi.json).toMatchObject({ statusCode: 404, errorCode: 'inexistent_resource_server' });
    const undefinedScope = await management(stack, token, 'POST', '/client-grants', {
      client_id: stack.otherClient.clientId,
      audience: stack.rfc9068Api.identifier,
      scope: ['delete:everything'],
    });
    expect(undefinedScope.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    expect(managementAudience(stack)).toBe(`${stack.issuer}api/v2/`);
  });
});
