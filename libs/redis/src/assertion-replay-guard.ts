import { redisKeys } from '@app/contracts';
import type { AssertionReplayGuard } from '@app/oauth';
import { TemporarilyUnavailableError } from '@app/oauth';
import type { RedisClient } from './redis.module';

/**
 * Single use of `private_key_jwt` assertions across every instance and service: `SET NX` of the
 * assertion's `jti` until it expires. A Redis outage refuses with a retryable 503 rather than
 * accepting an assertion that might be a replay.
 */
export class RedisAssertionReplayGuard implements AssertionReplayGuard {
  constructor(private readonly redis: RedisClient) {}

  async claim(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    try {
      const stored = await this.redis.set(redisKeys.usedClientAssertion(clientId, jti), '1', {
        NX: true,
        EXAT: Math.max(expiresAt, Math.floor(Date.now() / 1000) + 1),
      });
      return stored === 'OK';
    } catch {
      throw new TemporarilyUnavailableError('Client authentication is unavailable; try again shortly');
    }
  }
}
