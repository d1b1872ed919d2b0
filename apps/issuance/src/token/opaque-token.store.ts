import { Inject, Injectable } from '@nestjs/common';
import { opaqueTokenRecord, redisKeys, type OpaqueTokenRecord } from '@app/contracts';
import { TemporarilyUnavailableError } from '@app/oauth';
import { REDIS, type RedisClient } from '@app/redis';
import { randomToken, sha256Hex } from '@app/secrets';

/**
 * Issuance's side of the shared opaque-token store (DESIGN §4, `libs/contracts/src/redis-keys.ts`):
 * opaque access tokens and refresh tokens are random strings whose SHA-256 keys their metadata.
 * Introspection reads these records; revocation deletes them; so a deleted record is a dead token.
 */
@Injectable()
export class OpaqueTokenStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  /** A new opaque token value: 256 random bits, base64url. */
  static newToken(): string {
    return randomToken(32);
  }

  static hashOf(token: string): string {
    return sha256Hex(token);
  }

  /**
   * Stores the record until `expiresAt` (epoch seconds) and adds it to its grant's set, so a grant
   * revocation finds it. Fails with 503 when Redis is down: a token nobody can look up is useless.
   */
  async put(tokenHash: string, record: OpaqueTokenRecord, grantExpiresAt: number | null): Promise<void> {
    const ttl = Math.max(1, record.exp - Math.floor(Date.now() / 1000));
    const grantKey = redisKeys.grantOpaqueTokens(record.grant_id);
    try {
      const multi = this.redis
        .multi()
        .set(redisKeys.opaqueToken(tokenHash), JSON.stringify(record), { EX: ttl })
        .sAdd(grantKey, tokenHash);
      if (grantExpiresAt === null) {
        multi.persist(grantKey);
      } else {
        // NX gives a new set its expiry (GT alone treats "no expiry" as infinite and never sets one);
        // GT then only ever extends it.
        const until = Math.max(grantExpiresAt, record.exp);
        multi.expireAt(grantKey, until, 'NX').expireAt(grantKey, until, 'GT');
      }
      await multi.exec();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Whether the record still exists: revocation deletes it before `/oauth/revoke` answers. */
  async exists(tokenHash: string): Promise<boolean> {
    try {
      return (await this.redis.exists(redisKeys.opaqueToken(tokenHash))) === 1;
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Keeps the record only `seconds` more (0 = forget it now). */
  async expireAfter(tokenHash: string, seconds: number): Promise<void> {
    try {
      if (seconds <= 0) await this.redis.del(redisKeys.opaqueToken(tokenHash));
      else await this.redis.expire(redisKeys.opaqueToken(tokenHash), seconds);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * Moves the record's expiry, in its `exp` (what introspection reports) and its TTL alike: a
   * non-rotating refresh token's idle lifetime restarted. `XX`: a record revoked meanwhile stays gone.
   */
  async extendTo(tokenHash: string, epochSeconds: number): Promise<void> {
    const key = redisKeys.opaqueToken(tokenHash);
    try {
      const stored = await this.redis.get(key);
      const record = stored === null ? null : opaqueTokenRecord.safeParse(JSON.parse(stored));
      if (!record?.success) return;
      const ttl = Math.max(1, epochSeconds - Math.floor(Date.now() / 1000));
      await this.redis.set(key, JSON.stringify({ ...record.data, exp: epochSeconds }), { EX: ttl, XX: true });
    } catch (error) {
      throw unavailable(error);
    }
  }

  async delete(tokenHash: string): Promise<void> {
    try {
      await this.redis.del(redisKeys.opaqueToken(tokenHash));
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Deletes every opaque token of a grant (refresh-token reuse): the whole family dies at once. */
  async deleteGrant(grantId: string): Promise<void> {
    const grantKey = redisKeys.grantOpaqueTokens(grantId);
    try {
      const hashes = await this.redis.sMembers(grantKey);
      await this.redis.del([grantKey, ...hashes.map((hash) => redisKeys.opaqueToken(hash))]);
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/**
 * Redis failures become a retryable 503 (`Retry-After`), never a 500 or a half-issued token. The
 * cause stays in the logs' stack, not in the answer.
 */
function unavailable(cause: unknown): TemporarilyUnavailableError {
  return Object.assign(new TemporarilyUnavailableError('The token store is unavailable; try again shortly'), {
    cause,
  });
}
