import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { EventCollector } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';
const DB = 'Username-Password-Authentication';

/**
 * `/api/v2/users`, `/api/v2/users-by-email`, `/api/v2/connections` and the internal password check on
 * the running account-linking service: Auth0's shapes and errors, argon2id hashes, `user.*` events
 * without secrets.
 */
describe('Account-linking: users, connections, password verification', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const address = (name: string) => `${name}-${run}@example.test`;
  let token: string;
  let accountEvents: EventCollector;
  let db: Client;

  beforeAll(async () => {
    token = await managementToken(stack);
    accountEvents = await EventCollector.start(stack.brokers, TOPICS.accounts.name);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await accountEvents?.stop();
    await db?.end();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
    accountLinking(stack, token, method, `/api/v2${path}`, body);
  const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`;
  const createUser = (email: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/users', { connection: DB, email, password: PASSWORD, ...extra });
  const verifyPassword = (username: string, password: string, headers: Record<string, string> = {}) =>
    accountLinking(
      stack,
      null,
      'POST',
      '/internal/v1/password-verifications',
      { connection: DB, username, password, client_id: 'account-users-spec' },
      headers,
    );

  it('creates, reads, searches, updates and deletes a user in Auth0 shape', async () => {
    const email = address('ada');
    const created = await createUser(email.toUpperCase(), {
      given_name: 'Ada',
      family_name: 'Lovelace',
      user_metadata: { theme: 'dark' },
      app_metadata: { plan: 'pro' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      user_id: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/),
      email,
      email_verified: false,
      name: email,
      nickname: `ada-${run}`,
      picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}/),
      given_name: 'Ada',
      family_name: 'Lovelace',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      identities: [
        {
          connection: DB,
          user_id: (created.json.user_id as string).slice('auth0|'.length),
          provider: 'auth0',
          isSocial: false,
        },
      ],
      app_metadata: { plan: 'pro' },
      user_metadata: { theme: 'dark' },
      blocked: false,
    });
    const userId = created.json.user_id as string;
    expect(created.text).not.toContain(PASSWORD);
    expect(created.text).not.toContain('argon2');

    const read = await call('GET', userPath(userId));
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    const byEmail = await call('GET', `/users-by-email?email=${encodeURIComponent(email.toUpperCase())}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.json).toEqual([created.json]);
    const none = await call('GET', `/users-by-email?email=${encodeURIComponent(address('nobody'))}`);
    expect(none.json).toEqual([]);

    const searched = await call(
      'GET',
      `/users?q=${encodeURIComponent(`email:"${email}"`)}&search_engine=v3&include_totals=true`,
    );
    expect(searched.status).toBe(200);
    expect(searched.json).toEqual({ start: 0, limit: 50, length: 1, total: 1, users: [created.json] });
    const page = await call('GET', '/users?per_page=1&page=0');
    expect(page.status).toBe(200);
    expect(page.json).toHaveLength(1);

    const updated = await call('PATCH', userPath(userId), { name: 'Ada L.', email_verified: true });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ user_id: userId, name: 'Ada L.', email_verified: true });

    expect((await call('DELETE', userPath(userId))).status).toBe(204);
    expect((await call('GET', userPath(userId))).json).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The user does not exist.',
      errorCode: 'inexistent_user',
    });
    // Auth0 answers 204 for a user that is already gone.
    expect((await call('DELETE', userPath(userId))).status).toBe(204);
  });

  it('stores the password as an argon2id hash, never in clear', async () => {
    const created = await createUser(address('hash'));
    const { rows } = await db.query<{ password_hash: string }>(
      'SELECT password_hash FROM account_linking.users WHERE user_id = $1',
      [created.json.user_id],
    );
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(rows[0]?.password_hash).not.toContain(PASSWORD);
  });

  it('refuses a second user with the same email (any case) with 409', async () => {
    const email = address('twice');
    expect((await createUser(email)).status).toBe(201);
    const again = await createUser(email.toUpperCase());
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'The user already exists.',
      errorCode: 'auth0_idp_error',
    });
  });

  it.each(['short1A', 'alllowercase1', 'NoDigitsOrSymbols', '12345678901'])(
    'refuses the weak password %s',
    async (password) => {
      const weak = await call('POST', '/users', { connection: DB, email: address('weak'), password });
      expect(weak.status).toBe(400);
      expect(weak.json).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'PasswordStrengthError: Password is too weak',
      });
    },
  );

  it('answers bad input with invalid_body, never a 500', async () => {
    const cases: [unknown, RegExp][] = [
      [{ connection: DB, email: 'not-an-email', password: PASSWORD }, /format email: not-an-email/],
      [{ connection: DB, email: `a\u0000b@example.test`, password: PASSWORD }, /format email/],
      [{ email: address('x'), password: PASSWORD }, /Missing required property: connection/],
      [{ connection: DB, password: PASSWORD }, /Missing required property: email/],
      [{ connection: DB, email: address('x') }, /Missing required property: password/],
      [{ connection: DB, email: address('x'), password: PASSWORD, is_admin: true }, /Additional properties/],
      [{ connection: DB, email: address('x'), password: PASSWORD, user_id: 'a|b' }, /user_id/],
      [
        { connection: DB, email: address('x'), password: PASSWORD, user_metadata: { 'a.b': 1 } },
        /Metadata keys/,
      ],
      [{ connection: DB, email: address('x'), password: PASSWORD, app_metadata: { email: 'x' } }, /reserved/],
      [{ connection: DB, email: address('x'), password: PASSWORD, user_metadata: [] }, /user_metadata/],
      ['{"connection":', /Invalid JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await call('POST', '/users', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.errorCode).toBe('invalid_body');
      expect(response.json.message).toMatch(message);
    }
    const unknownConnection = await call('POST', '/users', {
      connection: 'No-Such-Connection',
      email: address('x'),
      password: PASSWORD,
    });
    expect(unknownConnection.json).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The connection does not exist.',
      errorCode: 'inexistent_connection',
    });
    const badQuery = await call('GET', `/users?q=${encodeURIComponent('name:"Ada"')}`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.errorCode).toBe('invalid_query_string');
    expect((await call('GET', '/users-by-email')).json.errorCode).toBe('invalid_query_string');
  });

  it('refuses metadata over 16 KB, also when a PATCH merge makes it too large', async () => {
    const big = { blob: 'x'.repeat(16 * 1024) };
    const tooBig = await createUser(address('big'), { user_metadata: big });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json).toMatchObject({
      errorCode: 'invalid_body',
      message: /user_metadata must not exceed/,
    });

    const created = await createUser(address('grow'), { user_metadata: { a: 'x'.repeat(9000) } });
    const grown = await call('PATCH', userPath(created.json.user_id as string), {
      user_metadata: { b: 'y'.repeat(9000) },
    });
    expect(grown.status).toBe(400);
    expect(grown.json.message).toMatch(/user_metadata must not exceed 16384 bytes/);
  });

  it('answers odd ids with 400 invalid_uri and unknown ones with 404', async () => {
    for (const id of ['not-an-id', 'auth0|a b', 'auth0|\u0000', '|x', 'auth0|ü', 'auth0|a\nb']) {
      const response = await call('GET', userPath(id));
      expect(response.status, id).toBe(400);
      expect(response.json.errorCode).toBe('invalid_uri');
    }
    expect((await call('GET', userPath('auth0|000000000000000000000000'))).status).toBe(404);
    // Longer than any id: Auth0's 400; far beyond (over 1024 characters), the router's 414, in JSON.
    const overlong = await call('GET', userPath(`auth0|${'x'.repeat(300)}`));
    expect(overlong.status).toBe(400);
    expect(overlong.json.errorCode).toBe('invalid_uri');
    const huge = await call('GET', userPath(`auth0|${'x'.repeat(2000)}`));
    expect(huge.status).toBe(414);
    expect(huge.headers.get('content-type')).toMatch(/json/);
    expect((await call('PATCH', userPath('auth0|000000000000000000000000'), { name: 'x' })).status).toBe(404);
    expect((await call('PATCH', userPath('bad id'), { name: 'x' })).json.errorCode).toBe('invalid_uri');
  });

  it('merges metadata on PATCH as Auth0 does', async () => {
    const created = await createUser(address('merge'), {
      user_metadata: { theme: 'dark', address: { city: 'Oslo', zip: '0150' }, plan: 'free' },
      app_metadata: { roles: ['a'], tier: 1 },
    });
    const path = userPath(created.json.user_id as string);
    const merged = await call('PATCH', path, {
      user_metadata: { plan: 'pro', theme: null, address: { city: 'Bergen' } },
      app_metadata: { tier: 2 },
    });
    expect(merged.status).toBe(200);
    expect(merged.json.user_metadata).toEqual({ plan: 'pro', address: { city: 'Bergen' } });
    expect(merged.json.app_metadata).toEqual({ roles: ['a'], tier: 2 });
    const cleared = await call('PATCH', path, { user_metadata: {} });
    expect(cleared.json.user_metadata).toEqual({});
    expect(cleared.json.app_metadata).toEqual({ roles: ['a'], tier: 2 });
  });

  it('changes email (unverifying it) and password on PATCH', async () => {
    const created = await createUser(address('move'), { email_verified: true });
    const path = userPath(created.json.user_id as string);
    const moved = await call('PATCH', path, { email: address('moved') });
    expect(moved.json).toMatchObject({ email: address('moved'), email_verified: false });
    expect((await call('PATCH', path, { password: 'weak' })).json.message).toBe(
      'PasswordStrengthError: Password is too weak',
    );
    expect((await call('PATCH', path, { password: 'New-Password-8' })).status).toBe(200);
    expect((await verifyPassword(address('moved'), PASSWORD)).status).toBe(403);
    expect((await verifyPassword(address('moved'), 'New-Password-8')).status).toBe(200);
    const taken = await createUser(address('taken'));
    expect(taken.status).toBe(201);
    expect((await call('PATCH', path, { email: address('taken') })).status).toBe(409);
  });

  it('verifies passwords: right, wrong, unknown user, blocked user', async () => {
    const email = address('login');
    const created = await createUser(email);
    const right = await verifyPassword(email.toUpperCase(), PASSWORD);
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ user_id: created.json.user_id, email, logins_count: 1 });
    expect(right.text).not.toContain('argon2');

    const wrongBody = { error: 'invalid_grant', error_description: 'Wrong email or password.' };
    const wrong = await verifyPassword(email, `${PASSWORD}x`);
    expect(wrong.status).toBe(403);
    expect(wrong.json).toEqual(wrongBody);
    const unknown = await verifyPassword(address('ghost'), PASSWORD);
    expect(unknown.status).toBe(403);
    expect(unknown.json).toEqual(wrongBody);

    await call('PATCH', userPath(created.json.user_id as string), { blocked: true });
    const blocked = await verifyPassword(email, PASSWORD);
    expect(blocked.status).toBe(403);
    expect(blocked.json).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
    // A blocked user with a wrong password learns nothing about the block.
    expect((await verifyPassword(email, 'Wrong-Password-1')).json).toEqual(wrongBody);

    const malformed = await accountLinking(stack, null, 'POST', '/internal/v1/password-verifications', {
      connection: DB,
      username: email,
      client_id: 'account-users-spec',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('invalid_request');
  });

  it('refuses internal calls that came through a proxy', async () => {
    const proxied = await verifyPassword(address('login'), PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.status).toBe(403);
    expect(proxied.json.error).toBe('access_denied');
  });

  it('emits user.created, user.updated and user.deleted without password or hash', async () => {
    const created = await createUser(address('events'));
    const userId = created.json.user_id as string;
    await call('PATCH', userPath(userId), { nickname: 'evented', password: 'Another-Pass-9' });
    await call('DELETE', userPath(userId));
    const ofType = (type: string) =>
      accountEvents.waitFor(
        (message) => message.key === userId && (message.value as { type?: string } | null)?.type === type,
      );
    const [createdEvent, updatedEvent, deletedEvent] = await Promise.all([
      ofType('user.created'),
      ofType('user.updated'),
      ofType('user.deleted'),
    ]);
    expect(createdEvent.value).toMatchObject({
      version: 1,
      payload: {
        user_id: userId,
        email: address('events'),
        email_verified: false,
        blocked: false,
        identities: [{ provider: 'auth0', connection: DB, isSocial: false }],
      },
    });
    expect(updatedEvent.value).toMatchObject({ payload: { nickname: 'evented' } });
    expect(deletedEvent.value).toMatchObject({ payload: { user_id: userId } });
    for (const message of [createdEvent, updatedEvent, deletedEvent]) {
      expect(message.raw).not.toContain(PASSWORD);
      expect(message.raw).not.toContain('Another-Pass-9');
      expect(message.raw).not.toContain('argon2');
      expect(message.raw).not.toContain('password');
    }
  });

  it('requires the users scopes', async () => {
    const readOnly = await managementToken(stack, stack.bootstrap, 'read:users');
    const refused = await accountLinking(stack, readOnly, 'POST', '/api/v2/users', {
      connection: DB,
      email: address('scoped'),
      password: PASSWORD,
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ errorCode: 'insufficient_scope' });
    expect((await accountLinking(stack, null, 'GET', '/api/v2/users')).status).toBe(401);
  });

  describe('connections', () => {
    it('lists the built-in database connection', async () => {
      const list = await call('GET', '/connections?strategy=auth0');
      expect(list.status).toBe(200);
      expect(list.json).toEqual([
        {
          id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
          name: DB,
          strategy: 'auth0',
          options: {
            passwordPolicy: 'fair',
            password_complexity_options: { min_length: 8 },
            requires_username: false,
          },
          enabled_clients: [],
          realms: [DB],
          is_domain_connection: false,
        },
      ]);
      const id = list.json[0].id as string;
      expect((await call('DELETE', `/connections/${id}`)).status).toBe(400);
      expect((await call('PATCH', `/connections/${id}`, { options: {} })).status).toBe(400);
    });

    it('creates an OIDC connection whose client secret is sealed and never returned', async () => {
      const secret = `upstream-secret-${run}`;
      const name = `oidc-${run}`;
      const created = await call('POST', '/connections', {
        name,
        strategy: 'oidc',
        enabled_clients: [stack.client.clientId],
        options: {
          discovery_url: 'https://idp.example.test/.well-known/openid-configuration',
          client_id: 'tessera-at-idp',
          client_secret: secret,
          scopes: 'openid profile email',
        },
      });
      expect(created.status).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
        name,
        strategy: 'oidc',
        options: {
          type: 'back_channel',
          discovery_url: 'https://idp.example.test/.well-known/openid-configuration',
          client_id: 'tessera-at-idp',
          scopes: 'openid profile email',
        },
        enabled_clients: [stack.client.clientId],
        realms: [name],
        is_domain_connection: false,
      });
      const id = created.json.id as string;
      const { rows } = await db.query<{ client_secret_sealed: string; options: unknown }>(
        'SELECT client_secret_sealed, options FROM account_linking.connections WHERE id = $1',
        [id],
      );
      expect(rows[0]?.client_secret_sealed).toMatch(/^v1\./);
      expect(JSON.stringify(rows[0])).not.toContain(secret);

      expect((await call('GET', `/connections/${id}`)).json).toEqual(created.json);
      const duplicate = await call('POST', '/connections', {
        name,
        strategy: 'oidc',
        options: { issuer: 'https://idp.example.test/', client_id: 'x' },
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json.errorCode).toBe('connection_conflict');

      const patched = await call('PATCH', `/connections/${id}`, {
        display_name: 'Example IdP',
        options: { issuer: 'https://idp2.example.test/', client_id: 'tessera-2' },
      });
      expect(patched.status).toBe(200);
      expect(patched.json).toMatchObject({
        display_name: 'Example IdP',
        options: { issuer: 'https://idp2.example.test/', client_id: 'tessera-2' },
      });
      const kept = await db.query<{ client_secret_sealed: string }>(
        'SELECT client_secret_sealed FROM account_linking.connections WHERE id = $1',
        [id],
      );
      expect(kept.rows[0]?.client_secret_sealed).toBe(rows[0]?.client_secret_sealed);

      // A user cannot be created with a password in an upstream connection.
      const upstreamUser = await call('POST', '/users', {
        connection: name,
        email: address('up'),
        password: PASSWORD,
      });
      expect(upstreamUser.status).toBe(400);

      expect((await call('DELETE', `/connections/${id}`)).status).toBe(204);
      expect((await call('GET', `/connections/${id}`)).json.errorCode).toBe('inexistent_connection');
    });

    it('answers bad connection input with Auth0 errors', async () => {
      const cases: unknown[] = [
        { name: 'bad name!', strategy: 'oidc', options: { issuer: 'https://i.example/', client_id: 'x' } },
        { name: `n-${run}`, strategy: 'saml' },
        { name: `n-${run}`, strategy: 'oidc', options: { client_id: 'x' } },
        { name: `n-${run}`, strategy: 'oidc', options: { issuer: 'ftp://i.example/', client_id: 'x' } },
        { name: `n-${run}`, strategy: 'oidc', options: { issuer: 'https://i.example/' } },
      ];
      for (const body of cases) {
        const response = await call('POST', '/connections', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.json.errorCode).toBe('invalid_body');
      }
      expect((await call('POST', '/connections', { name: `db-${run}`, strategy: 'auth0' })).status).toBe(400);
      expect((await call('GET', '/connections/con_%00')).json.errorCode).toBe('invalid_uri');
      expect((await call('GET', '/connections/con_AAAAAAAAAAAAAAAA')).status).toBe(404);
    });
  });
});
