import { Inject, Injectable, Logger } from '@nestjs/common';
import { opaqueTokenRecord, redisKeys, type OpaqueTokenRecord } from '@app/contracts';
import { REDIS, type RedisClient } from '@app/redis';
import { sha256Hex } from '@app/secrets';

/** A stored opaque token, found by the hash of the presented value. */
export interface FoundOpaqueToken {
  readonly hash: string;
  readonly record: OpaqueTokenRecord;
}

/**
 * The shared opaque-token store in Redis (DESIGN §4, layout in libs/contracts): issuance writes a
 * record per opaque token and adds its hash to its grant's set; deleting the record is what makes
 * the token unusable at once (issuance checks it before a refresh, introspection on every call).
 */
@Injectable()
export class OpaqueTokenStore {
  private readonly logger = new Logger(OpaqueTokenStore.name);

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  /** The hash under which a token is stored: SHA-256 hex of its value (never the value itself). */
  static hashOf(token: string): string {
    return sha256Hex(token);
  }

  /** The record of a presented token; null when unknown, expired, or not a record we can read. */
  async find(token: string): Promise<FoundOpaqueToken | null> {
    const hash = OpaqueTokenStore.hashOf(token);
    const stored = await this.redis.get(redisKeys.opaqueToken(hash));
    if (stored === null) return null;
    const parsed = opaqueTokenRecord.safeParse(safeJson(stored));
    if (!parsed.success) {
      this.logger.warn(`unreadable opaque-token record ${hash.slice(0, 8)}…`);
      return null;
    }
    return { hash, record: parsed.data };
  }

  /** Deletes one token (and its membership of its grant's set). */
  async delete(found: FoundOpaqueToken): Promise<void> {
    await this.redis
      .multi()
      .del(redisKeys.opaqueToken(found.hash))
      .sRem(redisKeys.grantOpaqueTokens(found.record.grant_id), found.hash)
      .exec();
  }

  /** Deletes every opaque token of these grants, and the grants' sets. Returns how many were stored. */
  async deleteGrants(grantIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const grantId of grantIds) {
      const setKey = redisKeys.grantOpaqueTokens(grantId);
      const hashes = await this.redis.sMembers(setKey);
      const keys = hashes.map((hash) => redisKeys.opaqueToken(hash));
      if (keys.length > 0) deleted += await this.redis.del(keys);
      // Only the members read above: a hash added meanwhile stays in the set for the next purge.
      if (hashes.length > 0) await this.redis.sRem(setKey, hashes);
    }
    return deleted;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
