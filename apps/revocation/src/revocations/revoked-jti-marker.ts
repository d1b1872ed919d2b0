import { Inject, Injectable, Logger } from '@nestjs/common';
import { redisKeys } from '@app/contracts';
import { BatchQueue } from '@app/outbox';
import { REDIS, type RedisClient } from '@app/redis';

/**
 * The Redis fast-lookup set of revoked JWTs (DESIGN §4): a marker per jti that expires with the token.
 * It is a cache of PostgreSQL, so a Redis failure is logged and does not fail the revocation.
 */
@Injectable()
export class RevokedJtiMarker {
  private readonly logger = new Logger(RevokedJtiMarker.name);
  /** Marks requested while a pipeline is in flight go together in the next one. */
  private readonly pending = new BatchQueue<{ jti: string; expiresAt: number }, void>(
    (entries) => this.markQuietly(entries),
    { max: 500, weight: () => 1 },
  );

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  /**
   * Marks one revoked jti until its token expires. Concurrent calls (one per `/oauth/revoke` under
   * load) share one pipelined round trip. Resolves once it is written, or once writing it failed.
   */
  mark(jti: string, expiresAt: number): Promise<void> {
    return this.pending.submit({ jti, expiresAt });
  }

  private async markQuietly(entries: { jti: string; expiresAt: number }[]): Promise<void[]> {
    try {
      await this.markMany(entries, Math.floor(Date.now() / 1000));
    } catch (error) {
      this.logger.warn(
        `could not mark ${entries.length} revoked jti(s) in Redis: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return entries.map(() => undefined);
  }

  /**
   * Marks many jtis in one round trip (a pipeline, not a transaction: each SET stands alone).
   * Throws when Redis fails, so a rebuild knows it has to run again.
   */
  async markMany(entries: readonly { jti: string; expiresAt: number }[], nowSeconds: number): Promise<void> {
    const pipeline = this.redis.multi();
    let queued = 0;
    for (const { jti, expiresAt } of entries) {
      const ttl = expiresAt - nowSeconds;
      if (ttl <= 0) continue;
      pipeline.set(redisKeys.revokedJti(jti), '1', { expiration: { type: 'EX', value: ttl } });
      queued++;
    }
    if (queued > 0) await pipeline.execAsPipeline();
  }

  /** True while the connection is up. */
  get available(): boolean {
    return this.redis.isReady;
  }

  /**
   * Calls `listener` each time the connection becomes ready again. node-redis emits 'ready' after
   * every (re)connection; the first one happened before this service existed.
   */
  onReconnected(listener: () => void): () => void {
    this.redis.on('ready', listener);
    return () => this.redis.off('ready', listener);
  }
}
