import { createHash } from 'node:crypto';
import type { PublicJwk } from '@app/contracts';

/** The members RFC 7638 §3.2 hashes, per key type, in lexicographic order. */
const REQUIRED_MEMBERS = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
} as const;

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK: two JWKs with the same thumbprint are
 * the same key, whatever their kid, alg or member order. Null when a required member is missing.
 */
export function jwkThumbprint(jwk: PublicJwk): string | null {
  const canonical: Record<string, string> = {};
  for (const member of REQUIRED_MEMBERS[jwk.kty]) {
    const value = jwk[member];
    if (typeof value !== 'string' || value === '') return null;
    canonical[member] = value;
  }
  // JSON.stringify keeps insertion order, which is the lexicographic order above; no whitespace.
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
