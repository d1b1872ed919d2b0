import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('shares one load among concurrent misses and serves it until the TTL', async () => {
    const cache = new TtlCache<string | null>(60_000);
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve(null);
    };
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([null, null, 1]);
    expect(await cache.get('k', load)).toBeNull();
    expect(loads).toBe(1);
  });

  it('forgets a failed load, an expired entry, and what delete or deleteWhere name', async () => {
    const cache = new TtlCache<number>(20);
    await expect(cache.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('k', () => Promise.resolve(1))).toBe(1);
    await new Promise((done) => setTimeout(done, 40));
    expect(await cache.get('k', () => Promise.resolve(2))).toBe(2);
    await cache.get('grant:a', () => Promise.resolve(3));
    await cache.get('grant:b', () => Promise.resolve(4));
    cache.deleteWhere((key) => key.startsWith('grant:'));
    cache.delete('k');
    expect(await cache.get('grant:a', () => Promise.resolve(5))).toBe(5);
    expect(await cache.get('k', () => Promise.resolve(6))).toBe(6);
  });

  it('when full, evicts the least recently used entry, not everything', async () => {
    const cache = new TtlCache<string>(60_000, 3);
    let loads = 0;
    const load = (value: string) => () => {
      loads += 1;
      return Promise.resolve(value);
    };
    for (const key of ['a', 'b', 'c']) await cache.get(key, load(key));
    await cache.get('a', load('a')); // a is now the most recently used
    await cache.get('d', load('d')); // evicts b only
    expect(loads).toBe(4);
    for (const key of ['a', 'c', 'd']) await cache.get(key, load(key));
    expect(loads).toBe(4);
    await cache.get('b', load('b'));
    expect(loads).toBe(5);
  });
});
