import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@app/contracts';
import { REDIS, type RedisClient } from '@app/redis';
import { LoginCounters, type BucketAnswer, type BucketLimits } from './login-counters';

/**
 * Token bucket: refills whole tokens for the time passed (keeping the remainder, so a slow drip
 * still adds up), then takes one if there is one. `refused` remembers that the bucket already
 * refused, so the caller records the start of a throttling once. The key expires when the bucket
 * would be full again: an idle address costs no memory.
 * KEYS[1] bucket; ARGV capacity, refill ms, now ms (empty: Redis's own clock, the one clock every
 * instance shares, so skewed hosts cannot refill a bucket early). Returns {allowed, first refusal}.
 */
const TAKE_ATTEMPT = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'refused')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  local gained = math.floor((now - ts) / refill)
  tokens = tokens + gained
  ts = ts + gained * refill
end
if tokens >= capacity then
  tokens = capacity
  ts = now
end
local allowed = 0
local first = 0
local refused = state[3]
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
  refused = '0'
else
  if refused ~= '1' then first = 1 end
  refused = '1'
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', ts, 'refused', refused)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * refill) + 1000)
return {allowed, first}
`;

/** One token back, never above capacity; nothing to do for a bucket that expired (full). */
const RETURN_ATTEMPT = `
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens == nil then return 0 end
tokens = math.min(tonumber(ARGV[1]), tokens + 1)
redis.call('HSET', KEYS[1], 'tokens', tokens)
return tokens
`;

/** INCR and a TTL refreshed by each failure, in one step. */
const COUNT_FAILURE = `
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return count
`;

@Injectable()
export class RedisLoginCounters extends LoginCounters {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {
    super();
  }

  async takeAttempt(addressKey: string, limits: BucketLimits, nowMs?: number): Promise<BucketAnswer> {
    const answer = (await this.redis.eval(TAKE_ATTEMPT, {
      keys: [redisKeys.loginAddressBucket(addressKey)],
      arguments: [
        String(limits.capacity),
        String(limits.refillMs),
        nowMs === undefined ? '' : String(Math.floor(nowMs)),
      ],
    })) as [number, number];
    return { allowed: answer[0] === 1, firstRefusal: answer[1] === 1 };
  }

  async returnAttempt(addressKey: string, limits: BucketLimits): Promise<void> {
    await this.redis.eval(RETURN_ATTEMPT, {
      keys: [redisKeys.loginAddressBucket(addressKey)],
      arguments: [String(limits.capacity)],
    });
  }

  async countFailure(pairHash: string, ttlSeconds: number): Promise<number> {
    return (await this.redis.eval(COUNT_FAILURE, {
      keys: [redisKeys.loginFailures(pairHash)],
      arguments: [String(ttlSeconds)],
    })) as number;
  }

  async clearFailures(pairHashes: readonly string[]): Promise<void> {
    if (pairHashes.length === 0) return;
    await this.redis.del(pairHashes.map((hash) => redisKeys.loginFailures(hash)));
  }
}
