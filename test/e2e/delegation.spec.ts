import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post, requestJson } from '@app/testing';
import { managementToken } from './support/management-api';
import {
  ACCESS_TOKEN_TYPE,
  exchangeSetup,
  exchangeToken,
  ID_TOKEN_TYPE,
  JWT_BEARER,
  passwordTokens,
  TOKEN_EXCHANGE,
  type Credentials,
} from './support/token-exchange';

const PASSWORD = 'Correct-Horse-7';

/**
 * Delegation on the running stack: RFC 8693 token exchange (On-Behalf-Of, with `act` chains) and
 * Auth0's legacy `POST /delegation`.
 */
describe('Issuance: token exchange and delegation', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const frontApi = `https://front-${run}.example.test/`;
  const backApi = `https://back-${run}.example.test/`;
  let token: string;
  let app: Credentials;
  let middle: Credentials;
  let downstream: Credentials;
  let stranger: Credentials;
  let userId: string;
  let email: string;

  beforeAll(async () => {
    token = await managementToken(stack);
    const setup = exchangeSetup(stack, token, run);
    for (const identifier of [frontApi, backApi]) await setup.api(identifier, ['read:data', 'write:data']);
    app = await setup.client('App', {
      grant_types: ['password', 'refresh_token', JWT_BEARER, TOKEN_EXCHANGE],
    });
    middle = await setup.client('Middle API', { grant_types: [TOKEN_EXCHANGE] });
    // The target of /delegation names the clients it accepts delegation from (default: none).
    downstream = await setup.client('Downstream API', {
      grant_types: [TOKEN_EXCHANGE, JWT_BEARER],
      delegation: { allowed_callers: [app.client_id] },
    });
    stranger = await setup.client('Stranger', { grant_types: [TOKEN_EXCHANGE] });
    for (const client of [middle, downstream, app]) await setup.grant(client, backApi, ['read:data']);
    // The middle tier is the API the user's token is for: its client grant on the front API is what
    // lets it exchange that token (issue #14 §4); before, any client could exchange any token.
    await setup.grant(middle, frontApi, ['read:data']);
    email = `ada-${run}@example.test`;
    userId = await setup.user(email, PASSWORD, 'Ada');
  });

  const tokenRequest = (params: Record<string, string>) => post(`${stack.urls.issuance}/oauth/token`, params);
  const userTokens = (scope = 'openid profile email offline_access read:data') =>
    passwordTokens(stack, app, { email, password: PASSWORD, audience: frontApi, scope });
  const exchange = (client: Credentials, subjectToken: string, extra: Record<string, string> = {}) =>
    exchangeToken(stack, client, subjectToken, backApi, extra);

  it('exchanges a user access token for one to another API, on behalf of the user, with the actor chain', async () => {
    const { access_token: userToken } = await userTokens();
    const first = await exchange(middle, userToken);
    expect(first.status, first.text).toBe(200);
    expect(first.json.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(first.json.scope).toBe('read:data');
    const jwks = createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`));
    await jwtVerify(String(first.json.access_token), jwks, { issuer: stack.issuer, audience: backApi });
    const claims = decodeJwt(first.json.access_token);
    expect(claims).toMatchObject({
      sub: userId,
      aud: backApi,
      azp: middle.client_id,
      act: { sub: middle.client_id },
    });

    const second = await exchange(downstream, first.json.access_token);
    expect(second.status, second.text).toBe(200);
    expect(decodeJwt(second.json.access_token).act).toEqual({
      sub: downstream.client_id,
      act: { sub: middle.client_id },
    });
  });

  it('exchanges an ID token, but only by the client it was issued to', async () => {
    const tokens = await userTokens();
    const ownIdToken = await exchange(app, tokens.id_token, {
      subject_token_type: ID_TOKEN_TYPE,
    });
    expect(ownIdToken.status, ownIdToken.text).toBe(200);
    expect(decodeJwt(ownIdToken.json.access_token)).toMatchObject({
      sub: userId,
      act: { sub: app.client_id },
    });
    const othersIdToken = await exchange(middle, tokens.id_token, {
      subject_token_type: ID_TOKEN_TYPE,
    });
    expect(othersIdToken.json.error).toBe('invalid_grant');
  });

  it('refuses what RFC 8693 and Auth0 refuse', async () => {
    const tokens = await userTokens();
    const noGrant = await exchange(stranger, tokens.access_token);
    expect(noGrant.status).toBe(403);
    expect(noGrant.json.error).toBe('access_denied');
    expect((await exchange(middle, 'garbage')).json.error).toBe('invalid_grant');
    expect((await exchange(middle, tokens.id_token)).json.error).toBe('invalid_grant');
    expect((await exchange(middle, tokens.access_token, { subject_token_type: 'urn:x' })).status).toBe(400);
    expect(
      (await exchange(middle, tokens.access_token, { actor_token: 'x', actor_token_type: ACCESS_TOKEN_TYPE }))
        .status,
    ).toBe(400);
    // Beyond the subject token's scopes ∩ the client grant: invalid_scope (issue #14 §4; was 403
    // access_denied when only the client grant bounded it).
    const widened = await exchange(middle, tokens.access_token, { scope: 'write:data' });
    expect(widened.status).toBe(400);
    expect(widened.json.error).toBe('invalid_scope');
    const notEnabled = await tokenRequest({
      grant_type: TOKEN_EXCHANGE,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: backApi,
    });
    expect(notEnabled.json.error).toBe('unauthorized_client');
  });

  it('a revoked subject token cannot be exchanged', async () => {
    const { access_token: userToken } = await userTokens();
    const revoke = await post(`${stack.urls.revocation}/oauth/revoke`, {
      client_id: app.client_id,
      client_secret: app.client_secret,
      token: userToken,
    });
    expect(revoke.status).toBe(200);
    expect(await eventually(async () => (await exchange(middle, userToken)).status === 403)).toBe(true);
  });

  it('POST /delegation: an ID token for another client, from an ID token or a refresh token', async () => {
    const tokens = await userTokens();
    const delegate = (body: Record<string, string>) =>
      requestJson(`${stack.urls.issuance}/delegation`, 'POST', null, {
        client_id: app.client_id,
        client_secret: app.client_secret,
        grant_type: JWT_BEARER,
        target: downstream.client_id,
        scope: 'openid email',
        ...body,
      });
    const fromIdToken = await delegate({ id_token: tokens.id_token });
    expect(fromIdToken.status, fromIdToken.text).toBe(200);
    expect(fromIdToken.json.token_type).toBe('Bearer');
    const jwks = createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`));
    await jwtVerify(String(fromIdToken.json.id_token), jwks, {
      issuer: stack.issuer,
      audience: downstream.client_id,
    });
    expect(decodeJwt(fromIdToken.json.id_token)).toMatchObject({
      sub: userId,
      aud: downstream.client_id,
      email,
    });
    const fromRefresh = await delegate({ refresh_token: tokens.refresh_token });
    expect(fromRefresh.status, fromRefresh.text).toBe(200);

    expect((await delegate({ id_token: tokens.access_token })).status).toBe(403);
    expect((await delegate({ refresh_token: 'nope' })).status).toBe(403);
    expect((await delegate({})).status).toBe(400);
    expect((await delegate({ id_token: tokens.id_token, target: middle.client_id })).json.error).toBe(
      'unauthorized_client',
    );
    expect((await delegate({ id_token: tokens.id_token, scope: 'openid read:data' })).status).toBe(400);
  });
});
