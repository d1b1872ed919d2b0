import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';
import { management, managementAudience, managementToken } from './support/management-api';

/** `/api/v2/resource-servers`: an API created here is an audience the token endpoint honours at once. */
describe('Management API: resource servers', () => {
  const stack = inject('stack');
  let token: string;

  beforeAll(async () => {
    token = await managementToken(stack);
  });

  const clientCredentials = (audience: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: stack.otherClient.clientId,
      client_secret: stack.otherClient.clientSecret,
      audience,
    });

  it('creates, reads (by id or identifier), lists, updates and deletes an API', async () => {
    const identifier = `https://orders-${Date.now()}.example.test/`;
    const created = await management(stack, token, 'POST', '/resource-servers', {
      identifier,
      name: 'Orders',
      scopes: [{ value: 'read:orders', description: 'Read orders' }, { value: 'write:orders' }],
      signing_alg: 'ES256',
      token_lifetime: 600,
      token_dialect: 'rfc9068_profile',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Orders',
      identifier,
      scopes: [
        { value: 'read:orders', description: 'Read orders' },
        { value: 'write:orders', description: '' },
      ],
      signing_alg: 'ES256',
      token_lifetime: 600,
      token_dialect: 'rfc9068_profile',
      allow_offline_access: false,
      is_system: false,
    });
    const id = created.json.id as string;
    expect((await management(stack, token, 'GET', `/resource-servers/${id}`)).json).toEqual(created.json);
    expect(
      (await management(stack, token, 'GET', `/resource-servers/${encodeURIComponent(identifier)}`)).json,
    ).toEqual(created.json);

    const duplicate = await management(stack, token, 'POST', '/resource-servers', { identifier });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      errorCode: 'resource_server_conflict',
    });

    // The new API is an audience at once: grant it and get an RFC 9068 ES256 token that lives 600 s.
    expect((await clientCredentials(identifier)).status).toBe(403);
    const grant = await management(stack, token, 'POST', '/client-grants', {
      client_id: stack.otherClient.clientId,
      audience: identifier,
      scope: ['read:orders'],
    });
    expect(grant.status).toBe(201);
    const issued = await clientCredentials(identifier);
    expect(issued.status).toBe(200);
    expect(issued.json.expires_in).toBe(600);
    expect(decodeProtectedHeader(issued.json.access_token as string)).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
    });
    expect(decodeJwt(issued.json.access_token as string)).toMatchObject({
      aud: identifier,
      scope: 'read:orders',
    });

    const updated = await management(stack, token, 'PATCH', `/resource-servers/${id}`, {
      token_lifetime: 1200,
      token_dialect: 'access_token',
      signing_alg: 'RS256',
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      token_lifetime: 1200,
      token_dialect: 'access_token',
      signing_alg: 'RS256',
    });
    const reissued = await clientCredentials(identifier);
    expect(reissued.json.expires_in).toBe(1200);
    expect(decodeProtectedHeader(reissued.json.access_token as string)).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
    });

    const immutable = await management(stack, token, 'PATCH', `/resource-servers/${id}`, { identifier: 'x' });
    expect(immutable.status).toBe(400);
    expect(immutable.json.message).toMatch(/Additional properties not allowed: identifier/);

    const page = await management(stack, token, 'GET', '/resource-servers?include_totals=true&per_page=100');
    const listed = page.json.resource_servers as { identifier: string }[];
    expect(listed.map((api) => api.identifier)).toContain(identifier);
    expect(page.json.total).toBeGreaterThanOrEqual(4);

    expect((await management(stack, token, 'DELETE', `/resource-servers/${id}`)).status).toBe(204);
    const gone = await management(stack, token, 'GET', `/resource-servers/${id}`);
    expect(gone.json).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The resource server does not exist',
      errorCode: 'inexistent_resource_server',
    });
    // Its grants went with it, and the audience is refused at once.
    expect(
      (await management(stack, token, 'GET', `/client-grants?audience=${encodeURIComponent(identifier)}`))
        .json,
    ).toEqual([]);
    const refused = await clientCredentials(identifier);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('access_denied');
  });

  it('protects the Management API itself and validates input', async () => {
    const system = await management(
      stack,
      token,
      'GET',
      `/resource-servers/${encodeURIComponent(managementAudience(stack))}`,
    );
    expect(system.json).toMatchObject({ identifier: managementAudience(stack), is_system: true });
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PATCH', { token_lifetime: 60 }],
    ] as const) {
      const response = await management(stack, token, method, `/resource-servers/${system.json.id}`, body);
      expect(response.status).toBe(403);
      expect(response.json.errorCode).toBe('operation_not_supported');
    }
    for (const body of [
      {},
      { identifier: '' },
      { identifier: 'https://x.test/', signing_alg: 'HS256' },
      { identifier: 'https://x.test/', token_lifetime: 10_000_000 },
      { identifier: 'https://x.test/', token_dialect: 'jwe' },
      { identifier: 'https://x.test/', scopes: [{ value: 'two words' }] },
      { identifier: 'https://x.test/', scopes: ['read:x'] },
    ]) {
      const response = await management(stack, token, 'POST', '/resource-servers', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.errorCode).toBe('invalid_body');
    }
  });
});
