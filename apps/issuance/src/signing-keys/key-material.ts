import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { PublicJwk, SigningAlg } from '@app/contracts';
import { randomToken } from '@app/secrets';

export interface GeneratedKey {
  readonly kid: string;
  readonly publicJwk: PublicJwk;
  readonly privateJwk: JWK;
}

/** Generates a key pair for `alg`; RSA keys are 2048-bit (RS256/PS256), EC keys P-256, EdDSA Ed25519. */
export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const kid = randomToken(16);
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const publicPart = await exportJWK(publicKey);
  const publicJwk: PublicJwk = {
    kty: publicPart.kty as PublicJwk['kty'],
    kid,
    alg,
    use: 'sig',
    ...pick(publicPart, ['n', 'e', 'crv', 'x', 'y']),
  };
  return { kid, publicJwk, privateJwk: { ...(await exportJWK(privateKey)), kid, alg } };
}

export async function importPrivateKey(privateJwk: JWK, alg: SigningAlg): Promise<CryptoKey> {
  return (await importJWK(privateJwk, alg)) as CryptoKey;
}

function pick(jwk: JWK, names: readonly (keyof JWK)[]): Partial<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = jwk[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
