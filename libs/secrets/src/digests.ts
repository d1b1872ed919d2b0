import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a value, hex. Used for high-entropy secrets and tokens, never for passwords (DESIGN §8). */
export function sha256Hex(value: string): string {
  // crypto.hash: the one-shot digest, without a Hash object per call (every client authentication).
  return hash('sha256', value, 'hex');
}

/** Compares a presented secret with stored digests in constant time with respect to the secret. */
export function matchesAnyDigest(presented: string, digestsHex: readonly string[]): boolean {
  const presentedDigest = hash('sha256', presented, 'buffer');
  let matched = false;
  for (const digest of digestsHex) {
    const stored = Buffer.from(digest, 'hex');
    // Every digest is compared (no early exit), so timing does not reveal which one matched.
    if (stored.length === presentedDigest.length && timingSafeEqual(stored, presentedDigest)) matched = true;
  }
  return matched;
}

/** A random, URL-safe string of `bytes` bytes of entropy (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
