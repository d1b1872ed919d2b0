import { beforeAll, describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';
import { management, managementAudience, managementToken } from './support/management-api';

/** Every Management API route needs a Management API token with one of the route's scopes. */
describe('Management API: authorisation', () => {
  const stack = inject('stack');
  let adminToken: string;

  beforeAll(async () => {
    adminToken = await managementToken(stack);
  });

  it('answers unknown /api/v2 paths in the Management shape, and other unknown paths in the OAuth shape', async () => {
    for (const base of [stack.urls.issuance, stack.urls.revocation, stack.urls.accountLinking]) {
      const unknown = await fetch(`${base}/api/v2/no-such-resource`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Not found',
        errorCode: 'inexistent_path',
      });
    }
    const oauth = await fetch(`${stack.urls.issuance}/oauth/no-such-endpoint`);
    expect(oauth.status).toBe(404);
    expect(await oauth.json()).toEqual({ error: 'not_found', error_description: 'Not found' });
  });

  it('answers 401 without a usable bearer token', async () => {
    const missing = await management(stack, null, 'GET', '/clients');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
    });

    for (const authorization of [
      'Bearer not-a-jwt',
      'Basic Zm9vOmJhcg==',
      'Bearer',
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      const response = await management(stack, null, 'GET', '/clients', undefined, { authorization });
      expect(response.status, authorization.slice(0, 12)).toBe(401);
      expect(response.json).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });
    }

    // A tampered token: same header and claims, signature of another token.
    const [header, payload] = adminToken.split('.');
    const other = await managementToken(stack);
    const tampered = `${header}.${payload}.${other.split('.')[2]}`;
    expect(tampered).not.toBe(adminToken);
    expect((await management(stack, tampered, 'GET', '/clients')).status).toBe(401);

    // A valid token of ours for another API is not a Management API token.
    const apiToken = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
      audience: stack.api.identifier,
    });
    const wrongAudience = await management(stack, apiToken.json.access_token as string, 'GET', '/clients');
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.json).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Bad audience' });
  });

  it('answers 403 insufficient_scope when the token lacks every scope the route accepts', async () => {
    const created = await management(stack, adminToken, 'POST', '/clients', {
      name: 'Read-only auditor',
      app_type: 'non_interactive',
    });
    const auditor = {
      clientId: created.json.client_id as string,
      clientSecret: created.json.client_secret as string,
    };
    const grant = await management(stack, adminToken, 'POST', '/client-grants', {
      client_id: auditor.clientId,
      audience: managementAudience(stack),
      scope: ['read:clients'],
    });
    expect(grant.status).toBe(201);
    const token = await managementToken(stack, auditor);

    expect((await management(stack, token, 'GET', '/clients')).status).toBe(200);
    expect((await management(stack, token, 'GET', `/clients/${auditor.clientId}`)).status).toBe(200);

    const create = await management(stack, token, 'POST', '/clients', { name: 'nope' });
    expect(create.status).toBe(403);
    expect(create.json).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope; expected any of: create:clients.',
      errorCode: 'insufficient_scope',
    });
    const apis = await management(stack, token, 'GET', '/resource-servers');
    expect(apis.json.message).toBe('Insufficient scope; expected any of: read:resource_servers.');
    const rotate = await management(stack, token, 'POST', '/keys/signing/rotate');
    expect(rotate.status).toBe(403);
    expect(rotate.json.message).toBe(
      'Insufficient scope; expected any of: create:signing_keys,update:signing_keys.',
    );
    const rotateSecret = await management(stack, token, 'POST', `/clients/${auditor.clientId}/rotate-secret`);
    expect(rotateSecret.json.errorCode).toBe('insufficient_scope');
    // Scope is checked before the body: a forbidden caller learns nothing about validation.
    const badBodyForbidden = await management(stack, token, 'POST', '/clients', '{oops');
    expect(badBodyForbidden.status).toBe(403);
  });
});
