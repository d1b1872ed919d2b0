import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post, requestJson } from '@app/testing';
import { Browser } from './support/browser';
import { exchangeCode, logInThroughHostedPage, type BrowserApp } from './support/hosted-login';
import { management, managementToken } from './support/management-api';
import {
  exchangeSetup,
  exchangeToken,
  ID_TOKEN_TYPE,
  JWT_BEARER,
  passwordTokens,
  TOKEN_EXCHANGE,
  type Credentials,
} from './support/token-exchange';

const PASSWORD = 'Correct-Horse-7';
const CALLBACK = 'https://exchange.example.test/callback';

/**
 * Token exchange and `/delegation` cannot widen access (issue #14 §4; security review #4, #12, #14),
 * each attack performed on the running stack: a token for another API or of a machine client, wider
 * scopes, a revoked subject, a delegation to a target that does not accept it, claims the source
 * lacked, and tokens that outlived the revocation of their source.
 */
describe('Issuance: the token-exchange and delegation policy', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const apiZ = `https://z-${run}.example.test/`;
  const apiY = `https://y-${run}.example.test/`;
  let admin: string;
  /** The user's application: gets the user's tokens (read-only for Z) by the password grant. */
  let app: Credentials;
  /** Client A: a client grant `admin` on Y only. */
  let clientA: Credentials;
  /** Client B: client grants `read admin` on Z and on Y. */
  let clientB: Credentials;
  /** A machine client with a client grant on Z (client credentials). */
  let machine: Credentials;
  let email: string;
  let setup: ReturnType<typeof exchangeSetup>;

  beforeAll(async () => {
    admin = await managementToken(stack);
    setup = exchangeSetup(stack, admin, run);
    for (const identifier of [apiZ, apiY]) await setup.api(identifier, ['read', 'admin']);
    app = await setup.client('User app', {
      grant_types: ['password', 'authorization_code', 'refresh_token', JWT_BEARER],
      callbacks: [CALLBACK],
    });
    clientA = await setup.client('Client A', { grant_types: [TOKEN_EXCHANGE] });
    clientB = await setup.client('Client B', { grant_types: [TOKEN_EXCHANGE, JWT_BEARER] });
    machine = await setup.client('Machine', {
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
    });
    await setup.grant(app, apiZ, ['read']);
    await setup.grant(clientA, apiY, ['admin']);
    await setup.grant(clientB, apiZ, ['read', 'admin']);
    await setup.grant(clientB, apiY, ['read', 'admin']);
    await setup.grant(machine, apiZ, ['read', 'admin']);
    email = `exchange-${run}@example.test`;
    await setup.user(email, PASSWORD, 'Grace');
  });

  const tokenRequest = (params: Record<string, string>) => post(`${stack.urls.issuance}/oauth/token`, params);
  /** A user's read-only token for API Z, as the user's application got it. */
  const userTokens = (scope = 'openid offline_access read') =>
    passwordTokens(stack, app, { email, password: PASSWORD, audience: apiZ, scope });
  const exchange = (
    client: Credentials,
    subjectToken: string,
    audience: string,
    extra: Record<string, string> = {},
  ) => exchangeToken(stack, client, subjectToken, audience, extra);
  const active = async (token: string) => {
    const response = await post(`${stack.urls.introspection}/oauth/introspect`, {
      token,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    expect(response.status, response.text).toBe(200);
    return (response.json as { active: boolean }).active;
  };
  const revoke = (client: Credentials, token: string) =>
    post(`${stack.urls.revocation}/oauth/revoke`, {
      client_id: client.client_id,
      client_secret: client.client_secret,
      token,
    });
  const delegate = (caller: Credentials, body: Record<string, string>) =>
    requestJson(`${stack.urls.issuance}/delegation`, 'POST', null, {
      client_id: caller.client_id,
      client_secret: caller.client_secret,
      grant_type: JWT_BEARER,
      ...body,
    });

  describe('review #4: what a subject token may be', () => {
    it("a user's read-only token for API Z, exchanged by a client with a grant on Y only, is refused", async () => {
      const { access_token: userToken } = await userTokens();
      // On main: 200, scope "admin", sub the user.
      const attack = await exchange(clientA, userToken, apiY);
      expect(attack.status, attack.text).toBe(403);
      expect(attack.json.error).toBe('invalid_grant');
      expect(attack.json.access_token).toBeUndefined();
    });

    it("a machine client's (…@clients) token is refused unless the exchanging client allows machine subjects", async () => {
      const machineToken = await tokenRequest({
        grant_type: 'client_credentials',
        client_id: machine.client_id,
        client_secret: machine.client_secret,
        audience: apiZ,
      });
      expect(machineToken.status, machineToken.text).toBe(200);
      expect(decodeJwt(machineToken.json.access_token).sub).toBe(`${machine.client_id}@clients`);
      // On main: 200, a token for Y whose sub is the machine client.
      const attack = await exchange(clientB, machineToken.json.access_token, apiY);
      expect(attack.status, attack.text).toBe(403);
      expect(attack.json.error).toBe('invalid_grant');

      const allowing = await setup.client('Machine exchanger', {
        grant_types: [TOKEN_EXCHANGE],
        token_exchange: { allow_machine_subjects: true },
      });
      expect(allowing.token_exchange).toEqual({ allow_machine_subjects: true });
      await setup.grant(allowing, apiZ, ['read']);
      await setup.grant(allowing, apiY, ['read']);
      const allowed = await exchange(allowing, machineToken.json.access_token, apiY);
      expect(allowed.status, allowed.text).toBe(200);
      expect(allowed.json.scope).toBe('read');
    });

    it('the new scopes are at most the subject token scopes ∩ the client grant: wider is invalid_scope', async () => {
      const { access_token: userToken } = await userTokens();
      // Client B's grant on Y holds admin, the user's token only read. On main: 200, scope "admin".
      const widened = await exchange(clientB, userToken, apiY, { scope: 'read admin' });
      expect(widened.status, widened.text).toBe(400);
      expect(widened.json.error).toBe('invalid_scope');
      const unasked = await exchange(clientB, userToken, apiY);
      expect(unasked.status, unasked.text).toBe(200);
      // On main: "read admin", everything the client grant holds.
      expect(unasked.json.scope).toBe('read');
      expect(decodeJwt(unasked.json.access_token).scope).toBe('read');
    });

    it('a subject token whose grant was revoked (its refresh token, at /oauth/revoke) is refused', async () => {
      const tokens = await userTokens();
      expect((await exchange(clientB, tokens.access_token, apiY)).status).toBe(200);
      expect((await revoke(app, tokens.refresh_token)).status).toBe(200);
      expect(
        await eventually(async () => (await exchange(clientB, tokens.access_token, apiY)).status === 403),
      ).toBe(true);
      const refused = await exchange(clientB, tokens.access_token, apiY);
      expect(refused.json.error).toBe('invalid_grant');
    });

    it('token_exchange.allowed_subject_clients narrows which clients’ tokens may be exchanged', async () => {
      const { access_token: userToken } = await userTokens();
      const narrowed = await management(stack, admin, 'PATCH', `/clients/${clientB.client_id}`, {
        token_exchange: { allowed_subject_clients: [machine.client_id] },
      });
      expect(narrowed.status, narrowed.text).toBe(200);
      expect(narrowed.json.token_exchange).toEqual({
        allow_machine_subjects: false,
        allowed_subject_clients: [machine.client_id],
      });
      try {
        expect(
          await eventually(async () => (await exchange(clientB, userToken, apiY)).status === 403, 8000),
        ).toBe(true);
      } finally {
        const reset = await management(stack, admin, 'PATCH', `/clients/${clientB.client_id}`, {
          token_exchange: { allowed_subject_clients: null },
        });
        expect(reset.json.token_exchange).toEqual({ allow_machine_subjects: false });
      }
    });

    it('the Management API refuses a malformed policy with a 400', async () => {
      for (const body of [
        { token_exchange: { allow_machine_subjects: 'yes' } },
        { token_exchange: { allow_any_profile_of_type: ['custom_authentication'] } },
        { delegation: { allowed_callers: 'everyone' } },
        { delegation: { allowed_callers: [''] } },
      ]) {
        const refused = await management(stack, admin, 'PATCH', `/clients/${clientA.client_id}`, body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
      }
    });
  });

  describe('review #12: exchanged and delegated tokens are revoked with their source', () => {
    it('revoking the source refresh token makes the exchanged token (and its own exchange) inactive', async () => {
      const tokens = await userTokens();
      const exchanged = await exchange(clientB, tokens.access_token, apiY);
      expect(exchanged.status, exchanged.text).toBe(200);
      const exchangedToken = exchanged.json.access_token as string;
      // Its lineage: the source's grant, carried on.
      expect(decodeJwt(exchangedToken).grant_id).toBe(decodeJwt(tokens.access_token).grant_id);
      expect(await active(exchangedToken)).toBe(true);

      expect((await revoke(app, tokens.refresh_token)).status).toBe(200);
      // On main: still active until it expires.
      expect(await eventually(async () => !(await active(exchangedToken)), 8000)).toBe(true);
      expect(await active(tokens.access_token)).toBe(false);
    });

    it('revoking the subject access token itself revokes what was exchanged from it, down the chain', async () => {
      const tokens = await userTokens();
      const first = await exchange(clientB, tokens.access_token, apiY);
      expect(first.status, first.text).toBe(200);
      // Client B's token for Y, exchanged once more by B (it has a grant on Y): a chain of two actors.
      const second = await exchange(clientB, first.json.access_token, apiY);
      expect(second.status, second.text).toBe(200);
      expect(await active(second.json.access_token)).toBe(true);

      // The user's application revokes only its access token; the refresh token and grant live on.
      expect((await revoke(app, tokens.access_token)).status).toBe(200);
      // On main: both exchanged tokens stay active until they expire.
      expect(
        await eventually(
          async () => !(await active(first.json.access_token)) && !(await active(second.json.access_token)),
          8000,
        ),
      ).toBe(true);
      // The grant itself is untouched: a refresh still works.
      const refreshed = await tokenRequest({
        grant_type: 'refresh_token',
        client_id: app.client_id,
        client_secret: app.client_secret,
        refresh_token: tokens.refresh_token,
      });
      expect(refreshed.status, refreshed.text).toBe(200);
    });

    /**
     * A browser login through the hosted login page (a login session, unlike the password grant), the
     * code exchanged for the user's tokens, and the access token exchanged by client B for API Y.
     */
    const sessionTokens = async (browser = new Browser(stack.urls.issuance, stack.issuer), params = {}) => {
      const browserApp: BrowserApp = { clientId: app.client_id, callback: CALLBACK };
      const { code, verifier } = await logInThroughHostedPage(
        browser,
        browserApp,
        { email, password: PASSWORD },
        { scope: 'openid read', audience: apiZ, ...params },
      );
      const tokens = await exchangeCode(stack, browserApp, code, verifier, {
        client_secret: app.client_secret,
      });
      expect(tokens.status, tokens.text).toBe(200);
      const sessionId = decodeJwt(tokens.json.id_token as string).sid as string;
      expect(typeof sessionId).toBe('string');
      const exchanged = await exchange(clientB, tokens.json.access_token as string, apiY);
      expect(exchanged.status, exchanged.text).toBe(200);
      const exchangedToken = exchanged.json.access_token as string;
      expect(await active(exchangedToken)).toBe(true);
      return { browser, sessionId, accessToken: tokens.json.access_token as string, exchangedToken };
    };
    /** The Management API of login sessions is the revocation service's (DESIGN §1), not issuance's. */
    const sessionsApi = (method: 'GET' | 'DELETE', sessionId: string) =>
      requestJson(`${stack.urls.revocation}/api/v2/sessions/${sessionId}`, method, admin);

    it('deleting the login session (Management API) revokes the tokens exchanged from its tokens', async () => {
      const { sessionId, accessToken, exchangedToken } = await sessionTokens();
      // The registry learns of the session from the audit stream (`login_session.started`).
      expect(
        await eventually(async () => (await sessionsApi('GET', sessionId)).status === 200, 15_000, 50),
      ).toBe(true);

      const deleted = await sessionsApi('DELETE', sessionId);
      expect(deleted.status, deleted.text).toBe(202);
      // On main: the exchanged token stayed active until it expired. (Each jti revocation is an event
      // of its own, on its own partition: the two arrive in either order.)
      expect(await eventually(async () => !(await active(exchangedToken)), 8000)).toBe(true);
      expect(await eventually(async () => !(await active(accessToken)), 8000)).toBe(true);
      expect((await sessionsApi('GET', sessionId)).status).toBe(404);
    });

    it('a new login replacing the session in the same browser revokes the tokens exchanged from its tokens', async () => {
      const first = await sessionTokens();
      expect(
        await eventually(async () => (await sessionsApi('GET', first.sessionId)).status === 200, 15_000, 50),
      ).toBe(true);

      // prompt=login: the browser sends its cookie, logs in again and gets a session that replaces it.
      const second = await sessionTokens(first.browser, { prompt: 'login' });
      expect(second.sessionId).not.toBe(first.sessionId);
      // On main: the old session ended at the login page only; its tokens and their exchanges lived on.
      expect(await eventually(async () => !(await active(first.exchangedToken)), 15_000)).toBe(true);
      expect(await eventually(async () => !(await active(first.accessToken)), 8000)).toBe(true);
      expect((await sessionsApi('GET', first.sessionId)).status).toBe(404);
      // The new session's tokens are untouched.
      expect(await active(second.exchangedToken)).toBe(true);
      expect(await active(second.accessToken)).toBe(true);
    });

    it('a delegated ID token dies with the grant of the refresh token it was made from', async () => {
      const tokens = await userTokens('openid profile email offline_access read');
      const target = await setup.client('Delegation target', {
        grant_types: [JWT_BEARER, TOKEN_EXCHANGE],
        delegation: { allowed_callers: [app.client_id] },
      });
      const delegated = await delegate(app, {
        refresh_token: tokens.refresh_token,
        target: target.client_id,
        scope: 'openid email',
      });
      expect(delegated.status, delegated.text).toBe(200);
      const delegatedToken = delegated.json.id_token as string;
      expect(decodeJwt(delegatedToken)).toMatchObject({
        aud: target.client_id,
        grant_id: decodeJwt(tokens.access_token).grant_id,
      });
      // The target uses it as its own source (an ID token issued to it): accepted while the grant lives.
      const reuse = () => delegate(target, { id_token: delegatedToken });
      expect((await reuse()).status).toBe(200);

      expect((await revoke(app, tokens.refresh_token)).status).toBe(200);
      expect(await eventually(async () => (await reuse()).status === 403, 8000)).toBe(true);
      expect((await reuse()).json.error).toBe('invalid_grant');
      await setup.grant(target, apiY, ['read']);
      const exchanged = await tokenRequest({
        grant_type: TOKEN_EXCHANGE,
        client_id: target.client_id,
        client_secret: target.client_secret,
        subject_token: delegatedToken,
        subject_token_type: ID_TOKEN_TYPE,
        audience: apiY,
      });
      expect(exchanged.status, exchanged.text).toBe(403);
      expect(exchanged.json.error).toBe('invalid_grant');
    });
  });

  describe('review #14: /delegation', () => {
    it('refuses a target that does not name the caller in delegation.allowed_callers', async () => {
      const tokens = await userTokens();
      // Client B enabled jwt-bearer but accepts delegation from nobody. On main: 200, an ID token for B.
      const attack = await delegate(app, { id_token: tokens.id_token, target: clientB.client_id });
      expect(attack.status, attack.text).toBe(403);
      expect(attack.json.error).toBe('unauthorized_client');
      expect(attack.json.id_token).toBeUndefined();

      const allowed = await management(stack, admin, 'PATCH', `/clients/${clientB.client_id}`, {
        delegation: { allowed_callers: [app.client_id] },
      });
      expect(allowed.json.delegation).toEqual({ allowed_callers: [app.client_id] });
      expect(
        await eventually(
          async () =>
            (await delegate(app, { id_token: tokens.id_token, target: clientB.client_id })).status === 200,
          8000,
        ),
      ).toBe(true);
    });

    it('adds no claim the source ID token did not carry, and no scope the refresh token was not granted', async () => {
      const tokens = await userTokens('openid offline_access read');
      expect(decodeJwt(tokens.id_token).email).toBeUndefined();
      const fromIdToken = await delegate(app, { id_token: tokens.id_token, scope: 'openid profile email' });
      expect(fromIdToken.status, fromIdToken.text).toBe(200);
      const claims = decodeJwt(fromIdToken.json.id_token);
      // On main: email, email_verified and name, which the source never had.
      expect(claims.email).toBeUndefined();
      expect(claims.email_verified).toBeUndefined();
      expect(claims.name).toBeUndefined();
      expect(claims.sub).toBe(decodeJwt(tokens.id_token).sub);
      // It never outlives its source either.
      expect(claims.exp!).toBeLessThanOrEqual(decodeJwt(tokens.id_token).exp!);

      const fromRefresh = await delegate(app, { refresh_token: tokens.refresh_token, scope: 'openid email' });
      expect(fromRefresh.status, fromRefresh.text).toBe(400);
      expect(fromRefresh.json.error).toBe('invalid_scope');
    });
  });
});
