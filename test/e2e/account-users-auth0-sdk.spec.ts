import { randomBytes } from 'node:crypto';
import type * as Auth0Legacy from 'auth0-legacy';
import { beforeAll, describe, expect, inject, it } from 'vitest';

/* `auth0/legacy` is loaded at run time; its types come from `auth0-legacy` (see management-auth0-sdk). */
const legacyEntry = 'auth0/legacy';

/**
 * Auth0's own ManagementClient manages users on account-linking. It hard-codes `https://{domain}`; a
 * custom fetch sends the token request to issuance and `/api/v2/users…` to account-linking, as the
 * gateway's routes do.
 */
describe("Auth0's ManagementClient against account-linking", () => {
  const stack = inject('stack');
  const origin = stack.issuer;
  let sdk: Auth0Legacy.ManagementClient;
  let ManagementApiError: typeof Auth0Legacy.ManagementApiError;

  beforeAll(async () => {
    const legacy = (await import(legacyEntry)) as typeof Auth0Legacy;
    ManagementApiError = legacy.ManagementApiError;
    const rewritingFetch = (input: URL | string | Request, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.startsWith(origin)) throw new Error(`unexpected URL ${url}`);
      const path = url.slice(origin.length - 1);
      const service = path.startsWith('/api/v2/users') ? stack.urls.accountLinking : stack.urls.issuance;
      return fetch(`${service}${path}`, init);
    };
    sdk = new legacy.ManagementClient({
      domain: new URL(origin).host,
      clientId: stack.bootstrap.clientId,
      clientSecret: stack.bootstrap.clientSecret,
      fetch: rewritingFetch,
    });
  });

  it('creates, reads, finds, updates and deletes a user', async () => {
    const email = `sdk-${randomBytes(4).toString('hex')}@example.test`;
    const { data: user } = await sdk.users.create({
      connection: 'Username-Password-Authentication',
      email,
      password: 'Sdk-Password-1',
      user_metadata: { source: 'sdk' },
    });
    expect(user).toMatchObject({ email, email_verified: false, user_metadata: { source: 'sdk' } });
    expect(user.user_id).toMatch(/^auth0\|/);

    // The SDK URL-encodes the id (auth0%7C…) in the path.
    expect((await sdk.users.get({ id: user.user_id })).data.email).toBe(email);
    expect((await sdk.usersByEmail.getByEmail({ email })).data.map((found) => found.user_id)).toEqual([
      user.user_id,
    ]);
    const { data: page } = await sdk.users.getAll({ q: `email:"${email}"`, include_totals: true });
    expect(page.total).toBe(1);

    const { data: updated } = await sdk.users.update(
      { id: user.user_id },
      { user_metadata: { theme: 'dark' }, blocked: true },
    );
    expect(updated).toMatchObject({ blocked: true, user_metadata: { source: 'sdk', theme: 'dark' } });

    await sdk.users.delete({ id: user.user_id });
    const missing = await sdk.users.get({ id: user.user_id }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ManagementApiError);
    expect(missing).toMatchObject({ statusCode: 404, errorCode: 'inexistent_user' });

    const weak = await sdk.users
      .create({ connection: 'Username-Password-Authentication', email, password: 'weak' })
      .catch((error: unknown) => error);
    expect(weak).toMatchObject({ statusCode: 400, message: 'PasswordStrengthError: Password is too weak' });
  });
});
