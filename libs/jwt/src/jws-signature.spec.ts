import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { PublicJwk, SigningAlg } from '@app/contracts';
import { importVerificationKey, verifiesSignature } from './jws-signature';

async function keyPair(alg: SigningAlg, kid = `kid-${alg.toLowerCase()}-0001`) {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = (await exportJWK(pair.publicKey)) as Record<string, string>;
  return { pair, jwk: { ...jwk, kid, alg, use: 'sig' } as PublicJwk };
}

// RSA key generation takes seconds on a loaded machine: room for it, not a flaky 5 s limit.
describe('JWS signatures on node:crypto', { timeout: 30_000 }, () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    'verifies what jose signs with %s, and nothing altered',
    async (alg) => {
      const { pair, jwk } = await keyPair(alg);
      const key = importVerificationKey(jwk)!;
      expect(key).not.toBeNull();
      const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg }).sign(pair.privateKey);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      expect(verifiesSignature(alg, key, `${header}.${payload}`, signature)).toBe(true);
      const otherPayload = Buffer.from('{"a":2}').toString('base64url');
      expect(verifiesSignature(alg, key, `${header}.${otherPayload}`, signature)).toBe(false);
      expect(verifiesSignature(alg, key, `${header}.${payload}`, signature.slice(0, -4))).toBe(false);
      expect(verifiesSignature(alg, key, `${header}.${payload}`, '')).toBe(false);
    },
  );

  it('refuses an ES256 signature in DER form (RFC 7518 §3.4 wants R‖S)', async () => {
    const { jwk } = await keyPair('ES256');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ownJwk = {
      ...(publicKey.export({ format: 'jwk' }) as Record<string, string>),
      kid: jwk.kid,
      alg: 'ES256',
      use: 'sig',
    } as PublicJwk;
    const key = importVerificationKey(ownJwk)!;
    const input = 'e30.e30';
    const der = nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url');
    const raw = nodeSign('sha256', Buffer.from(input), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    expect(verifiesSignature('ES256', key, input, raw)).toBe(true);
    expect(verifiesSignature('ES256', key, input, der)).toBe(false);
  });

  it('imports a key only for the algorithm it fits', async () => {
    const rsa = await keyPair('RS256');
    const ec = await keyPair('ES256');
    const ed = await keyPair('EdDSA');
    expect(importVerificationKey({ ...rsa.jwk, alg: 'ES256' })).toBeNull();
    expect(importVerificationKey({ ...ec.jwk, alg: 'RS256' })).toBeNull();
    expect(importVerificationKey({ ...ed.jwk, alg: 'ES256' })).toBeNull();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'jwk' });
    expect(
      importVerificationKey({ ...p384, kid: 'kid-p384-0001', alg: 'ES256', use: 'sig' } as PublicJwk),
    ).toBeNull();
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(
      importVerificationKey({ ...small, kid: 'kid-rsa1024-01', alg: 'RS256', use: 'sig' } as PublicJwk),
    ).toBeNull();
    expect(
      importVerificationKey({
        kty: 'EC',
        kid: 'kid-broken-001',
        alg: 'ES256',
        use: 'sig',
        crv: 'P-256',
        x: 'AA',
        y: 'AA',
      }),
    ).toBeNull();
  });
});
