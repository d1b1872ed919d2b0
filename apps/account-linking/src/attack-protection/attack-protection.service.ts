import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  loginAddressThrottled,
  TOPICS,
  userBlockCreated,
  userBlockDeleted,
  type EventContext,
} from '@app/contracts';
import { OAuthError, TemporarilyUnavailableError, TooManyAttemptsError } from '@app/oauth';
import { Outbox } from '@app/outbox';
import { loginAddress, type AddressAllowlist, type LoginAddress } from './login-address';
import { LoginCounters, type BucketLimits } from './login-counters';
import { UserBlocksRepository, type BlockFilter, type LoginName } from './user-blocks.repository';

/** Auth0's words for a brute-force block (`limit_wc`) and for suspicious-IP throttling (`limit_mu`). */
export const ACCOUNT_BLOCKED = 'Your account has been blocked after multiple consecutive login attempts.';
export const SUSPICIOUS_ADDRESS =
  'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.';

/**
 * How long a run of failures is remembered after its latest one. Auth0 counts "consecutive" failures
 * without naming a window; a key without a TTL would keep every identifier ever tried in Redis.
 */
export const FAILURE_MEMORY_SECONDS = 86_400;

export interface AttackProtectionSettings {
  /** Consecutive failures of one login from one address that block it (TESSERA_BRUTE_FORCE_MAX_ATTEMPTS). */
  readonly maxFailures: number;
  /** The suspicious-IP bucket (TESSERA_SUSPICIOUS_IP_MAX_ATTEMPTS, TESSERA_SUSPICIOUS_IP_RATE_MS). */
  readonly bucket: BucketLimits;
  readonly allowlist: AddressAllowlist;
  /** The clock, in ms (tests move it); absent, `Date.now`, and Redis's own clock for the bucket. */
  readonly now?: () => number;
}
export const ATTACK_PROTECTION_SETTINGS = Symbol('ATTACK_PROTECTION_SETTINGS');

/** Why blocks are lifted: an administrator (the Management API caller's `sub`) or a new password. */
export type Unblocking =
  { readonly reason: 'admin'; readonly by?: string } | { readonly reason: 'password_changed' };

/** A password login about to be checked. */
export interface LoginAttempt {
  readonly connection: string;
  readonly username: string;
  readonly clientId: string;
  readonly ip?: string;
}

/** What `admit` found out, for reporting the attempt's outcome. */
export interface AdmittedLogin {
  readonly login: LoginName;
  readonly address: LoginAddress;
  readonly clientId: string;
  /** False for an allowlisted address: nothing is counted. */
  readonly counted: boolean;
}

/**
 * Auth0's brute-force protection and suspicious-IP throttling for password logins (issue #14 §3):
 * `admit` runs before the password is looked at, so a blocked or throttled login costs no argon2.
 * - per login and address: `maxFailures` consecutive failures of one identifier of a connection
 *   from one address block that address for that identifier (a row in PostgreSQL, `limit_wc`),
 *   until an unblock; a success resets the count. Unknown identifiers count exactly like known ones,
 *   so the answers never tell whether an account exists;
 * - per address, across accounts: a token bucket of failures (`limit_mu` when it runs dry). Every
 *   attempt takes a token before the password check and a success gives it back, so concurrent
 *   requests cannot overdraw it.
 * Redis unreachable: logins are refused with a retryable 503 rather than left unlimited.
 */
@Injectable()
export class AttackProtection {
  private readonly logger = new Logger(AttackProtection.name);

  constructor(
    @Inject(ATTACK_PROTECTION_SETTINGS) private readonly settings: AttackProtectionSettings,
    @Inject(LoginCounters) private readonly counters: LoginCounters,
    @Inject(UserBlocksRepository)
    private readonly blocks: Pick<UserBlocksRepository, 'isBlocked' | 'create' | 'delete'>,
    @Inject(Outbox) private readonly outbox: Pick<Outbox, 'emit'>,
  ) {}

  private now(): number {
    return this.settings.now?.() ?? Date.now();
  }

  /** Refuses a blocked login or a throttled address with `429 too_many_attempts`. */
  async admit(attempt: LoginAttempt, context: EventContext): Promise<AdmittedLogin> {
    const admitted: AdmittedLogin = {
      login: { connection: attempt.connection, identifier: loginIdentifier(attempt.username) },
      address: loginAddress(attempt.ip),
      clientId: attempt.clientId,
      counted: !this.settings.allowlist.includes(loginAddress(attempt.ip)),
    };
    if (!admitted.counted) return admitted;
    if (await this.blocks.isBlocked(admitted.login, admitted.address.key)) {
      throw new TooManyAttemptsError(ACCOUNT_BLOCKED);
    }
    const answer = await this.unlessRedisFails(() =>
      this.counters.takeAttempt(admitted.address.key, this.settings.bucket, this.settings.now?.()),
    );
    if (!answer.allowed) {
      if (answer.firstRefusal) await this.recordThrottling(admitted, context);
      throw new TooManyAttemptsError(SUSPICIOUS_ADDRESS);
    }
    return admitted;
  }

