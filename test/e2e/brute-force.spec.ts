import { ManagementClient } from 'auth0';
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import {
  assertTrustsGatewayCa,
  EventCollector,
  post,
  startGateway,
  type CollectedMessage,
  type HttpResult,
  type RunningGateway,
} from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { Browser, formFields } from './support/browser';
import { authorizeRequest, browserAppSetup, DATABASE_CONNECTION } from './support/hosted-login';
import { management, managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

const PASSWORD = 'Correct-Horse-7';
const ACCOUNT_BLOCKED = 'Your account has been blocked after multiple consecutive login attempts.';
const SUSPICIOUS =
  'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.';
const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };

type AuditEvent = { type?: string; payload?: Record<string, unknown> };

/**
 * Addresses of this run only. Redis is shared by every stack on the machine and a bucket lasts a
 * day, so each test takes fresh random addresses (benchmarking ranges, RFC 2544 and RFC 3849).
 * The stack trusts X-Forwarded-For from loopback, where the tests run, as it trusts the gateway.
 */
const ipv4 = () => `198.${18 + randomInt(2)}.${randomInt(256)}.${1 + randomInt(254)}`;
/** Groups without leading zeros, so the address as written is its canonical form (as events show it). */
const ipv6Group = () => randomInt(0x1000, 0x10000).toString(16);
const ipv6Network = () => `2001:db8:${ipv6Group()}:${ipv6Group()}`;

/**
 * Issue #14 §3, security review #3: Auth0's brute-force protection (ten consecutive failures of one
 * login from one address block that address for it, `limit_wc`) and suspicious-IP throttling (an
 * address's failed logins across all accounts, `limit_mu`), with `/api/v2/user-blocks` driven by
 * Auth0's own v7 ManagementClient through the HTTPS gateway.
 */
