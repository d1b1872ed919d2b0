import { Inject, Injectable, Logger } from '@nestjs/common';
import { redisKeys } from '@app/contracts';
import { REDIS, type RedisClient } from '@app/redis';

/**
 * The Redis fast-lookup set of revoked JWTs (DESIGN §4): a marker per jti that expires with the token.
 * It is a cache of PostgreSQL, so a Redis failure is logged and does not fail the revocation.
 */
@Injectable()
export class RevokedJtiMarker {
  private readonly logger = new Logger(RevokedJtiMarker.name);

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async mark(jti: string, expiresAt: number): Promise<void> {
    const ttl = expiresAt - Math.floor(Date.now() / 1000);
    if (ttl <= 0) return;
    try {
      await this.redis.set(redisKeys.revokedJti(jti), '1', { expiration: { type: 'EX', value: ttl } });
    } catch (error) {
      this.logger.warn(
        `could not mark a revoked jti in Redis: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
