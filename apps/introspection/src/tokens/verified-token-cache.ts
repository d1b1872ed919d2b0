import { hash } from 'node:crypto';
import { VerificationKeySet, type VerifiedJwt } from '@app/jwt';

export interface VerifiedTokenCacheOptions {
  /** Most entries kept; the least recently used goes first when full. */
  readonly maxEntries?: number;
  /** Epoch milliseconds; injectable so tests control expiry. */
  readonly now?: () => number;
}

/** ~100k live tokens at a few hundred bytes each: tens of MB, and a busy instance's working set. */
export const DEFAULT_MAX_CACHED_TOKENS = 100_000;

/**
 * Signature verifications this instance has already done, so that a token presented again skips the
 * public-key operation (an RSA or ECDSA verify costs far more than a SHA-256 of the token). Keyed by the SHA-256 of the
 * token, never the token itself (CONVENTIONS §6); an entry lives until the token's `exp`, and every
 * entry of a kid goes when that key is revoked. Only successful verifications are kept: caching
 * failures would let a flood of junk tokens evict the real ones.
 *
 * The cache replaces signature and claim verification only. Revocation is checked by the caller on
 * every call, because a revocation can arrive at any moment while the entry is alive.
 */
export class VerifiedTokenCache {
  /** Map iteration order is insertion order: re-inserting on a hit makes the first key the LRU one. */
  private readonly entries = new Map<string, VerifiedJwt>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private lastHashed: { readonly token: string; readonly hash: string } | null = null;

  constructor(
    private readonly keys: VerificationKeySet,
    options: VerifiedTokenCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_CACHED_TOKENS;
    this.now = options.now ?? Date.now;
    keys.onRevoked((kid) => this.dropKid(kid));
  }

  /** The earlier verification of this exact token, if it is still unexpired and its key still trusted. */
  get(token: string): VerifiedJwt | undefined {
    const hash = this.hashOf(token);
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (!this.isLive(entry)) {
      this.entries.delete(hash);
      return undefined;
    }
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return entry;
  }

  /** Remembers a successful verification until the token's `exp`. */
  remember(token: string, verified: VerifiedJwt): void {
    // A key revoked while this verification was in flight must not be brought back by it.
    if (!this.isLive(verified)) return;
    const hash = this.hashOf(token);
    this.entries.delete(hash);
    this.entries.set(hash, verified);
    if (this.entries.size > this.maxEntries) this.evictOldest();
  }

  /** Forgets every verification made with a key (called when the key is revoked). */
  dropKid(kid: string): number {
    let dropped = 0;
    // Key revocations are rare (a compromise or a rotation's end): a scan beats a per-kid index kept on every hit.
    for (const [hash, entry] of this.entries) {
      if (entry.kid === kid) {
        this.entries.delete(hash);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }

  private isLive(entry: VerifiedJwt): boolean {
    const exp = entry.claims.exp;
    // jose treats `exp <= now` as expired (RFC 7519 §4.1.4: "on or after"); so does the cache.
    return typeof exp === 'number' && this.now() / 1000 < exp && !this.keys.isRevoked(entry.kid);
  }

  /**
   * The SHA-256 of a token, remembering the last one: a miss is followed by `remember` of the same
   * token once it is verified, and a token never seen before (most of a busy instance's misses)
   * would otherwise be hashed twice.
   */
  private hashOf(token: string): string {
    if (this.lastHashed?.token !== token)
      this.lastHashed = { token, hash: hash('sha256', token, 'base64url') };
    return this.lastHashed.hash;
  }

  private evictOldest(): void {
    // Expired entries are removed when met; when full, the least recently used makes room.
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
