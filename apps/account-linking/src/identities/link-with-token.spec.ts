import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier, VerificationKeySet } from '@app/jwt';
import { ManagementError } from '@app/management';
import { secondaryUserFromLinkWith } from './link-with-token';

const issuer = 'https://issuer.test/';
const kid = 'kid-rsa-link-0001';
const clientId = 'spa-client';
let trustedKey: CryptoKey;
let foreignKey: CryptoKey;
let ecKey: CryptoKey;
let verifier: AccessTokenVerifier;

/** An ID token for `auth0|secondary` issued to `spa-client`; claims given replace the defaults. */
function idToken(
  claims: Record<string, unknown> = {},
  options: { key?: CryptoKey; alg?: string; kid?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer,
    sub: 'auth0|secondary',
    aud: clientId,
    iat: now,
    exp: now + 600,
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid })
    .sign(options.key ?? trustedKey);
}

async function refusal(token: string, caller = { clientId }): Promise<string> {
  const error: unknown = await secondaryUserFromLinkWith(verifier, issuer, token, caller).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ManagementError);
  expect((error as ManagementError).statusCode).toBe(400);
  return (error as ManagementError).message;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  trustedKey = pair.privateKey;
  foreignKey = (await generateKeyPair('RS256')).privateKey;
  ecKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = await exportJWK(pair.publicKey);
  const keys = new VerificationKeySet();
  keys.trust({ kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' });
  verifier = new AccessTokenVerifier(keys, null, { issuer });
});

describe('link_with ID token (Auth0 checks)', () => {
  it('yields the secondary user of a valid RS256 ID token of our issuer for the calling application', async () => {
    expect(await secondaryUserFromLinkWith(verifier, issuer, await idToken(), { clientId })).toBe(
      'auth0|secondary',
    );
    const severalAudiences = await idToken({ aud: ['other', clientId] });
    expect(await secondaryUserFromLinkWith(verifier, issuer, severalAudiences, { clientId })).toBe(
      'auth0|secondary',
    );
  });

  it("refuses each failed check with Auth0's message", async () => {
    expect(await refusal('not-a-jwt')).toBe('Invalid token (link_with).');
    expect(await refusal(await idToken({}, { key: ecKey, alg: 'ES256' }))).toBe(
      'JWT (link_with) must have an alg of RS256.',
    );
    expect(await refusal(await idToken({ iss: 'https://elsewhere.test/' }))).toBe(
      'JWT (link_with) must have the same issuer as the calling user.',
    );
    // Right issuer and algorithm, but signed by a key that is not ours.
    expect(await refusal(await idToken({}, { key: foreignKey }))).toBe('Invalid token (link_with).');
    expect(await refusal(await idToken({}, { kid: 'kid-unknown-0001' }))).toBe('Invalid token (link_with).');
    const past = Math.floor(Date.now() / 1000) - 7200;
    expect(await refusal(await idToken({ iat: past, exp: past + 60 }))).toBe('Invalid token (link_with).');
    expect(await refusal(await idToken({ sub: undefined }))).toBe('JWT (link_with) must contains sub claim.');
    expect(await refusal(await idToken({ sub: 42 }))).toBe('JWT (link_with) contains an invalid sub claim.');
    expect(await refusal(await idToken({ aud: undefined }))).toBe(
      'JWT (link_with) contains an invalid aud claim.',
    );
    expect(await refusal(await idToken({ aud: 'another-app' }))).toBe(
      "JWT (link_with) must have an aud claim that matches that of the calling token's azp.",
    );
    expect(await refusal(await idToken(), { clientId: undefined as unknown as string })).toBe(
      "JWT (link_with) must have an aud claim that matches that of the calling token's azp.",
    );
  });

  it('refuses an unsigned token that claims RS256', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: issuer, sub: 'auth0|x', aud: clientId })).toString(
      'base64url',
    );
    expect(await refusal(`${header}.${payload}.${Buffer.from('x').toString('base64url')}`)).toBe(
      'Invalid token (link_with).',
    );
  });
});