  /**
   * A wrong password or an unknown identifier: one more consecutive failure; at the limit, the
   * block and its `limit_wc` event. `userId` is the account the identifier named, if any.
   */
  async failed(admitted: AdmittedLogin, userId: string | null, context: EventContext): Promise<void> {
    if (!admitted.counted) return;
    const failures = await this.unlessRedisFails(() =>
      this.counters.countFailure(pairHash(admitted.login, admitted.address.key), FAILURE_MEMORY_SECONDS),
    );
    if (failures < this.settings.maxFailures) return;
    const blockedAt = new Date(this.now());
    await this.blocks.create(
      { ...admitted.login, addressKey: admitted.address.key, ip: admitted.address.ip, userId, blockedAt },
      {
        topic: TOPICS.tokensIssued.name,
        key: admitted.address.key,
        event: userBlockCreated.create(
          {
            ...admitted.login,
            ip: admitted.address.ip,
            user_id: userId,
            client_id: admitted.clientId,
            failed_attempts: failures,
            blocked_at: Math.floor(blockedAt.getTime() / 1000),
            log_type: 'limit_wc',
          },
          context,
        ),
      },
    );
  }

  /** A successful login: its consecutive failures are forgotten and its bucket token given back. */
  async succeeded(admitted: AdmittedLogin): Promise<void> {
    if (!admitted.counted) return;
    try {
      await this.counters.clearFailures([pairHash(admitted.login, admitted.address.key)]);
      await this.counters.returnAttempt(admitted.address.key, this.settings.bucket);
    } catch (error) {
      // The login stands; a counter left behind errs on the strict side.
      this.logger.warn(`could not reset login counters: ${String(error)}`);
    }
  }

  /**
   * An attempt that was admitted but never checked (the hashing queue was full: a retryable 503):
   * it neither failed nor succeeded, so it gives its bucket token back and counts nothing.
   */
  async abandoned(admitted: AdmittedLogin): Promise<void> {
    if (!admitted.counted) return;
    try {
      await this.counters.returnAttempt(admitted.address.key, this.settings.bucket);
    } catch (error) {
      this.logger.warn(`could not return a login attempt: ${String(error)}`);
    }
  }

  /**
   * Lifts the blocks the filter names (an unblock, a password change), each with its
   * `user_block.deleted` event, and forgets their failure counts, so an unblocked login starts a new
   * run from zero.
   */
  async unblock(filter: BlockFilter, why: Unblocking, context: EventContext): Promise<void> {
    const deletedAt = Math.floor(this.now() / 1000);
    const deleted = await this.blocks.delete(filter, (blocks) =>
      blocks.map((block) => ({
        topic: TOPICS.tokensIssued.name,
        key: block.addressKey,
        event: userBlockDeleted.create(
          {
            connection: block.connection,
            identifier: block.identifier,
            ip: block.ip,
            user_id: block.userId,
            reason: why.reason,
            deleted_by: why.reason === 'admin' ? (why.by ?? null) : null,
            deleted_at: deletedAt,
          },
          context,
        ),
      })),
    );
    if (deleted.length === 0) return;
    await this.unlessRedisFails(() =>
      this.counters.clearFailures(deleted.map((block) => pairHash(block, block.addressKey))),
    );
  }

  private async recordThrottling(admitted: AdmittedLogin, context: EventContext): Promise<void> {
    const event = loginAddressThrottled.create(
      {
        ip: admitted.address.ip,
        connection: admitted.login.connection,
        client_id: admitted.clientId,
        throttled_at: Math.floor(this.now() / 1000),
        log_type: 'limit_mu',
      },
      context,
    );
    await this.outbox.emit([{ topic: TOPICS.tokensIssued.name, key: admitted.address.key, event }]);
  }

  private async unlessRedisFails<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      this.logger.warn(`login counters unavailable: ${String(error)}`);
      throw new TemporarilyUnavailableError('Login is unavailable; try again shortly');
    }
  }
}

/** The identifier as counted: emails are case-insensitive here, so "Alice@x" and "alice@x" are one. */
export function loginIdentifier(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/** The Redis name of a (connection, identifier, address) pair: a digest, never an email in a key. */
export function pairHash(login: LoginName, addressKey: string): string {
  return createHash('sha256')
    .update(JSON.stringify([login.connection, login.identifier, addressKey]))
    .digest('hex');
}
