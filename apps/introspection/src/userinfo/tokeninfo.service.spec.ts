import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicJwk, UserSnapshot } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { AccessTokenVerifier, RevocationList, TokenStateGate, VerificationKeySet } from '@app/jwt';
import type { InMemoryClientDirectory } from '../clients/client-directory';
import type { ProfileDirectory } from '../profiles/profile-directory';
import { TokenInfoService } from './tokeninfo.service';

const issuer = 'https://issuer.test/';
const kid = 'kid-idtoken-0001';
const user: UserSnapshot = {
  user_id: 'auth0|ada',
  email: 'ada@example.test',
  email_verified: true,
  name: 'Ada Lovelace',
  nickname: 'ada',
  picture: null,
  given_name: 'Ada',
  family_name: null,
  blocked: false,
  identities: [
    { provider: 'auth0', user_id: 'ada', connection: 'Username-Password-Authentication', isSocial: false },
  ],
  updated_at: '2026-11-24T20:00:00.000Z',
};

let privateKey: CryptoKey;
let revocations: RevocationList;
let service: TokenInfoService;
const profiles = new Map<string, UserSnapshot>([[user.user_id, user]]);

/** An ID token as issuance will sign it (OIDC Core §2), with claims a test may replace. */
function idToken(claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, sub: user.user_id, aud: 'app-1', iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .sign(privateKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = await exportJWK(pair.publicKey);
  const keys = new VerificationKeySet();
  keys.trust({ ...jwk, kid, alg: 'ES256', use: 'sig' } as PublicJwk);
  revocations = new RevocationList();
  const clients = {
    findClient: (id: string) => Promise.resolve(id === 'app-1' || id === 'app-2' ? { client_id: id } : null),
  } as unknown as InMemoryClientDirectory;
  const profileDirectory = { find: (id: string) => profiles.get(id) } as unknown as ProfileDirectory;
  service = new TokenInfoService(
    new AccessTokenVerifier(keys, null, { issuer }),
    revocations,
    clients,
    profileDirectory,
    new TokenStateGate(new ReadinessRegistry(), {}),
  );
});

describe('TokenInfoService (legacy /tokeninfo)', () => {
  it("answers an ID token with its user's legacy profile, values without null", async () => {
    expect(await service.tokenInfo(await idToken())).toEqual({
      user_id: user.user_id,
      clientID: 'app-1',
      identities: user.identities,
      email: user.email,
      email_verified: true,
      name: user.name,
      nickname: user.nickname,
      given_name: user.given_name,
      updated_at: user.updated_at,
    });
    expect(
      await service.tokenInfo(await idToken({ aud: ['app-2', 'https://api.test/'], azp: 'app-2' })),
    ).toMatchObject({ clientID: 'app-2' });
  });

  it('refuses access tokens, foreign or unknown clients, unknown users and revoked users', async () => {
    const refused = [
      await idToken({ scope: 'openid' }),
      await idToken({ aud: 'unknown-client' }),
      await idToken({ aud: ['app-1', 'app-2'] }),
      await idToken({ sub: 'auth0|nobody' }),
      await idToken({ iss: 'https://evil.test/' }),
      await idToken({ exp: Math.floor(Date.now() / 1000) - 1 }),
      'not-a-jwt',
    ];
    for (const token of refused) {
      await expect(service.tokenInfo(token)).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
    }
    const token = await idToken();
    revocations.apply({
      target: { kind: 'subject', sub: user.user_id, not_before: Math.floor(Date.now() / 1000) },
      expires_at: null,
      reason: 'admin',
      revoked_by: { kind: 'system' },
      revoked_at: new Date().toISOString(),
    });
    await expect(service.tokenInfo(token)).rejects.toMatchObject({ error: 'invalid_token' });
  });
});
