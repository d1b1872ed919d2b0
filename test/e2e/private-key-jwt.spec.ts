import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post } from '@app/testing';
import { management, managementToken } from './support/management-api';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt` at `/oauth/token`, `/oauth/revoke` and `/oauth/introspect` on the running stack:
 * a client registered with a public key through the Management API authenticates with signed
 * assertions, each accepted once (the `jti` is remembered in the real Redis, so the refusal holds
 * across instances and services).
 */
describe('Issuance: private_key_jwt client authentication', () => {
  const stack = inject('stack');
  let clientId: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    const token = await managementToken(stack);
    keys = await generateKeyPair('RS256');
    const created = await management(stack, token, 'POST', '/clients', {
      name: 'Signed assertions',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      client_authentication_methods: {
        private_key_jwt: {
          credentials: [{ credential_type: 'public_key', pem: await exportSPKI(keys.publicKey) }],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    clientId = created.json.client_id as string;
    const grant = await management(stack, token, 'POST', '/client-grants', {
      client_id: clientId,
      audience: stack.api.identifier,
      scope: stack.api.scopes,
    });
    expect(grant.status, grant.text).toBe(201);
  });

  const assertion = (key: CryptoKey = keys.privateKey, audience = stack.issuer) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti(randomUUID())
      .sign(key);
  const requestToken = (clientAssertion: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
    });

  it('issues a token for a valid assertion, once', async () => {
    const signed = await assertion();
    const first = await requestToken(signed);
    expect(first.status, first.text).toBe(200);
    expect(first.json.token_type).toBe('Bearer');
    const replay = await requestToken(signed);
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('invalid_client');
    const toTokenUrl = await requestToken(await assertion(keys.privateKey, `${stack.issuer}oauth/token`));
    expect(toTokenUrl.status, toTokenUrl.text).toBe(200);
  });

  it('refuses a foreign key, a foreign audience, a secret instead, and garbage', async () => {
    const stranger = await generateKeyPair('RS256');
    expect((await requestToken(await assertion(stranger.privateKey))).status).toBe(401);
    expect(
      (await requestToken(await assertion(keys.privateKey, 'https://elsewhere.example.test/'))).status,
    ).toBe(401);
    expect((await requestToken('garbage')).status).toBe(401);
    const withSecret = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      client_id: clientId,
      client_secret: 'x'.repeat(43),
    });
    expect(withSecret.status).toBe(401);
  });

  const withAssertion = (clientAssertion: string, parameters: Record<string, string>) => ({
    ...parameters,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: clientAssertion,
  });
  const revoke = (token: string, clientAssertion: string) =>
    post(`${stack.urls.revocation}/oauth/revoke`, withAssertion(clientAssertion, { token }));
  const introspect = (token: string, clientAssertion: string) =>
    post(`${stack.urls.introspection}/oauth/introspect`, withAssertion(clientAssertion, { token }));
  const newToken = async () => {
    const issued = await requestToken(await assertion());
    expect(issued.status, issued.text).toBe(200);
    return issued.json.access_token as string;
  };

  it('revokes its own token and introspects with assertions (review #19), each assertion accepted once', async () => {
    const token = await newToken();
    const bystander = await newToken();
    // Both services learn the client from the clients topic: wait with fresh assertions until they have.
    expect(
      await eventually(async () => (await introspect(bystander, await assertion())).status === 200),
    ).toBe(true);
    expect(await eventually(async () => (await revoke(bystander, await assertion())).status === 200)).toBe(
      true,
    );

    // Addressed to the endpoint itself, and to the issuer (what Auth0 documents and its SDKs send).
    const toIntrospect = await assertion(keys.privateKey, `${stack.issuer}oauth/introspect`);
    const live = await introspect(token, toIntrospect);
    expect(live.status, live.text).toBe(200);
    expect(live.json).toMatchObject({ active: true, client_id: clientId });
    const replayedIntrospection = await introspect(token, toIntrospect);
    expect(replayedIntrospection.status).toBe(401);
    expect(replayedIntrospection.json.error).toBe('invalid_client');

    const toRevoke = await assertion(keys.privateKey, `${stack.issuer}oauth/revoke`);
    const revoked = await revoke(token, toRevoke);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.text).toBe('');
    const replayedRevocation = await revoke(token, toRevoke);
    expect(replayedRevocation.status).toBe(401);
    expect(replayedRevocation.json.error).toBe('invalid_client');
    expect(
      await eventually(async () => (await introspect(token, await assertion())).json.active === false),
    ).toBe(true);

    // One jti, one use, whichever service saw it first.
    const usedAtTokenEndpoint = await assertion();
    expect((await requestToken(usedAtTokenEndpoint)).status).toBe(200);
    expect((await introspect(token, usedAtTokenEndpoint)).status).toBe(401);
    expect((await revoke(token, usedAtTokenEndpoint)).status).toBe(401);
  });

  it('refuses assertions at revoke and introspect signed by another key or for another audience', async () => {
    const token = await newToken();
    const stranger = await generateKeyPair('RS256');
    for (const call of [revoke, introspect]) {
      expect((await call(token, await assertion(stranger.privateKey))).status).toBe(401);
      expect(
        (await call(token, await assertion(keys.privateKey, 'https://elsewhere.example.test/'))).status,
      ).toBe(401);
      expect((await call(token, 'garbage')).status).toBe(401);
    }
    expect((await introspect(token, await assertion())).json.active).toBe(true);
  });
});
