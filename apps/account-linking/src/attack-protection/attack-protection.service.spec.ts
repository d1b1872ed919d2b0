import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '@app/outbox';
import { TemporarilyUnavailableError, TooManyAttemptsError } from '@app/oauth';
import {
  ACCOUNT_BLOCKED,
  AttackProtection,
  SUSPICIOUS_ADDRESS,
  type AttackProtectionSettings,
  type LoginAttempt,
} from './attack-protection.service';
import { AddressAllowlist } from './login-address';
import { LoginCounters, type BucketAnswer, type BucketLimits } from './login-counters';
import type { UserBlockEntity } from './user-block.entity';
import type { BlockFilter, LoginName, UserBlocksRepository } from './user-blocks.repository';

/** Counters in memory: the failure counts as Redis keeps them; the bucket as many tokens as set. */
class MemoryCounters extends LoginCounters {
  readonly failures = new Map<string, number>();
  tokens = new Map<string, number>();
  refused = new Set<string>();
  broken = false;

  takeAttempt(addressKey: string, limits: BucketLimits): Promise<BucketAnswer> {
    if (this.broken) return Promise.reject(new Error('ECONNREFUSED'));
    const tokens = this.tokens.get(addressKey) ?? limits.capacity;
    if (tokens >= 1) {
      this.tokens.set(addressKey, tokens - 1);
      this.refused.delete(addressKey);
      return Promise.resolve({ allowed: true, firstRefusal: false });
    }
    const firstRefusal = !this.refused.has(addressKey);
    this.refused.add(addressKey);
    return Promise.resolve({ allowed: false, firstRefusal });
  }

  returnAttempt(addressKey: string, limits: BucketLimits): Promise<void> {
    this.tokens.set(addressKey, Math.min(limits.capacity, (this.tokens.get(addressKey) ?? 0) + 1));
    return Promise.resolve();
  }

  countFailure(pairHash: string): Promise<number> {
    if (this.broken) return Promise.reject(new Error('ECONNREFUSED'));
    const count = (this.failures.get(pairHash) ?? 0) + 1;
    this.failures.set(pairHash, count);
    return Promise.resolve(count);
  }

  clearFailures(pairHashes: readonly string[]): Promise<void> {
    for (const hash of pairHashes) this.failures.delete(hash);
    return Promise.resolve();
  }
}

class MemoryBlocks implements Pick<UserBlocksRepository, 'isBlocked' | 'create' | 'delete'> {
  readonly rows: UserBlockEntity[] = [];
  readonly events: OutboxEvent[] = [];

  isBlocked(login: LoginName, addressKey: string): Promise<boolean> {
    return Promise.resolve(this.rows.some((row) => same(row, login) && row.addressKey === addressKey));
  }

  create(block: UserBlockEntity, event: OutboxEvent): Promise<boolean> {
    if (this.rows.some((row) => same(row, block) && row.addressKey === block.addressKey)) {
      return Promise.resolve(false);
    }
    this.rows.push(block);
    this.events.push(event);
    return Promise.resolve(true);
  }

  readonly deletions: OutboxEvent[] = [];

  delete(
    filter: BlockFilter,
    eventsFor: (deleted: readonly UserBlockEntity[]) => OutboxEvent[],
  ): Promise<UserBlockEntity[]> {
    const matches = (row: UserBlockEntity) =>
      'identifier' in filter
        ? row.identifier === filter.identifier
        : filter.logins.some((login) => same(row, login));
    const deleted = this.rows.filter(matches);
    this.rows.splice(0, this.rows.length, ...this.rows.filter((row) => !matches(row)));
    this.deletions.push(...eventsFor(deleted));
    return Promise.resolve(deleted);
  }
}

const same = (a: LoginName, b: LoginName) => a.connection === b.connection && a.identifier === b.identifier;

function setup(overrides: Partial<AttackProtectionSettings> = {}) {
  const counters = new MemoryCounters();
  const blocks = new MemoryBlocks();
  const emitted: OutboxEvent[] = [];
  const settings: AttackProtectionSettings = {
    maxFailures: 3,
    bucket: { capacity: 5, refillMs: 60_000 },
    allowlist: new AddressAllowlist(['10.0.0.0/8']),
    now: () => 1_800_000_000_000,
    ...overrides,
  };
  const protection = new AttackProtection(settings, counters, blocks, {
    emit: (events) => {
      emitted.push(...events);
      return Promise.resolve();
    },
  });
  return { protection, counters, blocks, emitted };
}

