import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';
import { management, managementToken } from './support/management-api';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt` at `/oauth/token` on the running stack: a client registered with a public key
 * through the Management API authenticates with signed assertions, each accepted once (the `jti` is
 * remembered in the real Redis, so the refusal holds across instances).
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
});
