import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { opaqueTokenRecord, redisKeys, type OpaqueTokenRecord } from '@app/contracts';
import { TemporarilyUnavailableError } from '@app/oauth';
import { REDIS, type RedisClient } from '@app/redis';

/** A Redis answer slower than this is treated as Redis being down: the caller retries. */
const LOOKUP_TIMEOUT_MS = 1_000;

/**
 * Reads the shared opaque-token store (libs/contracts `redisKeys.opaqueToken`): the record of a token,
 * found by the SHA-256 of the token (the store never holds tokens). A missing or unparseable record is
 * null — not our token, or no longer live. Redis being unreachable is an error the caller must retry
 * (503 `temporarily_unavailable`), never a "not found": that would report a live token inactive.
 */
@Injectable()
export class OpaqueTokenRepository {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async find(token: string): Promise<OpaqueTokenRecord | null> {
    const key = redisKeys.opaqueToken(createHash('sha256').update(token).digest('hex'));
    const stored = await this.get(key);
    if (stored === null) return null;
    try {
      const parsed = opaqueTokenRecord.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async get(key: string): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('redis lookup timed out')), LOOKUP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.redis.get(key), timeout]);
    } catch {
      throw new TemporarilyUnavailableError('The token store is unavailable; retry shortly');
    } finally {
      clearTimeout(timer);
    }
  }
}