const context = { correlationId: 'test' };
const attempt = (ip: string, username = 'Alice@Example.test'): LoginAttempt => ({
  connection: 'Username-Password-Authentication',
  username,
  clientId: 'app-1',
  ip,
});
/** One failed login, as PasswordVerificationService reports it. */
async function fail(protection: AttackProtection, login: LoginAttempt, userId: string | null = 'auth0|1') {
  await protection.failed(await protection.admit(login, context), userId, context);
}
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('AttackProtection: brute-force protection per login and address', () => {
  it('blocks the address for that login at the limit, once, with a limit_wc event', async () => {
    const { protection, blocks } = setup();
    for (let i = 0; i < 3; i++) await fail(protection, attempt('198.18.0.1'));

    const refused = await refusal(protection.admit(attempt('198.18.0.1', 'alice@example.TEST'), context));
    expect(refused).toBeInstanceOf(TooManyAttemptsError);
    expect(refused).toMatchObject({ status: 429, error: 'too_many_attempts', description: ACCOUNT_BLOCKED });
    expect(blocks.rows).toEqual([
      {
        connection: 'Username-Password-Authentication',
        identifier: 'alice@example.test',
        addressKey: '198.18.0.1',
        ip: '198.18.0.1',
        userId: 'auth0|1',
        blockedAt: new Date(1_800_000_000_000),
      },
    ]);
    expect(blocks.events).toHaveLength(1);
    expect(blocks.events[0]).toMatchObject({
      key: '198.18.0.1',
      event: {
        type: 'user_block.created',
        payload: {
          identifier: 'alice@example.test',
          failed_attempts: 3,
          log_type: 'limit_wc',
          client_id: 'app-1',
        },
      },
    });
    // Another address, and another login from the same address, are not blocked.
    await expect(protection.admit(attempt('198.18.0.2'), context)).resolves.toBeDefined();
    await expect(protection.admit(attempt('198.18.0.1', 'bob@example.test'), context)).resolves.toBeDefined();
  });

  it('a success resets the run: the limit counts consecutive failures', async () => {
    const { protection, blocks } = setup();
    for (let i = 0; i < 2; i++) await fail(protection, attempt('198.18.0.1'));
    await protection.succeeded(await protection.admit(attempt('198.18.0.1'), context));
    for (let i = 0; i < 2; i++) await fail(protection, attempt('198.18.0.1'));
    expect(blocks.rows).toEqual([]);
    await fail(protection, attempt('198.18.0.1'));
    expect(blocks.rows).toHaveLength(1);
  });

  it('counts an unknown identifier like an account, and an IPv6 /64 as one address', async () => {
    const { protection, blocks } = setup();
    await fail(protection, attempt('2001:db8:1:2::1', 'nobody'), null);
    await fail(protection, attempt('2001:db8:1:2::2', 'nobody'), null);
    await fail(protection, attempt('2001:db8:1:2:ffff::3', 'nobody'), null);
    expect(blocks.rows).toMatchObject([
      { identifier: 'nobody', addressKey: '2001:db8:1:2::/64', userId: null },
    ]);
    expect(await refusal(protection.admit(attempt('2001:db8:1:2::9', 'nobody'), context))).toBeInstanceOf(
      TooManyAttemptsError,
    );
  });

  it('an unblock deletes the blocks it names and their counts: a new run starts from zero', async () => {
    const { protection, counters, blocks } = setup();
    for (let i = 0; i < 3; i++) await fail(protection, attempt('198.18.0.1'));
    for (let i = 0; i < 3; i++) await fail(protection, attempt('198.18.0.2', 'bob'));
    await protection.unblock(
      { identifier: 'alice@example.test' },
      { reason: 'admin', by: 'admin@clients' },
      context,
    );
    expect(blocks.rows.map((row) => row.identifier)).toEqual(['bob']);
    expect(blocks.deletions).toMatchObject([
      {
        key: '198.18.0.1',
        event: {
          type: 'user_block.deleted',
          payload: {
            identifier: 'alice@example.test',
            ip: '198.18.0.1',
            reason: 'admin',
            deleted_by: 'admin@clients',
          },
        },
      },
    ]);
    expect(counters.failures.size).toBe(1);
    await fail(protection, attempt('198.18.0.1'));
    await expect(protection.admit(attempt('198.18.0.1'), context)).resolves.toBeDefined();
    await protection.unblock(
      { logins: [{ connection: 'Username-Password-Authentication', identifier: 'bob' }] },
      { reason: 'password_changed' },
      context,
    );
    expect(blocks.deletions[1]).toMatchObject({
      event: { payload: { reason: 'password_changed', deleted_by: null } },
    });
    expect(blocks.rows).toEqual([]);
  });

  it('counts nothing for an allowlisted address', async () => {
    const { protection, counters, blocks } = setup();
    for (let i = 0; i < 10; i++) await fail(protection, attempt('10.1.2.3'));
    expect(blocks.rows).toEqual([]);
    expect(counters.failures.size).toBe(0);
    expect(counters.tokens.size).toBe(0);
  });
});

describe('AttackProtection: suspicious-IP throttling', () => {
  it('refuses an address whose bucket is empty, for any login, and records limit_mu once', async () => {
    const { protection, emitted } = setup({ maxFailures: 100 });
    for (let i = 0; i < 5; i++) await fail(protection, attempt('198.18.0.1', `user-${i}`));

    for (const username of ['someone-else', 'alice@example.test']) {
      const refused = await refusal(protection.admit(attempt('198.18.0.1', username), context));
      expect(refused).toMatchObject({
        status: 429,
        error: 'too_many_attempts',
        description: SUSPICIOUS_ADDRESS,
      });
    }
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      key: '198.18.0.1',
      event: { type: 'login_address.throttled', payload: { ip: '198.18.0.1', log_type: 'limit_mu' } },
    });
    await expect(protection.admit(attempt('198.18.0.2'), context)).resolves.toBeDefined();
  });

  it('only failures spend the bucket: a success gives its token back', async () => {
    const { protection, counters } = setup({ maxFailures: 100 });
    for (let i = 0; i < 20; i++)
      await protection.succeeded(await protection.admit(attempt('198.18.0.1'), context));
    expect(counters.tokens.get('198.18.0.1')).toBe(5);
  });

  it('an attempt abandoned unchecked (a full hashing queue) gives its token back and counts no failure', async () => {
    const { protection, counters } = setup({ maxFailures: 2 });
    for (let i = 0; i < 20; i++)
      await protection.abandoned(await protection.admit(attempt('198.18.0.1'), context));
    expect(counters.tokens.get('198.18.0.1')).toBe(5);
    await expect(protection.admit(attempt('198.18.0.1'), context)).resolves.toBeDefined();
  });

  it('answers 503 while the counters are unreachable, rather than leaving logins unlimited', async () => {
    const { protection, counters } = setup();
    counters.broken = true;
    expect(await refusal(protection.admit(attempt('198.18.0.1'), context))).toBeInstanceOf(
      TemporarilyUnavailableError,
    );
  });
});
