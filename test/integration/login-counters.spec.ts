import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@app/contracts';
import type { RedisClient } from '@app/redis';
import { RedisLoginCounters } from '../../apps/account-linking/src/attack-protection/redis-login-counters';

/**
 * Attack protection's counters on the real Redis: the Lua token bucket of suspicious-IP throttling
 * (a clock passed in, so refills are checked without waiting) and the consecutive-failure counts.
 * Redis is shared with other stacks on this machine: the tests touch only keys of their own.
 */
describe('login counters on the real Redis', () => {
  const run = randomUUID().slice(0, 8);
  const limits = { capacity: 5, refillMs: 60_000 };
  const t0 = 1_800_000_000_000;
  let redis: RedisClient;
  let counters: RedisLoginCounters;
  const used: string[] = [];
  const address = (name: string) => {
    const key = `itest-${run}-${name}`;
    used.push(redisKeys.loginAddressBucket(key), redisKeys.loginFailures(key));
    return key;
  };

  beforeAll(async () => {
    redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    counters = new RedisLoginCounters(redis);
  });

  afterAll(async () => {
    if (used.length > 0) await redis?.del(used);
    await redis?.quit();
  });

  const take = (key: string, now: number) => counters.takeAttempt(key, limits, now);

  it('a full bucket allows its capacity, then refuses; the first refusal is said once', async () => {
    const key = address('burst');
    for (let i = 0; i < 5; i++) expect(await take(key, t0)).toEqual({ allowed: true, firstRefusal: false });
    expect(await take(key, t0)).toEqual({ allowed: false, firstRefusal: true });
    expect(await take(key, t0 + 1000)).toEqual({ allowed: false, firstRefusal: false });
  });

  it('refills one attempt per interval, keeping the remainder, and says the next throttling again', async () => {
    const key = address('refill');
    for (let i = 0; i < 5; i++) await take(key, t0);
    expect((await take(key, t0 + 59_999)).allowed).toBe(false);
    // 60 s after the last refill time: one token, taken; the next is refused again, as a new throttling.
    expect(await take(key, t0 + 60_000)).toEqual({ allowed: true, firstRefusal: false });
    expect(await take(key, t0 + 60_001)).toEqual({ allowed: false, firstRefusal: true });
    // 2.5 intervals later: two tokens (the half is kept toward the third).
    expect((await take(key, t0 + 210_000)).allowed).toBe(true);
    expect((await take(key, t0 + 210_000)).allowed).toBe(true);
    expect((await take(key, t0 + 210_000)).allowed).toBe(false);
    expect((await take(key, t0 + 240_000)).allowed).toBe(true);
  });

  it('never refills above capacity, and an idle bucket expires once it would be full', async () => {
    const key = address('idle');
    await take(key, t0);
    const ttl = await redis.pTTL(redisKeys.loginAddressBucket(key));
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
    // A day later: the bucket holds its capacity, not more.
    for (let i = 0; i < 5; i++) expect((await take(key, t0 + 86_400_000)).allowed).toBe(true);
    expect((await take(key, t0 + 86_400_000)).allowed).toBe(false);
  });

  it('a returned attempt is taken again; a return never goes above capacity', async () => {
    const key = address('return');
    for (let i = 0; i < 5; i++) await take(key, t0);
    await counters.returnAttempt(key, limits);
    expect((await take(key, t0)).allowed).toBe(true);
    expect((await take(key, t0)).allowed).toBe(false);
    const full = address('return-full');
    await take(full, t0);
    for (let i = 0; i < 3; i++) await counters.returnAttempt(full, limits);
    expect(await redis.hGet(redisKeys.loginAddressBucket(full), 'tokens')).toBe('5');
  });

  it("without a clock, uses Redis's own: a fresh bucket refills nothing within the test", async () => {
    const key = address('redis-clock');
    for (let i = 0; i < 5; i++) expect((await counters.takeAttempt(key, limits)).allowed).toBe(true);
    expect(await counters.takeAttempt(key, limits)).toEqual({ allowed: false, firstRefusal: true });
    const [seconds] = await redis.time();
    const ts = Number(await redis.hGet(redisKeys.loginAddressBucket(key), 'ts'));
    expect(Math.abs(ts - Number(seconds) * 1000)).toBeLessThan(60_000);
  });

  it('concurrent attempts never overdraw the bucket', async () => {
    const key = address('concurrent');
    const answers = await Promise.all(Array.from({ length: 40 }, () => take(key, t0)));
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(5);
    expect(answers.filter((answer) => answer.firstRefusal)).toHaveLength(1);
  });

  it('counts consecutive failures exactly under concurrency, with a TTL, and forgets them on clear', async () => {
    const pair = address('pair');
    const other = address('other-pair');
    const counts = await Promise.all(Array.from({ length: 12 }, () => counters.countFailure(pair, 3600)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const ttl = await redis.ttl(redisKeys.loginFailures(pair));
    expect(ttl).toBeGreaterThan(3500);
    expect(await counters.countFailure(other, 3600)).toBe(1);
    await counters.clearFailures([pair]);
    expect(await counters.countFailure(pair, 3600)).toBe(1);
    expect(await counters.countFailure(other, 3600)).toBe(2);
    await counters.clearFailures([]);
  });
});
