import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { managementAudience } from '@app/contracts';
import { assertTrustsGatewayCa, eventually, startGateway, type RunningGateway } from '@app/testing';
import { Browser, formFields } from './support/browser';

// auth0 v7 exposes `auth0/legacy` (the v4 API: AuthenticationClient, ManagementClient) only through
// package.json "exports", which this repo's moduleResolution (node10) does not read. So the types
// come from the file the export points to, and the import uses a string-typed specifier, which
// TypeScript leaves alone and the runtime resolves through the export map.
type Auth0Legacy = typeof import('auth0/legacy/exports/index');
const AUTH0_LEGACY: string = 'auth0/legacy';
const loadAuth0Legacy = () => import(AUTH0_LEGACY) as Promise<Auth0Legacy>;

/**
 * Auth0's own SDKs and the standard OAuth/OIDC clients, unmodified, against the one public
 * origin https://127.0.0.1:8443/ (DESIGN.md §2, §9): the real nginx gateway with the local CA,
 * trusted the way a user trusts it (NODE_EXTRA_CA_CERTS, exported by scripts/test.sh).
 */
describe('SDKs through the HTTPS gateway', () => {
  const stack = inject('stack');
  const origin = 'https://127.0.0.1:8443/';
  const domain = '127.0.0.1:8443';
  let gateway: RunningGateway;
  let api: Server;
  let apiUrl: string;
  /** Issued first, checked last: the shortest lifetime is 60 s, and the other tests run meanwhile. */
  let shortLivedToken: string;

  beforeAll(async () => {
    gateway = await startGateway(process.cwd(), stack.urls);
    assertTrustsGatewayCa(gateway.caPath);
    const { AuthenticationClient } = await loadAuth0Legacy();
    const authentication = new AuthenticationClient({ domain, ...stack.client });
    shortLivedToken = (
      await authentication.oauth.clientCredentialsGrant({ audience: stack.shortLivedApi.identifier })
    ).data.access_token;
    [api, apiUrl] = await startProtectedApi();
  });

  afterAll(async () => {
    await new Promise((resolve) => api?.close(resolve));
    await gateway?.stop();
  });

  /**
   * A resource server as an API team would write it: express-oauth2-jwt-bearer with only the
   * issuer and its audience; it discovers the JWKS and the allowed algorithms through the gateway.
   */
  async function startProtectedApi(): Promise<[Server, string]> {
    const app = express();
    const reply = (request: express.Request, response: express.Response) => {
      response.json({ sub: request.auth?.payload.sub, scope: request.auth?.payload.scope });
    };
    app.get('/things', auth({ issuerBaseURL: origin, audience: stack.api.identifier }), reply);
    app.get('/short-lived', auth({ issuerBaseURL: origin, audience: stack.shortLivedApi.identifier }), reply);
    const errors: ErrorRequestHandler = (error, _request, response, _next) => {
      // The library's errors carry the RFC 6750 status, code and WWW-Authenticate header.
      response
        .status(error.status ?? 500)
        .set(error.headers ?? {})
        .json({ error: error.code ?? 'server_error', error_description: error.message });
    };
    app.use(errors);
    // The last port of this run's range (TESSERA_TEST_BASE_PORT .. +9); the stack uses the first five.
    const port = Number(process.env.TESSERA_TEST_BASE_PORT ?? 4101) + 9;
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(port, '127.0.0.1', (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
  }

  const callApi = (path: string, token: string) =>
    fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  async function openidConfiguration() {
    return oidc.discovery(
      new URL(origin),
      stack.client.clientId,
      undefined,
      oidc.ClientSecretPost(stack.client.clientSecret),
    );
  }

  describe('routing', () => {
    it('serves the discovery documents and the JWKS from the issuer origin', async () => {
      for (const path of ['.well-known/openid-configuration', '.well-known/oauth-authorization-server']) {
        const response = await fetch(`${origin}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          issuer: origin,
          token_endpoint: `${origin}oauth/token`,
          jwks_uri: `${origin}.well-known/jwks.json`,
          introspection_endpoint: `${origin}oauth/introspect`,
          revocation_endpoint: `${origin}oauth/revoke`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        });
      }
      const jwks = await fetch(`${origin}.well-known/jwks.json`);
      expect(jwks.status).toBe(200);
      expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThanOrEqual(2);
    });

    it.each(['/', '/nope', '/health/ready', '/health/live', '/api/v2', '/oauth/tokens'])(
      'answers %s with its own JSON 404 (health endpoints are not public)',
      async (path) => {
        const response = await fetch(`https://${domain}${path}`);
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found' });
        expect(response.headers.get('server')).toBe('nginx');
      },
    );

    it('refuses a body over 64 KiB with a JSON 413 before it reaches a service', async () => {
      const response = await fetch(`${origin}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&padding=${'a'.repeat(70 * 1024)}`,
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('sends HSTS and nosniff on every answer: a page, a service error, its own 404 and 413', async () => {
      const answers = [
        await fetch(`${origin}.well-known/jwks.json`),
        await fetch(`${origin}u/login?state=unknown`),
        await fetch(`${origin}oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'x' }),
        }),
        await fetch(`${origin}nope`),
        await fetch(`${origin}oauth/token`, { method: 'POST', body: 'a'.repeat(70 * 1024) }),
      ];
      expect(answers.map((response) => response.status)).toEqual([200, 400, 400, 404, 413]);
      for (const response of answers) {
        expect(response.headers.get('strict-transport-security'), response.url).toBe('max-age=31536000');
        expect(response.headers.get('x-content-type-options'), response.url).toBe('nosniff');
        await response.arrayBuffer();
      }
    });

    it("passes the services' OAuth errors through unchanged", async () => {
      const response = await fetch(`${origin}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'nobody',
          client_secret: 'x',
        }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: 'invalid_client',
        error_description: expect.any(String),
      });
    });
  });

  describe('auth0/legacy AuthenticationClient (domain "127.0.0.1:8443")', () => {
    it('gets a client-credentials token that verifies against the JWKS through the gateway', async () => {
      const { AuthenticationClient } = await loadAuth0Legacy();
      const authentication = new AuthenticationClient({ domain, ...stack.client });
      const { data } = await authentication.oauth.clientCredentialsGrant({ audience: stack.api.identifier });
      expect(data).toMatchObject({
        token_type: 'Bearer',
        expires_in: 86400,
        scope: 'read:things write:things',
      });
      const { payload } = await jwtVerify(
        data.access_token,
        createRemoteJWKSet(new URL(`${origin}.well-known/jwks.json`)),
        { issuer: origin, audience: stack.api.identifier },
      );
      expect(payload).toMatchObject({ sub: `${stack.client.clientId}@clients`, gty: 'client-credentials' });
    });

    it('gets a Management API token for the bootstrap client (what ManagementClient does first)', async () => {
      const { AuthenticationClient } = await loadAuth0Legacy();
      const authentication = new AuthenticationClient({ domain, ...stack.bootstrap });
      const { data } = await authentication.oauth.clientCredentialsGrant({
        audience: managementAudience(origin),
      });
      const claims = decodeJwt(data.access_token);
      expect(claims.aud).toBe(`${origin}api/v2/`);
      expect(String(claims.scope).split(' ')).toContain('read:users');
    });

    it('surfaces a wrong secret as the documented 401 invalid_client', async () => {
      const { AuthenticationClient } = await loadAuth0Legacy();
      const authentication = new AuthenticationClient({
        domain,
        clientId: stack.client.clientId,
        clientSecret: 'not-the-secret-but-long-enough-to-look-real',
      });
      await expect(
        authentication.oauth.clientCredentialsGrant({ audience: stack.api.identifier }),
      ).rejects.toMatchObject({ statusCode: 401, error: 'invalid_client' });
    });
  });

  describe('auth0/legacy ManagementClient (domain "127.0.0.1:8443", unmodified)', () => {
    it('drives clients, APIs, client grants, signing keys and users through the one origin', async () => {
      const { ManagementClient } = await loadAuth0Legacy();
      // No custom fetch: the SDK talks to https://127.0.0.1:8443/api/v2 and the gateway routes each
      // path to the service that owns it (issuance, account-linking).
      const management = new ManagementClient({ domain, ...stack.bootstrap });
      const run = Date.now().toString(36);
      const { data: created } = await management.clients.create({
        name: `sdk-gateway-${run}`,
        app_type: 'non_interactive',
        grant_types: ['client_credentials'],
      });
      expect(created.client_secret).toEqual(expect.any(String));
      const { data: grant } = await management.clientGrants.create({
        client_id: created.client_id,
        audience: stack.api.identifier,
        scope: ['read:things'],
      });
      expect(grant).toMatchObject({ client_id: created.client_id, audience: stack.api.identifier });
      const { data: apis } = await management.resourceServers.getAll();
      expect(apis.map((server) => server.identifier)).toContain(stack.api.identifier);
      const { data: keys } = await management.keys.getAll();
      expect(keys.some((key) => key.current)).toBe(true);

      const email = `gateway-${run}@example.test`;
      const { data: user } = await management.users.create({
        connection: 'Username-Password-Authentication',
        email,
        password: 'Gateway-Password-1',
      });
      expect((await management.users.get({ id: user.user_id })).data.email).toBe(email);
      await management.users.delete({ id: user.user_id });
      await management.clients.delete({ client_id: created.client_id });
    });
  });

  describe('openid-client 6', () => {
    it('discovers the issuer, then issues, introspects and revokes a token', async () => {
      const config = await openidConfiguration();
      expect(config.serverMetadata().issuer).toBe(origin);

      const tokens = await oidc.clientCredentialsGrant(config, { audience: stack.api.identifier });
      expect(tokens.token_type).toBe('bearer'); // openid-client lower-cases it
      expect(tokens.expiresIn()).toBeGreaterThan(86_000);

      const active = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(active).toMatchObject({
        active: true,
        client_id: stack.client.clientId,
        aud: stack.api.identifier,
        iss: origin,
      });

      await oidc.tokenRevocation(config, tokens.access_token);
      // The revocation service commits before it answers; introspection applies the event it emits.
      expect(
        await eventually(async () => !(await oidc.tokenIntrospection(config, tokens.access_token)).active),
      ).toBe(true);
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    });
  });

  describe('users: passwords, refresh tokens and the authorization-code flow', () => {
    const password = 'Gateway-User-Password-1';
    const callback = 'https://app.example.test/callback';
    let email: string;
    let webApp: { client_id: string; client_secret: string };

    beforeAll(async () => {
      const { ManagementClient } = await loadAuth0Legacy();
      const managementClient = new ManagementClient({ domain, ...stack.bootstrap });
      const run = Date.now().toString(36);
      email = `sdk-user-${run}@example.test`;
      await managementClient.users.create({
        connection: 'Username-Password-Authentication',
        email,
        password,
      });
      await managementClient.resourceServers.update(
        {
          id: (await managementClient.resourceServers.getAll()).data.find(
            (server) => server.identifier === stack.api.identifier,
          )!.id,
        },
        { allow_offline_access: true },
      );
      const { data } = await managementClient.clients.create({
        name: `sdk-web-${run}`,
        app_type: 'regular_web',
        grant_types: ['authorization_code', 'refresh_token', 'password'],
        callbacks: [callback],
        refresh_token: {
          rotation_type: 'rotating',
          expiration_type: 'expiring',
          token_lifetime: 86_400,
          idle_token_lifetime: 3_600,
        },
      });
      webApp = { client_id: data.client_id, client_secret: data.client_secret };
    });

    it('auth0 AuthenticationClient: passwordGrant, then refreshTokenGrant (rotating), ID tokens validated by the SDK', async () => {
      const { AuthenticationClient } = await loadAuth0Legacy();
      const authentication = new AuthenticationClient({
        domain,
        clientId: webApp.client_id,
        clientSecret: webApp.client_secret,
      });
      const { data: tokens } = await authentication.oauth.passwordGrant({
        username: email,
        password,
        audience: stack.api.identifier,
        scope: 'openid email offline_access read:things',
      });
      expect(tokens.id_token).toEqual(expect.any(String));
      expect(decodeJwt(tokens.id_token!).email).toBe(email);
      const { data: refreshed } = await authentication.oauth.refreshTokenGrant({
        refresh_token: tokens.refresh_token!,
      });
      expect(refreshed.refresh_token).toEqual(expect.any(String));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      await expect(
        authentication.oauth.refreshTokenGrant({ refresh_token: tokens.refresh_token! }),
      ).rejects.toMatchObject({
        statusCode: 403,
        error: 'invalid_grant',
        error_description: 'Unknown or invalid refresh token.',
      });
    });

    it('openid-client: authorization code with PKCE through the hosted login page, userinfo, refresh, revocation', async () => {
      const config = await oidc.discovery(
        new URL(origin),
        webApp.client_id,
        undefined,
        oidc.ClientSecretPost(webApp.client_secret),
      );
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const authorizeUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: callback,
        scope: 'openid profile email offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        audience: stack.api.identifier,
      });
      // The browser: through the gateway, cookies kept by hand, redirects inspected one by one.
      const browser = new Browser(origin, origin);
      const start = await browser.get(authorizeUrl.href);
      expect(start.status).toBe(302);
      const page = await browser.get(start.location!);
      expect(page.status).toBe(200);
      const done = await browser.postForm('/u/login', {
        ...formFields(page.html),
        username: email,
        password,
      });
      expect(done.status, done.html).toBe(302);
      expect(done.location!.startsWith(callback)).toBe(true);

      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      expect(tokens.claims()).toMatchObject({ email, iss: origin, aud: webApp.client_id });
      expect(decodeJwt(tokens.access_token).aud).toEqual([stack.api.identifier, `${origin}userinfo`]);
      // /userinfo (introspection, behind the same origin) with the JWT whose audience includes it.
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo).toMatchObject({ sub: tokens.claims()!.sub, email });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.claims()?.sub).toBe(tokens.claims()?.sub);
      // Revoking the refresh token ends the grant: the next refresh is refused.
      await oidc.tokenRevocation(config, refreshed.refresh_token!);
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });
  });

  describe('express-oauth2-jwt-bearer protecting an Express API', () => {
    async function issue(audience: string): Promise<string> {
      const config = await openidConfiguration();
      return (await oidc.clientCredentialsGrant(config, { audience })).access_token;
    }

    it('accepts a fresh access token', async () => {
      const response = await callApi('/things', await issue(stack.api.identifier));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        sub: `${stack.client.clientId}@clients`,
        scope: 'read:things write:things',
      });
    });

    it('refuses a token issued for another API (foreign audience)', async () => {
      const response = await callApi('/things', await issue(stack.rfc9068Api.identifier));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('refuses a token with our issuer, audience and kid but signed by a foreign key', async () => {
      const genuine = await issue(stack.api.identifier);
      const { kid } = JSON.parse(Buffer.from(genuine.split('.')[0]!, 'base64url').toString()) as {
        kid: string;
      };
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...decodeJwt(genuine) })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .sign(privateKey);
      const response = await callApi('/things', forged);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('does not see revocation (it has no revocation check); introspection does', async () => {
      // express-oauth2-jwt-bearer validates signature and claims only, so a revoked JWT passes until
      // it expires. That is what the public revocation stream (tessera.tokens.revoked.v1) is for:
      // resource servers that must stop revoked tokens subscribe to it or introspect.
      const token = await issue(stack.api.identifier);
      const config = await openidConfiguration();
      await oidc.tokenRevocation(config, token);
      expect(await eventually(async () => !(await oidc.tokenIntrospection(config, token)).active)).toBe(true);
      expect((await callApi('/things', token)).status).toBe(200);
    });

    it('refuses an expired token (a 60 s token, checked after its exp plus the 5 s clock tolerance)', async () => {
      const { exp } = decodeJwt(shortLivedToken);
      const fresh = await callApi('/short-lived', shortLivedToken);
      // Still valid unless the tests above took more than a minute on a loaded machine.
      if (Date.now() / 1000 < exp! - 1) expect(fresh.status).toBe(200);
      const wait = (exp! + 6) * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await callApi('/short-lived', shortLivedToken);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expect(((await response.json()) as { error_description: string }).error_description).toMatch(/exp/);
    }, 90_000);
  });
});
