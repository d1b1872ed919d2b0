import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHttpClient } from './upstream-http.client';
import { OutboundNetworkPolicy } from '@app/http';
import { UpstreamOidcClient } from './upstream-oidc.client';
import { UpstreamError, type UpstreamProvider } from './upstream-provider';

const CLIENT_ID = 'tessera-at-upstream';
const NONCE = 'the-nonce-we-sent';

/**
 * ID-token validation against a provider's published keys: an in-process provider serves discovery
 * and a JWKS on loopback; the tokens are made hostile one property at a time.
 */
describe('UpstreamOidcClient.verifyIdToken', () => {
  let server: Server;
  let issuer: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let provider: UpstreamProvider;
  // The provider runs on loopback over http: the development setting allows exactly that.
  const policy = new OutboundNetworkPolicy(true);
  const client = new UpstreamOidcClient(new UpstreamHttpClient(policy), policy);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'upstream-key', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration') {
        response.end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
          }),
        );
      } else if (request.url === '/jwks') {
        response.end(JSON.stringify({ keys: [jwk] }));
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    provider = {
      connection: 'upstream',
      issuer,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      clientId: CLIENT_ID,
      clientSecret: 'secret',
      scopes: 'openid',
    };
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const idToken = (claims: Record<string, unknown> = {}, signWith = key, alg = 'RS256') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer,
      sub: 'alice',
      aud: CLIENT_ID,
      nonce: NONCE,
      iat: now,
      exp: now + 300,
      ...claims,
    })
      .setProtectedHeader({ alg, kid: 'upstream-key' })
      .sign(signWith);
  };
  const refused = async (token: string, nonce = NONCE) =>
    expect(client.verifyIdToken(provider, token, nonce)).rejects.toBeInstanceOf(UpstreamError);

  it('accepts an ID token signed by a published key, for us, with our nonce', async () => {
    const claims = await client.verifyIdToken(provider, await idToken(), NONCE);
    expect(claims).toMatchObject({ sub: 'alice', nonce: NONCE });
    const withAzp = await idToken({ aud: [CLIENT_ID, 'other'], azp: CLIENT_ID });
    expect((await client.verifyIdToken(provider, withAzp, NONCE)).sub).toBe('alice');
  });

  it('refuses ID tokens that are not for this login', async () => {
    await refused(await idToken(), 'another-nonce');
    await refused(await idToken({ nonce: undefined }));
    await refused(await idToken({ aud: 'someone-else' }));
    await refused(await idToken({ aud: [CLIENT_ID, 'other'] }));
    await refused(await idToken({ aud: [CLIENT_ID, 'other'], azp: 'other' }));
    await refused(await idToken({ iss: 'https://elsewhere.example.test' }));
    await refused(await idToken({ sub: undefined }));
    const past = Math.floor(Date.now() / 1000) - 3600;
    await refused(await idToken({ iat: past, exp: past + 60 }));
  });

  it('refuses forged signatures: another key, HMAC, none, garbage', async () => {
    await refused(await idToken({}, otherKey));
    await refused(await idToken({}, new Uint8Array(32) as unknown as CryptoKey, 'HS256'));
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: issuer, sub: 'alice', aud: CLIENT_ID, nonce: NONCE }),
    ).toString('base64url');
    await refused(`${header}.${payload}.`);
    await refused('not.a.jwt');
  });

  it('refuses a discovery document that names another issuer', async () => {
    const impostor = {
      ...provider,
      issuer: 'https://configured.example.test',
      discoveryUrl: `${issuer}/.well-known/openid-configuration?x`,
    };
    await expect(client.discover(impostor)).rejects.toBeInstanceOf(UpstreamError);
  });
});
