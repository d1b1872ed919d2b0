import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import {
  ClientAssertionVerifier,
  clientAssertionAudiences,
  JWT_BEARER_ASSERTION_TYPE,
} from './client-assertion';
import { ClientAuthenticator } from './client-authentication';
import { InvalidClientError } from './oauth-errors';
import { OAuthParams } from './oauth-params';

const ISSUER = 'https://issuer.example.test/';
const TOKEN_URL = `${ISSUER}oauth/token`;

/** The replay store's contract, in memory (the real one is Redis: libs/redis). */
class MemoryReplayGuard {
  readonly seen = new Set<string>();
  claim(clientId: string, jti: string): Promise<boolean> {
    const key = `${clientId} ${jti}`;
    if (this.seen.has(key)) return Promise.resolve(false);
    this.seen.add(key);
    return Promise.resolve(true);
  }
}

describe('private_key_jwt client authentication', () => {
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let otherKeys: Awaited<ReturnType<typeof generateKeyPair>>;
  let client: ClientCredentialsSnapshot;
  let authenticator: ClientAuthenticator;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    otherKeys = await generateKeyPair('RS256');
    client = {
      client_id: 'jwt-client',
      name: 'j',
      token_endpoint_auth_method: 'private_key_jwt',
      secret_digests: [],
      revocation_deletes_grant: true,
      public_keys: [{ id: 'k1', alg: 'RS256', pem: await exportSPKI(keys.publicKey) }],
    };
    const verifier = new ClientAssertionVerifier([ISSUER, TOKEN_URL], new MemoryReplayGuard());
    authenticator = new ClientAuthenticator(
      { findClient: (id) => Promise.resolve(id === client.client_id ? client : null) },
      verifier,
    );
  });

  const assertion = (
    overrides: { aud?: string; iss?: string; exp?: number; jti?: string; key?: CryptoKey } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(overrides.iss ?? client.client_id)
      .setSubject(overrides.iss ?? client.client_id)
      .setAudience(overrides.aud ?? ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(overrides.exp ?? now + 120)
      .setJti(overrides.jti ?? crypto.randomUUID())
      .sign(overrides.key ?? keys.privateKey);
  };
  const authenticate = async (jwt: string, extra: Record<string, string> = {}) =>
    authenticator.authenticate(
      undefined,
      OAuthParams.fromEntries(
        Object.entries({ client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: jwt, ...extra }),
      ),
    );

  it('accepts an assertion signed by a registered key, addressed to the issuer or the token URL', async () => {
    await expect(authenticate(await assertion())).resolves.toMatchObject({ method: 'private_key_jwt' });
    await expect(
      authenticate(await assertion({ aud: TOKEN_URL }), { client_id: client.client_id }),
    ).resolves.toBeTruthy();
  });

  it('accepts each assertion once only', async () => {
    const once = await assertion();
    await authenticate(once);
    await expect(authenticate(once)).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('refuses other keys, audiences, issuers, long lifetimes, expired assertions and junk', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const jwt of [
      await assertion({ key: otherKeys.privateKey }),
      await assertion({ aud: 'https://elsewhere.example.test/' }),
      await assertion({ exp: now + 3600 }),
      await assertion({ exp: now - 120 }),
      'not.a.jwt',
    ]) {
      await expect(authenticate(jwt)).rejects.toBeInstanceOf(InvalidClientError);
    }
    await expect(authenticate(await assertion(), { client_id: 'someone-else' })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    await expect(
      authenticate(await assertion(), { client_assertion_type: 'urn:other' }),
    ).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('refuses a secret from a private_key_jwt client, and an assertion where no verifier is configured', async () => {
    await expect(
      authenticator.authenticate(
        undefined,
        OAuthParams.fromEntries([
          ['client_id', client.client_id],
          ['client_secret', 'x'.repeat(40)],
        ]),
      ),
    ).rejects.toBeInstanceOf(InvalidClientError);
    const withoutVerifier = new ClientAuthenticator({ findClient: () => Promise.resolve(client) });
    await expect(
      withoutVerifier.authenticate(
        undefined,
        OAuthParams.fromEntries([
          ['client_assertion_type', JWT_BEARER_ASSERTION_TYPE],
          ['client_assertion', await assertion()],
        ]),
      ),
    ).rejects.toBeInstanceOf(InvalidClientError);
  });
});

describe('clientAssertionAudiences', () => {
  it('are the issuer, the token endpoint and the endpoint the assertion is presented at', () => {
    expect(clientAssertionAudiences(ISSUER, 'oauth/revoke')).toEqual([
      ISSUER,
      TOKEN_URL,
      `${ISSUER}oauth/revoke`,
    ]);
    expect(clientAssertionAudiences(ISSUER, 'oauth/token')).toEqual([ISSUER, TOKEN_URL]);
  });
});
