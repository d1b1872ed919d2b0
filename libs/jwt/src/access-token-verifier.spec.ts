import { createHmac } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicJwk } from '@app/contracts';
import { AccessTokenVerifier } from './access-token-verifier';
import { VerificationKeySet } from './verification-key-set';

const issuer = 'https://issuer.test/';
const kid = 'kid-trusted-0001';
let privateKey: CryptoKey;
let publicJwk: PublicJwk;
let keys: VerificationKeySet;
let verifier: AccessTokenVerifier;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signs with the trusted key; claims given by a test replace the defaults (to make them wrong). */
const sign = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 's', iss: issuer, iat: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, ...header })
    .sign(privateKey);
};

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = await exportJWK(pair.publicKey);
  publicJwk = { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
  keys = new VerificationKeySet();
  keys.trust(publicJwk);
  verifier = new AccessTokenVerifier(keys, null, { issuer });
});

describe('AccessTokenVerifier', () => {
  it('verifies a token signed by a trusted key', async () => {
    const verified = await verifier.verify(await sign({ jti: 'j1' }));
    expect(verified).toMatchObject({ kid, claims: { jti: 'j1', iss: issuer } });
  });

  it('treats hostile and foreign tokens as invalid, never as errors', async () => {
    const good = await sign();
    const [h, p] = good.split('.');
    const hs256WithPublicKey = (() => {
      const header = b64({ alg: 'HS256', kid });
      const payload = p!;
      const mac = createHmac('sha256', JSON.stringify(publicJwk))
        .update(`${header}.${payload}`)
        .digest('base64url');
      return `${header}.${payload}.${mac}`;
    })();
    const hostile = [
      `${b64({ alg: 'none', kid })}.${p}.`,
      hs256WithPublicKey,
      await sign({}, { kid: 'kid-unknown-0001' }),
      await sign({}, { kid: '../../etc/passwd' }),
      await sign({}, { jku: 'https://evil.test/jwks' }),
      await sign({}, { x5u: 'https://evil.test/cert' }),
      // A critical extension we do not understand must make the token invalid (RFC 7515 §4.1.11).
      await new CompactSign(
        Buffer.from(JSON.stringify({ iss: issuer, exp: Math.floor(Date.now() / 1000) + 60, iat: 1 })),
      )
        .setProtectedHeader({ alg: 'ES256', kid, crit: ['x-tessera-test'], 'x-tessera-test': true })
        .sign(privateKey, { crit: { 'x-tessera-test': true } }),
      await sign({ iss: 'https://evil.test/' }),
      await sign({ exp: Math.floor(Date.now() / 1000) - 10 }),
      await sign({ nbf: Math.floor(Date.now() / 1000) + 3600 }),
      // Claims jose's jwtVerify required before verification moved to node:crypto: still required.
      await sign({ iat: undefined }),
      await sign({ exp: String(Math.floor(Date.now() / 1000) + 3600) }),
      await sign({ nbf: 'now' }),
      await sign({ exp: Math.floor(Date.now() / 1000) }),
      `${h}.${p}.${'A'.repeat(86)}`,
      `${h}.${p}`,
      `${h}!.${p}.x`,
      good.slice(0, -3),
      `${b64('not an object')}.${p}.x`,
      'x'.repeat(20_000),
    ];
    for (const [index, token] of hostile.entries()) {
      expect({ index, verified: await verifier.verify(token) }).toEqual({ index, verified: null });
    }
  });

  it('refuses tokens of a revoked key, even when the key set is told about it again', async () => {
    const set = new VerificationKeySet();
    set.trust(publicJwk);
    const local = new AccessTokenVerifier(set, null, { issuer });
    const token = await sign();
    expect(await local.verify(token)).not.toBeNull();
    set.revoke(kid);
    set.trust(publicJwk);
    expect(await local.verify(token)).toBeNull();
  });

  it('tells JWT-shaped strings from opaque ones', () => {
    expect(AccessTokenVerifier.looksLikeJwt('a.b.c')).toBe(true);
    expect(AccessTokenVerifier.looksLikeJwt('opaque-token_value')).toBe(false);
  });
});

describe('AccessTokenVerifier.awaitsKeyConfirmation', () => {
  it('is true only for a token naming a key announced on the topic and not confirmed yet', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    const announced = 'kid-announced-0001';
    const pending = new VerificationKeySet();
    pending.announce({
      kid: announced,
      alg: 'ES256',
      state: 'current',
      public_jwk: { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid: announced, alg: 'ES256', use: 'sig' },
    });
    const withPending = new AccessTokenVerifier(pending, null, { issuer });
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: issuer, iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: announced })
      .sign(pair.privateKey);
    expect(await withPending.verify(token)).toBeNull();
    expect(withPending.awaitsKeyConfirmation(token)).toBe(true);
    expect(withPending.awaitsKeyConfirmation(await sign({}, { kid: 'kid-unknown-0001' }))).toBe(false);
    expect(withPending.awaitsKeyConfirmation('not.a.jwt')).toBe(false);
  });
});
