import type * as Auth0Legacy from 'auth0-legacy';
import { beforeAll, describe, expect, inject, it } from 'vitest';

/*
 * `auth0/legacy` is a package `exports` subpath, which the repo's `node10` module resolution cannot
 * see; it re-exports `auth0-legacy` (node-auth0 4.37), whose types we borrow. The module loaded at
 * run time is `auth0/legacy` itself.
 */
const legacyEntry = 'auth0/legacy';

/**
 * Auth0's own SDK (`auth0/legacy` ManagementClient, node-auth0 v4) drives the Management API. It
 * hard-codes `https://{domain}`; a custom fetch sends its calls — the client-credentials token request
 * included — to issuance's plain-HTTP port instead (reference/auth0-api.md §5.1).
 */
describe("Auth0's ManagementClient against issuance", () => {
  const stack = inject('stack');
  const origin = stack.issuer; // https://127.0.0.1:8443/
  let sdk: Auth0Legacy.ManagementClient;
  let ManagementApiError: typeof Auth0Legacy.ManagementApiError;
  const requests: string[] = [];

  beforeAll(async () => {
    const legacy = (await import(legacyEntry)) as typeof Auth0Legacy;
    ManagementApiError = legacy.ManagementApiError;
    const rewritingFetch = (input: URL | string | Request, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.startsWith(origin)) throw new Error(`unexpected URL ${url}`);
      const local = `${stack.urls.issuance}/${url.slice(origin.length)}`;
      requests.push(`${init?.method ?? 'GET'} ${new URL(local).pathname}`);
      return fetch(local, init);
    };
    sdk = new legacy.ManagementClient({
      domain: new URL(origin).host,
      clientId: stack.bootstrap.clientId,
      clientSecret: stack.bootstrap.clientSecret,
      fetch: rewritingFetch,
    });
  });

  it('manages clients, APIs, client grants and signing keys', async () => {
    const identifier = `https://sdk-${Date.now()}.example.test/`;
    const { data: api } = await sdk.resourceServers.create({
      identifier,
      name: 'SDK API',
      scopes: [{ value: 'read:sdk', description: 'Read' }],
      token_lifetime: 900,
    });
    expect(api).toMatchObject({ identifier, name: 'SDK API', token_lifetime: 900, signing_alg: 'RS256' });
    expect((await sdk.resourceServers.get({ id: api.id })).data.identifier).toBe(identifier);
    const { data: updatedApi } = await sdk.resourceServers.update(
      { id: api.id },
      { allow_offline_access: true },
    );
    expect(updatedApi.allow_offline_access).toBe(true);
    const { data: apis } = await sdk.resourceServers.getAll({ per_page: 100 });
    expect(apis.map((entry) => entry.identifier)).toContain(identifier);

    const { data: client } = await sdk.clients.create({
      name: 'SDK client',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
    });
    expect(client.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const { data: read } = await sdk.clients.get({ client_id: client.client_id });
    expect(read.client_secret).toBeUndefined();
    const { data: renamed } = await sdk.clients.update(
      { client_id: client.client_id },
      { name: 'SDK client 2' },
    );
    expect(renamed.name).toBe('SDK client 2');
    const { data: page } = await sdk.clients.getAll({ include_totals: true, per_page: 2, page: 0 });
    expect(page.clients).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    const { data: rotated } = await sdk.clients.rotateClientSecret({ client_id: client.client_id });
    expect(rotated.client_secret).not.toBe(client.client_secret);

    const { data: grant } = await sdk.clientGrants.create({
      client_id: client.client_id,
      audience: identifier,
      scope: ['read:sdk'],
    });
    expect(grant).toMatchObject({ client_id: client.client_id, audience: identifier, scope: ['read:sdk'] });
    const { data: grants } = await sdk.clientGrants.getAll({ client_id: client.client_id });
    expect(grants).toEqual([grant]);
    const { data: narrowed } = await sdk.clientGrants.update({ id: grant.id }, { scope: [] });
    expect(narrowed.scope).toEqual([]);
    await sdk.clientGrants.delete({ id: grant.id });

    await sdk.clients.delete({ client_id: client.client_id });
    await sdk.resourceServers.delete({ id: api.id });

    // Errors arrive as the SDK's ManagementApiError, parsed from Auth0's error body.
    const missing = await sdk.clients.get({ client_id: client.client_id }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ManagementApiError);
    expect(missing).toMatchObject({ statusCode: 404, errorCode: 'inexistent_client', error: 'Not Found' });
    const invalid = await sdk.clients.create({ name: '' }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });

    const { data: keys } = await sdk.keys.getAll();
    const current = keys.find((key) => key.current && (key as { alg?: string }).alg === 'RS256')!;
    expect(current).toBeDefined();
    expect((await sdk.keys.get({ kid: current.kid })).data.kid).toBe(current.kid);
    const { data: rotation } = await sdk.keys.rotate();
    expect(rotation.kid).not.toBe(current.kid);
    const { data: revoked } = await sdk.keys.revoke({ kid: current.kid });
    expect(revoked.kid).toBe(current.kid);
    // The SDK's cached Management token was signed by the key just revoked: it no longer works,
    // as with Auth0, until the SDK fetches a new one.
    const stale = await sdk.keys.getAll().catch((error: unknown) => error);
    expect(stale).toMatchObject({ statusCode: 401, msg: 'Invalid token' });

    // One token request served every call (the SDK caches the Management token).
    expect(requests.filter((request) => request === 'POST /oauth/token')).toHaveLength(1);
  });
});
