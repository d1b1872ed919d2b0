import { randomBytes } from 'node:crypto';
import type * as Auth0Legacy from 'auth0-legacy';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, type CollectedMessage } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { management, managementAudience, managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';
const DB = 'Username-Password-Authentication';
/* `auth0/legacy` is loaded at run time; its types come from `auth0-legacy` (see management-auth0-sdk). */
const legacyEntry = 'auth0/legacy';

/**
 * Account linking on the running account-linking service (reference/auth0-api.md §3): link and unlink
 * with Auth0's bodies, errors and semantics, the snapshots on the compacted accounts topic, password
 * sign-in through a linked identity, and Auth0's ManagementClient.
 */
describe('Account-linking: link and unlink identities', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  let sequence = 0;
  const address = (name: string) => `${name}-${run}-${sequence++}@example.test`;
  let token: string;
  let accountEvents: EventCollector;

  beforeAll(async () => {
    token = await managementToken(stack);
    accountEvents = await EventCollector.start(stack.brokers, TOPICS.accounts.name);
  });

  afterAll(async () => {
    await accountEvents?.stop();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, as = token) =>
    accountLinking(stack, as, method, `/api/v2${path}`, body);
  const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`;
  const identitiesPath = (userId: string) => `${userPath(userId)}/identities`;
  const createUser = async (email: string, extra: Record<string, unknown> = {}) => {
    const created = await call('POST', '/users', { connection: DB, email, password: PASSWORD, ...extra });
    expect(created.status).toBe(201);
    return created.json as { user_id: string; email: string };
  };
  const idOf = (userId: string) => userId.slice('auth0|'.length);
  const verifyPassword = (username: string) =>
    accountLinking(stack, null, 'POST', '/internal/v1/password-verifications', {
      connection: DB,
      username,
      password: PASSWORD,
      client_id: 'account-identities-spec',
    });
  const eventsOf = (key: string) =>
    accountEvents.messages.filter((message: CollectedMessage) => message.key === key);
  const typeOf = (message: CollectedMessage) => (message.value as { type: string }).type;

  it('links a secondary user: its identity moves under the primary, the secondary and its metadata are gone', async () => {
    const primary = await createUser(address('primary'), { user_metadata: { keep: 'primary' } });
    const secondaryEmail = address('secondary');
    const secondary = await createUser(secondaryEmail, {
      name: 'Second Account',
      user_metadata: { lost: true },
      app_metadata: { plan: 'gone' },
    });

    const linked = await call('POST', identitiesPath(primary.user_id), {
      provider: 'auth0',
      user_id: idOf(secondary.user_id),
    });
    expect(linked.status).toBe(201);
    expect(linked.json).toEqual([
      { connection: DB, user_id: idOf(primary.user_id), provider: 'auth0', isSocial: false },
      {
        connection: DB,
        user_id: idOf(secondary.user_id),
        provider: 'auth0',
        isSocial: false,
        profileData: expect.objectContaining({
          email: secondaryEmail,
          email_verified: false,
          name: 'Second Account',
        }),
      },
    ]);
    expect(JSON.stringify(linked.json)).not.toContain('lost');

    expect((await call('GET', userPath(secondary.user_id))).status).toBe(404);
    const after = await call('GET', userPath(primary.user_id));
    expect(after.json).toMatchObject({ user_metadata: { keep: 'primary' }, app_metadata: {} });
    expect(after.json.identities).toEqual(linked.json);

    // Each user touched ends with its full snapshot on the compacted topic.
    await accountEvents.waitFor(
      (message) => message.key === secondary.user_id && typeOf(message) === 'user.deleted',
    );
    await accountEvents.waitFor(
      (message) =>
        message.key === primary.user_id &&
        typeOf(message) === 'user.updated' &&
        (message.value as { payload: { identities: unknown[] } }).payload.identities.length === 2,
    );
    const primaryTypes = eventsOf(primary.user_id).map(typeOf);
    expect(primaryTypes.slice(-2)).toEqual(['identity.linked', 'user.updated']);
    const link = eventsOf(primary.user_id).find((message) => typeOf(message) === 'identity.linked');
    expect((link?.value as { payload: unknown }).payload).toEqual({
      primary_user_id: primary.user_id,
      secondary_user_id: secondary.user_id,
      provider: 'auth0',
      identity_user_id: idOf(secondary.user_id),
      connection: DB,
    });
    expect(eventsOf(secondary.user_id).map(typeOf).at(-1)).toBe('user.deleted');

    // Signing in with the secondary's email and password now signs the primary in.
    const signIn = await verifyPassword(secondaryEmail);
    expect(signIn.status).toBe(200);
    expect(signIn.json.user_id).toBe(primary.user_id);
  });

  it('unlinks: the identity becomes a standalone user again, without metadata; the main identity stays', async () => {
    const primary = await createUser(address('primary'));
    const secondaryEmail = address('secondary');
    const secondary = await createUser(secondaryEmail, { user_metadata: { lost: true } });
    expect(
      (
        await call('POST', identitiesPath(primary.user_id), {
          provider: 'auth0',
          user_id: idOf(secondary.user_id),
        })
      ).status,
    ).toBe(201);

    const mainRemoval = await call(
      'DELETE',
      `${identitiesPath(primary.user_id)}/auth0/${idOf(primary.user_id)}`,
    );
    expect(mainRemoval.status).toBe(400);
    expect(mainRemoval.json).toMatchObject({ statusCode: 400, message: 'Main identity cannot be removed.' });

    const unlinked = await call(
      'DELETE',
      `${identitiesPath(primary.user_id)}/auth0/${idOf(secondary.user_id)}`,
    );
    expect(unlinked.status).toBe(200);
    expect(unlinked.json).toEqual([
      { connection: DB, user_id: idOf(primary.user_id), provider: 'auth0', isSocial: false },
    ]);

    const standalone = await call('GET', userPath(secondary.user_id));
    expect(standalone.status).toBe(200);
    expect(standalone.json).toMatchObject({
      user_id: secondary.user_id,
      email: secondaryEmail,
      user_metadata: {},
      app_metadata: {},
      identities: [{ connection: DB, user_id: idOf(secondary.user_id), provider: 'auth0', isSocial: false }],
    });
    // Its password came back with it.
    expect((await verifyPassword(secondaryEmail)).json.user_id).toBe(secondary.user_id);

    await accountEvents.waitFor(
      (message) => message.key === secondary.user_id && typeOf(message) === 'user.created',
    );
    await accountEvents.waitFor(
      (message) =>
        message.key === primary.user_id &&
        typeOf(message) === 'user.updated' &&
        (message.value as { payload: { identities: unknown[] } }).payload.identities.length === 1 &&
        eventsOf(primary.user_id).some((earlier) => typeOf(earlier) === 'identity.unlinked'),
    );
    // The unlink, then the primary's snapshot without the identity: the snapshot is the last word.
    expect(eventsOf(primary.user_id).map(typeOf).slice(-2)).toEqual(['identity.unlinked', 'user.updated']);

    // Unlinking an identity the user does not have leaves the identities as they are.
    const again = await call('DELETE', `${identitiesPath(primary.user_id)}/auth0/${idOf(secondary.user_id)}`);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(unlinked.json);
  });

  it("answers Auth0's errors for links it refuses", async () => {
    const primary = await createUser(address('primary'));
    const other = await createUser(address('other'));
    const refused = async (body: unknown, status: number, message: string | RegExp, as = token) => {
      const response = await call('POST', identitiesPath(primary.user_id), body, as);
      expect(response.status).toBe(status);
      expect(response.json.message).toMatch(message);
      return response;
    };

    await refused(
      { provider: 'auth0', user_id: idOf(primary.user_id) },
      400,
      'Main identity and the new one are the same.',
    );
    await refused(
      { provider: 'google-oauth2', user_id: '1234' },
      400,
      'The provider/connection is not configured.',
    );
    await refused(
      { provider: 'auth0', user_id: idOf(other.user_id), connection_id: 'con_AAAAAAAAAAAAAAAA' },
      400,
      'The provider/connection is not configured.',
    );
    await refused(
      { provider: 'auth0', user_id: `nobody-${run}` },
      400,
      'Linking to an inexistent identity is not allowed.',
    );
    const both = await refused(
      { provider: 'auth0', user_id: idOf(other.user_id), link_with: 'a.b.c' },
      400,
      /link_with/,
    );
    expect(both.json.errorCode).toBe('invalid_body');
    expect((await refused({}, 400, /Missing required property: provider/)).json.errorCode).toBe(
      'invalid_body',
    );
    await refused({ provider: 'auth0', user_id: 'bad id with spaces' }, 400, /Payload validation error/);
    await refused({ link_with: 'not-a-jwt' }, 400, 'Invalid token (link_with).');

    // link_with tokens that are not our issuer's RS256 ID tokens for the calling application.
    const foreign = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: other.user_id, aud: stack.bootstrap.clientId, iat: now, exp: now + 300 };
    const foreignIssuer = await new SignJWT({ ...claims, iss: 'https://elsewhere.example.test/' })
      .setProtectedHeader({ alg: 'RS256', kid: 'foreign-key-0001' })
      .sign(foreign.privateKey);
    await refused(
      { link_with: foreignIssuer },
      400,
      'JWT (link_with) must have the same issuer as the calling user.',
    );
    const notOurKey = await new SignJWT({ ...claims, iss: stack.issuer })
      .setProtectedHeader({ alg: 'RS256', kid: 'foreign-key-0001' })
      .sign(foreign.privateKey);
    await refused({ link_with: notOurKey }, 400, 'Invalid token (link_with).');
    const hmac = await new SignJWT({ ...claims, iss: stack.issuer })
      .setProtectedHeader({ alg: 'HS256', kid: 'foreign-key-0001' })
      .sign(randomBytes(32));
    await refused({ link_with: hmac }, 400, 'JWT (link_with) must have an alg of RS256.');

    // The identity already belongs to this primary (409), and the other user is untouched by all of this.
    expect(
      (
        await call('POST', identitiesPath(primary.user_id), {
          provider: 'auth0',
          user_id: idOf(other.user_id),
        })
      ).status,
    ).toBe(201);
    const duplicate = await refused(
      { provider: 'auth0', user_id: idOf(other.user_id) },
      409,
      'Specified identity already exists.',
    );
    expect(duplicate.json.statusCode).toBe(409);

    // Scope, unknown primary and malformed ids.
    const readOnly = await managementToken(stack, stack.bootstrap, 'read:users');
    const insufficient = await refused(
      { provider: 'auth0', user_id: 'x' },
      403,
      /Insufficient scope/,
      readOnly,
    );
    expect(insufficient.json.errorCode).toBe('insufficient_scope');
    const missingPrimary = await call('POST', identitiesPath(`auth0|missing-${run}`), {
      provider: 'auth0',
      user_id: idOf(other.user_id),
    });
    expect(missingPrimary.status).toBe(404);
    const odd = await call('POST', `/users/${encodeURIComponent('no-pipe\u00e9')}/identities`, {
      provider: 'auth0',
      user_id: 'x',
    });
    expect(odd.status).toBe(400);
    expect(odd.json.errorCode).toBe('invalid_uri');
    const oddUnlink = await call(
      'DELETE',
      `${identitiesPath(primary.user_id)}/${encodeURIComponent('bad provider')}/x`,
    );
    expect(oddUnlink.status).toBe(400);
    expect(oddUnlink.json.errorCode).toBe('invalid_uri');
  });

  it("links with link_with, an ID token issuance signed for the calling application; the secondary's refresh tokens stop working", async () => {
    const api = await management(stack, token, 'POST', '/resource-servers', {
      identifier: `https://link-api-${run}.example.test/`,
      name: `Link API ${run}`,
      allow_offline_access: true,
    });
    expect(api.status, api.text).toBe(201);
    const app = await management(stack, token, 'POST', '/clients', {
      name: `Linking app ${run}`,
      app_type: 'regular_web',
      grant_types: ['password', 'refresh_token', 'client_credentials'],
    });
    expect(app.status, app.text).toBe(201);
    const client = { clientId: app.json.client_id as string, clientSecret: app.json.client_secret as string };
    const grant = await management(stack, token, 'POST', '/client-grants', {
      client_id: client.clientId,
      audience: managementAudience(stack),
      scope: ['read:users', 'update:users'],
    });
    expect(grant.status, grant.text).toBe(201);

    const primary = await createUser(address('primary'));
    const secondaryEmail = address('secondary');
    const secondary = await createUser(secondaryEmail);
    const signedIn = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'password',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      username: secondaryEmail,
      password: PASSWORD,
      audience: `https://link-api-${run}.example.test/`,
      scope: 'openid offline_access',
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    const idToken = signedIn.json.id_token as string;
    const refreshToken = signedIn.json.refresh_token as string;
    const refresh = () =>
      post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        refresh_token: refreshToken,
      });
    expect((await refresh()).status).toBe(200);

    // The ID token was issued to the linking app, not to the bootstrap client that calls here.
    const otherCaller = await call('POST', identitiesPath(primary.user_id), { link_with: idToken });
    expect(otherCaller.status).toBe(400);
    expect(otherCaller.json.message).toBe(
      "JWT (link_with) must have an aud claim that matches that of the calling token's azp.",
    );

    const appToken = await managementToken(stack, client);
    const linked = await call('POST', identitiesPath(primary.user_id), { link_with: idToken }, appToken);
    expect(linked.status, linked.text).toBe(201);
    expect((linked.json as { user_id: string }[]).map((identity) => identity.user_id)).toEqual([
      idOf(primary.user_id),
      idOf(secondary.user_id),
    ]);
    expect((await call('GET', userPath(secondary.user_id))).status).toBe(404);

    // The secondary user is gone (user.deleted): its refresh token stops working.
    // Two events race to issuance (the user's deletion, and the revocation it causes); both refuse,
    // and once the deletion is projected the refusal names it, as Auth0's does.
    const deletedUser = "The refresh_token was generated for a user who doesn't exist anymore.";
    expect(
      await eventually(async () => (await refresh()).json?.error_description === deletedUser, 10_000, 100),
    ).toBe(true);
    expect((await refresh()).json).toEqual({
      error: 'invalid_grant',
      error_description: "The refresh_token was generated for a user who doesn't exist anymore.",
    });
  });

  it("round-trips through Auth0's ManagementClient (users.link / users.unlink)", async () => {
    const legacy = (await import(legacyEntry)) as typeof Auth0Legacy;
    const origin = stack.issuer;
    const sdk = new legacy.ManagementClient({
      domain: new URL(origin).host,
      clientId: stack.bootstrap.clientId,
      clientSecret: stack.bootstrap.clientSecret,
      // The gateway's routes: /api/v2/users… to account-linking, the token request to issuance.
      fetch: (input: URL | string | Request, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const path = url.slice(origin.length - 1);
        const service = path.startsWith('/api/v2/users') ? stack.urls.accountLinking : stack.urls.issuance;
        return fetch(`${service}${path}`, init);
      },
    });
    const primary = await createUser(address('sdk-primary'));
    const secondary = await createUser(address('sdk-secondary'));

    const { data: linked } = await sdk.users.link(
      { id: primary.user_id },
      { provider: 'auth0', user_id: idOf(secondary.user_id) },
    );
    expect(linked.map((identity) => identity.user_id)).toEqual([
      idOf(primary.user_id),
      idOf(secondary.user_id),
    ]);

    const { data: remaining } = await sdk.users.unlink({
      id: primary.user_id,
      provider: 'auth0',
      user_id: idOf(secondary.user_id),
    });
    expect(remaining.map((identity) => identity.user_id)).toEqual([idOf(primary.user_id)]);
    expect((await sdk.users.get({ id: secondary.user_id })).data.user_id).toBe(secondary.user_id);

    const refused = await sdk.users
      .unlink({ id: primary.user_id, provider: 'auth0', user_id: idOf(primary.user_id) })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(legacy.ManagementApiError);
    expect(refused).toMatchObject({ statusCode: 400, message: 'Main identity cannot be removed.' });
  });
});
