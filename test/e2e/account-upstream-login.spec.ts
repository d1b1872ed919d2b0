import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { decodeJwt } from 'jose';
import { EventCollector, post } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { managementToken } from './support/management-api';
import { browseUntil, UpstreamProvider, type UpstreamAccount } from './support/upstream-provider';
import {
  authorizeThroughConnection,
  createUpstreamLoginApp,
  UPSTREAM_APP_CALLBACK,
} from './support/upstream-login';

const DB = 'Username-Password-Authentication';

/**
 * Upstream login through an `oidc` connection against a real OpenID Provider (`oidc-provider`), the
 * browser driven by hand: /login/start → the provider → /login/callback → a login ticket that the
 * internal API redeems (issuance's side, /authorize and /authorize/resume, is not part of this file).
 * Then the identity-provider tokens: sealed at rest, shown only with read:user_idp_tokens, refreshed
 * upstream once expired; and linking an upstream identity under a database user.
 */
describe('Account-linking: upstream OIDC login and identity-provider tokens', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const connection = `upstream-${run}`;
  const callbackUrl = `${stack.issuer}login/callback`;
  let upstream: UpstreamProvider;
  let token: string;
  let db: Client;
  let accountEvents: EventCollector;
  let appId: string;

  beforeAll(async () => {
    upstream = await UpstreamProvider.start(callbackUrl);
    token = await managementToken(stack);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    accountEvents = await EventCollector.start(stack.brokers, TOPICS.accounts.name);
    appId = await createUpstreamLoginApp(stack, token);
    const created = await call('POST', '/connections', {
      name: connection,
      strategy: 'oidc',
      enabled_clients: [appId],
      options: {
        issuer: upstream.issuer,
        client_id: upstream.clientId,
        client_secret: upstream.clientSecret,
        scopes: 'openid profile email',
      },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await accountEvents?.stop();
    await db?.end();
    await upstream?.stop();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, as = token) =>
    accountLinking(stack, as, method, `/api/v2${path}`, body);
  const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`;
  const get = (path: string) => fetch(`${stack.urls.accountLinking}${path}`, { redirect: 'manual' });
  const redeem = (ticket: string, transaction: string, headers: Record<string, string> = {}) =>
    accountLinking(
      stack,
      null,
      'POST',
      '/internal/v1/login-tickets/redemptions',
      { ticket, transaction },
      headers,
    );
  const account = (name: string): UpstreamAccount => ({
    sub: `${name}-${run}`,
    email: `${name}-${run}@upstream.example.test`,
    name: `${name} Upstream`,
  });
  const transactionId = () => `tx-${randomBytes(8).toString('hex')}`;

  /** Issuance's /authorize?connection=…: the signed /login/start link of a real transaction. */
  const started = (name = connection) => authorizeThroughConnection(stack, appId, name);

  /** /login/start → the provider → the callback URL the provider sends the browser to (not yet visited). */
  async function throughUpstream(
    who: UpstreamAccount | 'refuse',
  ): Promise<{ callback: URL; transaction: string }> {
    const { startPath, transaction } = await started();
    const start = await get(startPath);
    expect(start.status).toBe(302);
    if (who === 'refuse') upstream.refuseNext = true;
    else upstream.nextAccount = who;
    return { callback: await browseUntil(start.headers.get('location')!, callbackUrl), transaction };
  }

  /** A whole sign-in; returns the ticket from the redirect back to issuance, and its transaction. */
  async function signIn(who: UpstreamAccount): Promise<{ ticket: string; transaction: string }> {
    const { callback, transaction } = await throughUpstream(who);
    const finished = await get(`/login/callback${callback.search}`);
    expect(finished.status).toBe(302);
    const resume = new URL(finished.headers.get('location')!);
    expect(`${resume.origin}${resume.pathname}`).toBe(`${stack.issuer}authorize/resume`);
    expect(resume.searchParams.get('transaction')).toBe(transaction);
    return { ticket: resume.searchParams.get('login_ticket')!, transaction };
  }

  /** A whole sign-in, its ticket redeemed as issuance would. */
  async function signInAndRedeem(who: UpstreamAccount) {
    const { ticket, transaction } = await signIn(who);
    return redeem(ticket, transaction);
  }

  async function sealedColumns(providerUserId: string) {
    const result = await db.query<{ access: string | null; refresh: string | null; expires: Date | null }>(
      `SELECT access_token_sealed AS access, refresh_token_sealed AS refresh, access_token_expires_at AS expires
       FROM account_linking.identities WHERE provider = 'oidc' AND provider_user_id = $1`,
      [providerUserId],
    );
    return result.rows[0]!;
  }

  it('sends the browser upstream with the authorization code flow, PKCE S256, state and nonce', async () => {
    const start = await get((await started()).startPath);
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toBe('no-store');
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(upstream.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: upstream.clientId,
      redirect_uri: callbackUrl,
      scope: 'openid profile email',
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
  });

  it('signs in a new upstream user, with tokens sealed at rest and shown only with read:user_idp_tokens', async () => {
    const alice = account('alice');
    const { ticket, transaction } = await signIn(alice);
    expect(ticket).toMatch(/^[\w-]{43,}$/);

    const redeemed = await redeem(ticket, transaction);
    expect(redeemed.status).toBe(200);
    const userId = `oidc|${connection}|${alice.sub}`;
    expect(redeemed.json).toMatchObject({
      user_id: userId,
      email: alice.email,
      email_verified: true,
      name: alice.name,
      connection,
      identities: [{ provider: 'oidc', user_id: `${connection}|${alice.sub}`, connection, isSocial: false }],
    });
    expect(redeemed.json.identities[0]).not.toHaveProperty('access_token');
    // A ticket works once.
    const again = await redeem(ticket, transaction);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });

    const withTokens = await call('GET', userPath(userId));
    const identity = withTokens.json.identities[0] as Record<string, unknown>;
    expect(identity).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: expect.any(Number),
    });
    const accessToken = identity.access_token as string;
    const refreshToken = identity.refresh_token as string;
    // The upstream accepts it: it is the provider's real access token.
    const userinfo = await fetch(`${upstream.issuer}/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe(alice.sub);

    const readOnly = await managementToken(stack, stack.bootstrap, 'read:users');
    const withoutScope = await call('GET', userPath(userId), undefined, readOnly);
    expect(withoutScope.status).toBe(200);
    expect(withoutScope.text).not.toContain(accessToken);
    expect(withoutScope.json.identities[0]).not.toHaveProperty('access_token');
    expect(withoutScope.json.identities[0]).not.toHaveProperty('refresh_token');
    const listed = await call(
      'GET',
      `/users?q=${encodeURIComponent(`email:"${alice.email}"`)}`,
      undefined,
      readOnly,
    );
    expect(listed.text).not.toContain(accessToken);
    const listedWithScope = await call('GET', `/users?q=${encodeURIComponent(`email:"${alice.email}"`)}`);
    expect(listedWithScope.json[0].identities[0].access_token).toBe(accessToken);

    // At rest: sealed with a versioned key, no plaintext.
    const sealed = await sealedColumns(`${connection}|${alice.sub}`);
    expect(sealed.access).toMatch(/^v1\./);
    expect(sealed.refresh).toMatch(/^v1\./);
    expect(sealed.access).not.toContain(accessToken);
    expect(sealed.refresh).not.toContain(refreshToken);
    const rawRow = JSON.stringify((await db.query(`SELECT * FROM account_linking.identities`)).rows);
    expect(rawRow).not.toContain(accessToken);
    expect(rawRow).not.toContain(refreshToken);

    // The user.created snapshot carries no token either.
    const created = await accountEvents.waitFor((message) => message.key === userId);
    expect((created.value as { type: string }).type).toBe('user.created');
    expect(created.raw).not.toContain(accessToken);
    expect(created.raw).not.toContain(refreshToken);

    // Upstream subjects run to 255 characters: the user id is still a path parameter like any other.
    const long = account(`long-${'s'.repeat(200)}`);
    const longUser = await signInAndRedeem(long);
    expect(longUser.status).toBe(200);
    const longRead = await call('GET', userPath(longUser.json.user_id as string));
    expect(longRead.status).toBe(200);
    expect(longRead.json.user_id).toBe(`oidc|${connection}|${long.sub}`);
    expect((await call('GET', userPath(`oidc|${connection}|${'x'.repeat(300)}`))).status).toBe(400);

    // Signing in again finds the same user.
    const second = await signInAndRedeem(alice);
    expect(second.json).toMatchObject({ user_id: userId, logins_count: 2 });
  });

  it('refreshes an expired upstream access token at the provider when it is read, and stores the new one', async () => {
    const carol = account('carol');
    await signInAndRedeem(carol);
    const userId = `oidc|${connection}|${carol.sub}`;
    const before = (await call('GET', userPath(userId))).json.identities[0] as Record<string, string>;

    // Time passes: the provider's access token has expired.
    await db.query(
      `UPDATE account_linking.identities SET access_token_expires_at = now() - interval '1 minute'
       WHERE provider = 'oidc' AND provider_user_id = $1`,
      [`${connection}|${carol.sub}`],
    );
    const after = (await call('GET', userPath(userId))).json.identities[0] as Record<string, unknown>;
    expect(after.access_token).toEqual(expect.any(String));
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.expires_in).toBeGreaterThan(60);
    const userinfo = await fetch(`${upstream.issuer}/me`, {
      headers: { authorization: `Bearer ${after.access_token as string}` },
    });
    expect(userinfo.status).toBe(200);

    // Storing the new tokens is a change to the user: its snapshot follows, without any token.
    const snapshot = await accountEvents.waitFor(
      (message) => message.key === userId && (message.value as { type: string }).type === 'user.updated',
    );
    expect(snapshot.raw).not.toContain(after.access_token as string);
    expect(snapshot.raw).not.toContain(before.access_token);

    const stored = await sealedColumns(`${connection}|${carol.sub}`);
    expect(stored.expires!.getTime()).toBeGreaterThan(Date.now());
    // Read again: the stored, refreshed token, not another refresh.
    const again = (await call('GET', userPath(userId))).json.identities[0] as Record<string, unknown>;
    expect(again.access_token).toBe(after.access_token);
  });

  it('signs in the primary user through an upstream identity linked under it; tokens move with the identity', async () => {
    const dave = account('dave');
    await signInAndRedeem(dave);
    const primary = await call('POST', '/users', {
      connection: DB,
      email: `primary-${run}@example.test`,
      password: 'Correct-Horse-7',
    });
    const primaryId = primary.json.user_id as string;
    const linked = await call('POST', `${userPath(primaryId)}/identities`, {
      provider: 'oidc',
      user_id: `${connection}|${dave.sub}`,
    });
    expect(linked.status).toBe(201);
    expect((await call('GET', userPath(`oidc|${connection}|${dave.sub}`))).status).toBe(404);

    const redeemed = await signInAndRedeem(dave);
    expect(redeemed.status).toBe(200);
    expect(redeemed.json).toMatchObject({ user_id: primaryId, connection });
    const identities = (await call('GET', userPath(primaryId))).json.identities as Record<string, unknown>[];
    expect(identities[1]).toMatchObject({
      provider: 'oidc',
      user_id: `${connection}|${dave.sub}`,
      access_token: expect.any(String),
      profileData: { email: dave.email, email_verified: true, name: dave.name },
    });
  });

  it('through issuance: /authorize?connection= signs in the upstream user, and after a link the primary user', async () => {
    const clientId = await createUpstreamLoginApp(stack, token);
    // A connection serves only its enabled clients (review #13): enable it for this app too.
    const listed = await call('GET', `/connections?name=${connection}`);
    const connectionId = (listed.json as Array<{ id: string }>)[0]!.id;
    expect(
      (await call('PATCH', `/connections/${connectionId}`, { enabled_clients: [appId, clientId] })).status,
    ).toBe(200);

    /** The whole browser round trip; returns the ID token's subject. */
    const signInThroughIssuance = async (who: UpstreamAccount) => {
      const { browser, startPath, pkce } = await authorizeThroughConnection(stack, clientId, connection);
      const started = await get(startPath);
      expect(started.status).toBe(302);
      upstream.nextAccount = who;
      const callback = await browseUntil(started.headers.get('location')!, callbackUrl);
      const finished = await get(`/login/callback${callback.search}`);
      expect(finished.status).toBe(302);
      const resumed = await browser.get(finished.headers.get('location')!);
      expect(resumed.status, resumed.html).toBe(302);
      const back = new URL(resumed.location!);
      expect(`${back.origin}${back.pathname}`).toBe(UPSTREAM_APP_CALLBACK);
      expect(back.searchParams.get('state')).toBe('app-state');
      const tokens = await post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code: back.searchParams.get('code')!,
        redirect_uri: UPSTREAM_APP_CALLBACK,
        code_verifier: pkce.verifier,
      });
      expect(tokens.status, tokens.text).toBe(200);
      const claims = decodeJwt(tokens.json.id_token as string);
      expect(claims).toMatchObject({ aud: clientId, nonce: 'app-nonce' });
      return claims;
    };

    const gina = account('gina');
    const first = await signInThroughIssuance(gina);
    expect(first).toMatchObject({
      sub: `oidc|${connection}|${gina.sub}`,
      email: gina.email,
      name: gina.name,
    });

    const primary = await call('POST', '/users', {
      connection: DB,
      email: `gina-primary-${run}@example.test`,
      password: 'Correct-Horse-7',
      name: 'Gina Primary',
    });
    expect(primary.status).toBe(201);
    const linked = await call('POST', `${userPath(primary.json.user_id as string)}/identities`, {
      provider: 'oidc',
      user_id: `${connection}|${gina.sub}`,
    });
    expect(linked.status).toBe(201);
    const second = await signInThroughIssuance(gina);
    expect(second).toMatchObject({ sub: primary.json.user_id as string, name: 'Gina Primary' });
  });

  it('refuses blocked users at redemption, tickets of another transaction, and callers through the gateway', async () => {
    const erin = account('erin');
    await signInAndRedeem(erin);
    const userId = `oidc|${connection}|${erin.sub}`;

    const { ticket: stolen, transaction } = await signIn(erin);
    const elsewhere = await redeem(stolen, transactionId());
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.error).toBe('invalid_grant');
    // Presented once, even with the wrong transaction: burnt.
    expect((await redeem(stolen, transaction)).status).toBe(400);
    expect((await redeem(`unknown-${run}`, transaction)).json.error).toBe('invalid_grant');

    const proxied = await redeem(stolen, transaction, { 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.status).toBe(403);
    const malformed = await accountLinking(stack, null, 'POST', '/internal/v1/login-tickets/redemptions', {
      ticket: 1,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('invalid_request');

    expect((await call('PATCH', userPath(userId), { blocked: true })).status).toBe(200);
    const blocked = await signInAndRedeem(erin);
    expect(blocked.status).toBe(403);
    expect(blocked.json.error).toBe('unauthorized');
  });

  it('answers refusals and bad requests with a 400 HTML page, never a 500', async () => {
    const page = async (path: string, reason: RegExp) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toMatch(reason);
    };
    // The person says no at the provider: error=access_denied comes back with our state.
    const { callback: refused } = await throughUpstream('refuse');
    expect(refused.searchParams.get('error')).toBe('access_denied');
    await page(`/login/callback${refused.search}`, /did not sign you in \(access_denied\)/);
    // The same state again: the attempt is gone.
    await page(`/login/callback${refused.search}`, /unknown, was already used or has expired/);

    const frank = account('frank');
    const { callback } = await throughUpstream(frank);
    expect((await get(`/login/callback${callback.search}`)).status).toBe(302);
    await page(`/login/callback${callback.search}`, /unknown, was already used or has expired/);

    await page(`/login/callback?state=forged&code=forged`, /unknown, was already used or has expired/);
    await page('/login/callback', /sent no state/);
    await page(`/login/callback?state=a&state=b`, /malformed/);
    await page((await started(`nope-${run}`)).startPath, /does not exist/);
    // Links issuance did not sign (review #17) end before the connection is even looked up.
    await page(`/login/start?connection=${DB}&transaction=t`, /incomplete or malformed/);
    await page(`/login/start?connection=${connection}`, /incomplete or malformed/);
    await page(
      `/login/start?connection=${connection}&transaction=${'x'.repeat(300)}`,
      /incomplete or malformed/,
    );
    await page(`/login/start?connection=%3Cscript%3E&transaction=t`, /incomplete or malformed/);

    // A provider that cannot be reached: the person is told, the service does not fail.
    const unreachable = await call('POST', '/connections', {
      name: `unreachable-${run}`,
      strategy: 'oidc',
      enabled_clients: [appId],
      options: { issuer: 'http://127.0.0.1:9', client_id: 'nobody', client_secret: 'nothing' },
    });
    expect(unreachable.status).toBe(201);
    await page((await started(`unreachable-${run}`)).startPath, /could not be reached/);
  });

  it('refuses a /login/start that no /authorize signed, before any row or upstream request (review #17)', async () => {
    // A connection of its own, never discovered yet: a /login/start that got through would fetch discovery.
    const bound = `bound-${run}`;
    const created = await call('POST', '/connections', {
      name: bound,
      strategy: 'oidc',
      enabled_clients: [appId],
      options: {
        // A discovery URL of its own, so no discovery cached for the main connection answers for it.
        discovery_url: `${upstream.issuer}/.well-known/openid-configuration?for=${bound}`,
        issuer: upstream.issuer,
        client_id: upstream.clientId,
        client_secret: upstream.clientSecret,
      },
    });
    expect(created.status).toBe(201);
    const { startPath } = await started(bound);
    const signed = new URL(startPath, stack.urls.accountLinking);
    const forged = (changes: Record<string, string | null>) => {
      const url = new URL(signed);
      for (const [name, value] of Object.entries(changes)) {
        if (value === null) url.searchParams.delete(name);
        else url.searchParams.set(name, value);
      }
      return `${url.pathname}${url.search}`;
    };
    const page = async (path: string, reason: RegExp) => {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(await response.text()).toMatch(reason);
    };
    const requestsBefore = upstream.requests.length;

    // Today's attack: any transaction value at all.
    await page(`/login/start?connection=${bound}&transaction=${transactionId()}`, /incomplete or malformed/);
    await page(forged({ transaction: transactionId() }), /not valid or has expired/);
    await page(forged({ connection }), /not valid or has expired/);
    await page(forged({ expires: String(Number(signed.searchParams.get('expires')) + 86400) }), /not valid/);
    await page(forged({ binding: 'A'.repeat(43) }), /not valid or has expired/);
    await page(forged({ expires: String(Math.floor(Date.now() / 1000) - 1) }), /not valid or has expired/);
    await page(forged({ binding: null }), /incomplete or malformed/);

    expect(upstream.requests.slice(requestsBefore)).toEqual([]);
    const rows = await db.query(`SELECT 1 FROM account_linking.login_attempts WHERE connection = $1`, [
      bound,
    ]);
    expect(rows.rowCount).toBe(0);

    // The link issuance signed still works: one discovery upstream, one attempt stored.
    expect((await get(startPath)).status).toBe(302);
    expect(upstream.requests.slice(requestsBefore)).toContain('GET /.well-known/openid-configuration');
    const after = await db.query(`SELECT 1 FROM account_linking.login_attempts WHERE connection = $1`, [
      bound,
    ]);
    expect(after.rowCount).toBe(1);
  });
});
