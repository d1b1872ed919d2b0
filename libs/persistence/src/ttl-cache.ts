import { LRUCache } from 'lru-cache';

/**
 * A small read-through cache for rows read on every request of a hot path (clients, APIs,
 * client grants). Entries live `ttlMs`, so a change made elsewhere is seen within that time; concurrent
 * misses for one key share one load. Full, it forgets the least recently used entry (`lru-cache`),
 * never all of them at once — which would send every lookup to PostgreSQL together (issue #22 §5).
 */
export class TtlCache<V> {
  // The pending or settled load: a Promise is an object, so `null` values are cacheable too.
  private readonly entries: LRUCache<string, Promise<V>>;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.entries = new LRUCache<string, Promise<V>>({ max: maxEntries, ttl: ttlMs, ttlAutopurge: false });
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const value = load();
    this.entries.set(key, value);
    // A failed load is not remembered: the next lookup tries again. (Only if it is still the entry.)
    value.catch(() => {
      if (this.entries.peek(key) === value) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every entry whose key matches (e.g. all grants of a deleted client). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}
