import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post, requestJson } from '@app/testing';
import { managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

const PASSWORD = 'Correct-Horse-7';

/**
 * Introspection, `/userinfo` and `/tokeninfo` on tokens that issuance really minted (password grant):
 * an opaque `/userinfo` access token, a JWT whose `aud` includes `{issuer}userinfo`, an opaque refresh
 * token and an ID token — then the refresh token revoked through `/oauth/revoke`.
 */
describe('introspection, /userinfo and /tokeninfo on issued user tokens', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `ada-${run}@example.test`;
  const apiIdentifier = `https://userinfo-api-${run}.example.test/`;
  const instances = () => [stack.urls.introspection, stack.urls.introspection2!];
  let app: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    const admin = await managementToken(stack);
    ({ client: app, userId } = await passwordGrantSetup(stack, admin, {
      label: 'Userinfo',
      run,
      audience: apiIdentifier,
      email,
      password: PASSWORD,
      refreshToken: { infinite_token_lifetime: false, infinite_idle_token_lifetime: false },
      profile: { name: 'Ada Lovelace', nickname: 'ada' },
    }));
  });

  async function passwordGrant(extra: Record<string, string>) {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: email,
      password: PASSWORD,
      ...extra,
    });
    expect(response.status, response.text).toBe(200);
    return response.json as { access_token: string; refresh_token?: string; id_token?: string };
  }

  const introspect = (url: string, token: string, client = app) =>
    post(`${url}/oauth/introspect`, {
      token,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });

  it('answers /userinfo for the opaque and the JWT access token, with the claims their scopes release', async () => {
    const opaque = await passwordGrant({ scope: 'openid profile email' });
    expect(opaque.access_token.split('.')).toHaveLength(1);
    const jwt = await passwordGrant({ audience: apiIdentifier, scope: 'openid profile read:notes' });
    expect(jwt.access_token.split('.')).toHaveLength(3);
    for (const url of instances()) {
      // The profile reaches introspection over tessera.accounts.v1.
      expect(
        await eventually(
          async () => (await requestJson(`${url}/userinfo`, 'GET', opaque.access_token)).status === 200,
          10_000,
        ),
      ).toBe(true);
      const fromOpaque = await requestJson(`${url}/userinfo`, 'GET', opaque.access_token);
      expect(fromOpaque.json).toMatchObject({ sub: userId, name: 'Ada Lovelace', nickname: 'ada', email });
      const fromJwt = await requestJson(`${url}/userinfo`, 'POST', jwt.access_token);
      expect(fromJwt.status).toBe(200);
      expect(fromJwt.json).toMatchObject({ sub: userId, name: 'Ada Lovelace' });
      expect(fromJwt.json).not.toHaveProperty('email');
    }
  });

  it('introspects the opaque access and refresh tokens for their client only; a family revoked on reuse goes inactive', async () => {
    const tokens = await passwordGrant({
      audience: apiIdentifier,
      scope: 'openid offline_access read:notes',
    });
    const opaque = await passwordGrant({ scope: 'openid' });
    const refreshToken = tokens.refresh_token!;
    expect(refreshToken).toBeDefined();
    for (const url of instances()) {
      expect((await introspect(url, opaque.access_token)).json).toMatchObject({
        active: true,
        token_type: 'Bearer',
        client_id: app.client_id,
        sub: userId,
      });
      expect((await introspect(url, refreshToken)).json).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        client_id: app.client_id,
        sub: userId,
      });
      const other = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
      expect((await introspect(url, refreshToken, other)).json).toEqual({ active: false });
    }
    // Rotate, then present the spent token again: reuse, so issuance revokes the whole family (its
    // Redis records and a grant revocation on the stream) and the successor goes inactive everywhere.
    const refreshAt = (token: string) =>
      post(`${stack.urls.issuance}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: app.client_id,
        client_secret: app.client_secret,
        refresh_token: token,
      });
    const rotated = await refreshAt(refreshToken);
    expect(rotated.status, rotated.text).toBe(200);
    const successor = rotated.json.refresh_token as string;
    expect((await introspect(stack.urls.introspection, successor)).json).toMatchObject({ active: true });
    expect((await refreshAt(refreshToken)).status).toBe(403);
    for (const url of instances()) {
      const inactive = async () =>
        ((await introspect(url, successor)).json as { active: boolean }).active === false;
      expect(await eventually(inactive, 10_000)).toBe(true);
    }
  });

  it('answers /tokeninfo for the ID token with the legacy profile', async () => {
    const { id_token: idToken } = await passwordGrant({ scope: 'openid profile email' });
    expect(idToken).toBeDefined();
    const response = await post(`${stack.urls.introspection}/tokeninfo`, { id_token: idToken! });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({
      user_id: userId,
      clientID: app.client_id,
      email,
      name: 'Ada Lovelace',
    });
  });
});
