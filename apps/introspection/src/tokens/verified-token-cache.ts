import { hash } from 'node:crypto';
import { VerificationKeySet, type VerifiedJwt } from '@app/jwt';

export interface VerifiedTokenCacheOptions {
  /** Most entries kept; the least recently used go first when full (in halves: see the class). */
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
  /**
   * Least-recently-used in two generations (as quick-lru does): hits in `current` change nothing;
   * a hit in `previous` moves the entry up; when `current` is full it becomes `previous`, and what
   * was there (unused for a whole generation) is dropped. Not one Map kept in LRU order by deleting
   * and re-inserting on every hit: V8 rehashes a large Map under that churn, which made a hit cost
   * ~33 µs with 100k entries (docs/benchmarks.md, introspection).
   */
  private current = new Map<string, VerifiedJwt>();
  private previous = new Map<string, VerifiedJwt>();
  private readonly generationSize: number;
  private readonly now: () => number;
  private lastHashed: { readonly token: string; readonly hash: string } | null = null;

  constructor(
    private readonly keys: VerificationKeySet,
    options: VerifiedTokenCacheOptions = {},
  ) {
    this.generationSize = Math.max(1, Math.floor((options.maxEntries ?? DEFAULT_MAX_CACHED_TOKENS) / 2));
    this.now = options.now ?? Date.now;
    keys.onRevoked((kid) => this.dropKid(kid));
  }

  /** The earlier verification of this exact token, if it is still unexpired and its key still trusted. */
  get(token: string): VerifiedJwt | undefined {
    const hash = this.hashOf(token);
    const recent = this.current.get(hash);
    if (recent) {
      if (this.isLive(recent)) return recent;
      this.current.delete(hash);
      return undefined;
    }
    const older = this.previous.get(hash);
    if (!older) return undefined;
    this.previous.delete(hash);
    if (!this.isLive(older)) return undefined;
    this.store(hash, older);
    return older;
  }

  /** Remembers a successful verification until the token's `exp`. */
  remember(token: string, verified: VerifiedJwt): void {
    // A key revoked while this verification was in flight must not be brought back by it.
    if (!this.isLive(verified)) return;
    const hash = this.hashOf(token);
    this.previous.delete(hash);
    this.store(hash, verified);
  }

  /** Forgets every verification made with a key (called when the key is revoked). */
  dropKid(kid: string): number {
    let dropped = 0;
    // Key revocations are rare (a compromise or a rotation's end): a scan beats a per-kid index kept on every hit.
    for (const generation of [this.current, this.previous]) {
      for (const [hash, entry] of generation) {
        if (entry.kid === kid) {
          generation.delete(hash);
          dropped++;
        }
      }
    }
    return dropped;
  }

  get size(): number {
    return this.current.size + this.previous.size;
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

  /** Expired entries are removed when met; a full generation pushes the older one out whole. */
  private store(hash: string, entry: VerifiedJwt): void {
    if (this.current.size >= this.generationSize && !this.current.has(hash)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(hash, entry);
  }
}
