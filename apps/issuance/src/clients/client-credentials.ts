import { createHash, createPublicKey, randomBytes, randomInt } from 'node:crypto';
import { invalidBody } from '@app/management';
import { randomToken } from '@app/secrets';
import type { ClientPublicKey } from './client-settings';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumeric characters, like Auth0's client ids (~190 bits). */
export function newClientId(): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

/** 64 URL-safe characters (384 bits): stored only as a SHA-256 digest (DESIGN §8). */
export function newClientSecret(): string {
  return randomToken(48);
}

/**
 * Reads a registered public key: it must be an RSA public key of at least 2048 bits (the algorithms
 * Auth0 offers for client assertions are RS256, RS384 and PS256).
 */
export function toClientPublicKey(
  credential: { pem: string; alg: ClientPublicKey['alg']; name?: string | undefined },
  index: number,
): ClientPublicKey {
  let jwk: { kty?: string; n?: string; e?: string };
  try {
    const key = createPublicKey({ key: credential.pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new Error('not an RSA key of 2048 bits or more');
    }
    jwk = key.export({ format: 'jwk' });
  } catch {
    throw invalidBody(
      `'Expected an RSA public key (PEM, 2048 bits or more)' on property client_authentication_methods.private_key_jwt.credentials.${index}.pem.`,
    );
  }
  // RFC 7638 §3.2: the required members, in lexicographic order, without whitespace.
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  return {
    id: `cred_${randomBytes(12).toString('hex')}`,
    name: credential.name ?? `public key ${index + 1}`,
    credential_type: 'public_key',
    alg: credential.alg,
    pem: createPublicKey(credential.pem).export({ format: 'pem', type: 'spki' }).toString(),
    thumbprint,
    created_at: new Date().toISOString(),
  };
}