describe('brute-force protection and suspicious-IP throttling', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `brute-${run}@example.test`;
  let admin: string;
  let audit: EventCollector;
  let gateway: RunningGateway;
  let sdk: ManagementClient;
  let client: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    admin = await managementToken(stack);
    audit = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    ({ client, userId } = await passwordGrantSetup(stack, admin, {
      label: 'Brute force',
      run,
      audience: `https://brute-${run}.example.test/`,
      email,
      password: PASSWORD,
    }));
    // Auth0's password-realm grant too (auth0.js, Lock): the same login, counted the same.
    const patched = await management(stack, admin, 'PATCH', `/clients/${client.client_id}`, {
      grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token'],
    });
    expect(patched.status, patched.text).toBe(200);
    gateway = await startGateway(process.cwd(), stack.urls);
    assertTrustsGatewayCa(gateway.caPath);
    sdk = new ManagementClient({ domain: new URL(gateway.url).host, token: admin });
  });

  afterAll(async () => {
    await audit?.stop();
    await gateway?.stop();
  });

  const passwordLogin = (
    ip: string,
    username: string,
    password: string,
    extra: Record<string, string> = {},
  ) =>
    post(
      `${stack.urls.issuance}/oauth/token`,
      { grant_type: 'password', ...client, username, password, ...extra },
      { headers: { 'x-forwarded-for': ip } },
    );
  const expectRefused = (response: HttpResult, status: number, body: Record<string, string>) => {
    expect(response.status, response.text).toBe(status);
    expect(response.json).toEqual(body);
  };
  const failTimes = async (times: number, ip: string, username: string) => {
    for (let attempt = 0; attempt < times; attempt++) {
      expectRefused(await passwordLogin(ip, username, `Wrong-${attempt}-x`), 403, WRONG);
    }
  };
  const event = (message: CollectedMessage) => message.value as AuditEvent;

  it('ten wrong passwords from one address block it for that account: 429 even with the right password, elsewhere unaffected; unblocking through the SDK lets it in', async () => {
    const attacker = ipv4();
    await failTimes(10, attacker, email);

    const blocked = { error: 'too_many_attempts', error_description: ACCOUNT_BLOCKED };
    expectRefused(await passwordLogin(attacker, email, 'Wrong-10-x'), 429, blocked);
    expectRefused(await passwordLogin(attacker, email, PASSWORD), 429, blocked);
    // The same login by the password-realm grant, and the email in other letter cases, are the same login.
    expectRefused(
      await passwordLogin(attacker, email.toUpperCase(), PASSWORD, {
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
        realm: DATABASE_CONNECTION,
      }),
      429,
      blocked,
    );
    // Another address logs in to the same account.
    expect((await passwordLogin(ipv4(), email, PASSWORD)).status).toBe(200);

    const created = await audit.waitFor(
      (m) => event(m).type === 'user_block.created' && event(m).payload?.identifier === email,
    );
    expect(created.key).toBe(attacker);
    expect(event(created).payload).toMatchObject({
      connection: DATABASE_CONNECTION,
      identifier: email,
      ip: attacker,
      user_id: userId,
      client_id: client.client_id,
      failed_attempts: 10,
      log_type: 'limit_wc',
    });

    const expected = { identifier: email, ip: attacker, connection: DATABASE_CONNECTION };
    expect((await sdk.userBlocks.list(userId)).blocked_for).toEqual([expected]);
    expect((await sdk.userBlocks.listByIdentifier({ identifier: email })).blocked_for).toEqual([expected]);

    await sdk.userBlocks.delete(userId);
    expect((await sdk.userBlocks.list(userId)).blocked_for).toEqual([]);
    const lifted = await audit.waitFor(
      (m) => event(m).type === 'user_block.deleted' && event(m).payload?.identifier === email,
    );
    expect(event(lifted).payload).toMatchObject({
      ip: attacker,
      user_id: userId,
      reason: 'admin',
      deleted_by: `${stack.bootstrap.clientId}@clients`,
    });
    const login = await passwordLogin(attacker, email, PASSWORD);
    expect(login.status, login.text).toBe(200);
    expect(login.json.access_token).toBeTruthy();
  });

  it('a successful login resets the count, and an unblock starts a new run of ten', async () => {
    const address = ipv4();
    await failTimes(9, address, email);
    expect((await passwordLogin(address, email, PASSWORD)).status).toBe(200);
    await failTimes(9, address, email);
    expect((await passwordLogin(address, email, PASSWORD)).status).toBe(200);

    await failTimes(10, address, email);
    expect((await passwordLogin(address, email, PASSWORD)).status).toBe(429);
    await sdk.userBlocks.deleteByIdentifier({ identifier: email });
    await failTimes(9, address, email);
    expect((await passwordLogin(address, email, PASSWORD)).status).toBe(200);
  });

  it('a password change lifts the blocks of the user, as at Auth0', async () => {
    const owner = `repassword-${run}@example.test`;
    const created = await accountLinking(stack, admin, 'POST', '/api/v2/users', {
      connection: DATABASE_CONNECTION,
      email: owner,
      password: PASSWORD,
    });
    expect(created.status, created.text).toBe(201);
    const address = ipv4();
    await failTimes(10, address, owner);
    expect((await passwordLogin(address, owner, PASSWORD)).status).toBe(429);

    const newPassword = 'Battery-Staple-8';
    const changed = await accountLinking(
      stack,
      admin,
      'PATCH',
      `/api/v2/users/${encodeURIComponent(created.json.user_id as string)}`,
      { password: newPassword },
    );
    expect(changed.status, changed.text).toBe(200);
    expect((await sdk.userBlocks.listByIdentifier({ identifier: owner })).blocked_for).toEqual([]);
    const lifted = await audit.waitFor(
      (m) => event(m).type === 'user_block.deleted' && event(m).payload?.identifier === owner,
    );
    expect(event(lifted).payload).toMatchObject({
      ip: address,
      reason: 'password_changed',
      deleted_by: null,
    });
    expect((await passwordLogin(address, owner, newPassword)).status).toBe(200);
  });

  it('an unknown identifier is counted and answered exactly like an account (no enumeration)', async () => {
    const address = ipv4();
    const nobody = `nobody-${run}@example.test`;
    await failTimes(10, address, nobody);
    expectRefused(await passwordLogin(address, nobody, PASSWORD), 429, {
      error: 'too_many_attempts',
      error_description: ACCOUNT_BLOCKED,
    });
    const created = await audit.waitFor(
      (m) => event(m).type === 'user_block.created' && event(m).payload?.identifier === nobody,
    );
    expect(event(created).payload).toMatchObject({ ip: address, user_id: null, log_type: 'limit_wc' });

    expect((await sdk.userBlocks.listByIdentifier({ identifier: nobody })).blocked_for).toEqual([
      { identifier: nobody, ip: address, connection: DATABASE_CONNECTION },
    ]);
    await sdk.userBlocks.deleteByIdentifier({ identifier: nobody });
    expectRefused(await passwordLogin(address, nobody, PASSWORD), 403, WRONG);
  });

  it('the hosted login page counts too, and shows Auth0 message with a 429', async () => {
    const browserEmail = `browser-${run}@example.test`;
    const { app } = await browserAppSetup(stack, admin, {
      label: 'Brute',
      run,
      email: browserEmail,
      password: PASSWORD,
    });
    const browser = new Browser(stack.urls.issuance, stack.issuer, { 'x-forwarded-for': ipv4() });
    const start = await browser.get(authorizeRequest(app).path);
    expect(start.status, start.html).toBe(302);
    let page = await browser.get(start.location!);
    expect(page.status, page.html).toBe(200);
    const submit = (password: string) =>
      browser.postForm('/u/login', { ...formFields(page.html), username: browserEmail, password });
    for (let attempt = 0; attempt < 10; attempt++) {
      page = await submit(`Wrong-${attempt}-x`);
      expect(page.status, page.html).toBe(400);
      expect(page.html).toContain('Wrong email or password.');
    }
    page = await submit(PASSWORD);
    expect(page.status, page.html).toBe(429);
    expect(page.html).toContain(ACCOUNT_BLOCKED);

    // Another browser (another address) still logs in.
    const other = new Browser(stack.urls.issuance, stack.issuer, { 'x-forwarded-for': ipv4() });
    const otherStart = await other.get(authorizeRequest(app).path);
    const otherPage = await other.get(otherStart.location!);
    const done = await other.postForm('/u/login', {
      ...formFields(otherPage.html),
      username: browserEmail,
      password: PASSWORD,
    });
    expect(done.status, done.html).toBe(302);
  });

  it('user-blocks: read:users to read, update:users to unblock, Auth0 errors for bad input', async () => {
    const readOnly = await managementToken(stack, stack.bootstrap, 'read:users');
    const path = `/api/v2/user-blocks/${encodeURIComponent(userId)}`;
    expect((await accountLinking(stack, readOnly, 'GET', path)).json).toEqual({ blocked_for: [] });
    const denied = await accountLinking(stack, readOnly, 'DELETE', path);
    expect(denied.status, denied.text).toBe(403);
    expect(denied.json).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    const deniedByIdentifier = await accountLinking(
      stack,
      readOnly,
      'DELETE',
      `/api/v2/user-blocks?identifier=${encodeURIComponent(email)}`,
    );
    expect(deniedByIdentifier.status).toBe(403);
    expect((await accountLinking(stack, null, 'GET', path)).status).toBe(401);

    const missing = await accountLinking(stack, admin, 'GET', `/api/v2/user-blocks/auth0%7Cnobody-${run}`);
    expect(missing.status, missing.text).toBe(404);
    expect(missing.json).toMatchObject({ statusCode: 404, errorCode: 'inexistent_user' });
    const badId = await accountLinking(stack, admin, 'DELETE', '/api/v2/user-blocks/not-a-user-id');
    expect(badId.status, badId.text).toBe(400);
    expect(badId.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_uri' });
    for (const query of ['', '?identifier=', '?identifier=a&identifier=b', '?identifier=a&other=1']) {
      const bad = await accountLinking(stack, admin, 'GET', `/api/v2/user-blocks${query}`);
      expect(bad.status, `${query}: ${bad.text}`).toBe(400);
      expect(bad.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    }
    const unknown = await accountLinking(stack, admin, 'DELETE', `/api/v2/user-blocks?identifier=x-${run}`);
    expect(unknown.status, unknown.text).toBe(204);
  });

  it('suspicious IP: after 100 failed logins across accounts an address (an IPv6 /64) gets 429 for any login, once recorded as limit_mu', async () => {
    const network = ipv6Network();
    const sprayer = `${network}::1`;
    const sprayed = Array.from({ length: 100 }, (_, index) => `spray-${index}-${run}@example.test`);
    // Four at a time: each is one argon2 verification, which is what the limit protects.
    for (let index = 0; index < sprayed.length; index += 4) {
      const answers = await Promise.all(
        sprayed.slice(index, index + 4).map((name) => passwordLogin(sprayer, name, 'Wrong-password-1')),
      );
      for (const answer of answers) expectRefused(answer, 403, WRONG);
    }

    const throttled = { error: 'too_many_attempts', error_description: SUSPICIOUS };
    expectRefused(await passwordLogin(sprayer, email, PASSWORD), 429, throttled);
    // Another address of the same /64 is the same end user.
    expectRefused(
      await passwordLogin(`${network}::beef`, `spray-x-${run}@example.test`, 'x'),
      429,
      throttled,
    );
    expect((await passwordLogin(`${ipv6Network()}::1`, email, PASSWORD)).status).toBe(200);

    const started = await audit.waitFor(
      (m) => event(m).type === 'login_address.throttled' && event(m).payload?.ip === sprayer,
    );
    expect(event(started).payload).toMatchObject({
      ip: sprayer,
      connection: DATABASE_CONNECTION,
      client_id: client.client_id,
      log_type: 'limit_mu',
    });
    // None of the throttled or blocked requests were recorded one by one as refusals.
    const perAttempt = audit.messages.filter(
      (m) => event(m).type === 'token_request.refused' && event(m).payload?.error === 'too_many_attempts',
    );
    expect(perAttempt).toEqual([]);
  });
});
