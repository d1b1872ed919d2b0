import { describe, expect, it } from 'vitest';
import { TemporarilyUnavailableError } from '@app/oauth';
import type { AttackProtection } from '../attack-protection/attack-protection.service';
import type { ConnectionsService } from '../connections/connections.service';
import { HashingQueue, type HashingLane } from '../passwords/hashing-queue';
import type { OwnerAddresses } from '../passwords/owner-addresses';
import type { PasswordHasher } from '../passwords/password-hasher';
import type { UserEntity } from '../users/user.entity';
import type { UsersRepository } from '../users/users.repository';
import type { UsersService } from '../users/users.service';
import { PasswordVerificationService } from './password-verification.service';

const OWNER_IP = '203.0.113.7';
const GOOD = 'Correct-Horse-7';

/**
 * The service with in-memory stand-ins: one user (last_ip OWNER_IP), a hasher that records the lane
 * of every check (and never resolves when told to, to keep the queue full), and the real queue.
 */
function service(options: { concurrency?: number; normalQueue?: number; owners?: string[] } = {}) {
  const user = {
    userId: 'auth0|ada',
    blocked: false,
    lastIp: OWNER_IP,
    passwordHash: 'stored',
  } as UserEntity;
  const lookups: string[] = [];
  const users = {
    findByLogin: (_connection: string, login: string) => {
      lookups.push(login);
      return Promise.resolve(login === 'ada@example.test' ? user : null);
    },
    findLinkedIdentityByLogin: () => Promise.resolve(null),
    recordLogin: () => Promise.resolve(),
  } as unknown as UsersRepository;
  const profiles = {
    get: (userId: string) => Promise.resolve({ user_id: userId }),
  } as unknown as UsersService;
  const queue = new HashingQueue({
    concurrency: options.concurrency ?? 1,
    normalQueue: options.normalQueue ?? 0,
    priorityQueue: 1,
    priorityBurst: 4,
  });
  const lanes: HashingLane[] = [];
  let hang = false;
  const hashes = {
    verify: (_stored: string, password: string, lane: HashingLane) => {
      lanes.push(lane);
      return queue.run(lane, () =>
        hang ? new Promise<boolean>(() => {}) : Promise.resolve(password === GOOD),
      );
    },
    verifyDecoy: (password: string) => hashes.verify('decoy', password, 'normal').then(() => false as const),
  };
  const known = new Set(options.owners ?? [OWNER_IP]);
  const owners = { has: (ip: string) => known.has(ip), add: (ip: string) => known.add(ip) };
  const verifications = new PasswordVerificationService(
    users,
    profiles,
    hashes as unknown as PasswordHasher,
    { isEnabledFor: () => Promise.resolve(true) } as unknown as ConnectionsService,
    queue,
    owners as unknown as OwnerAddresses,
    // The brute-force limits are tested on their own (attack-protection specs): here they admit all.
    {
      admit: () => Promise.resolve({}),
      abandoned: () => Promise.resolve(),
      failed: () => Promise.resolve(),
      succeeded: () => Promise.resolve(),
    } as unknown as AttackProtection,
  );
  const attempt = (username: string, password: string, ip?: string) =>
    verifications.verify(
      {
        connection: 'Username-Password-Authentication',
        username,
        password,
        clientId: 'app',
        ...(ip !== undefined ? { ip } : {}),
      },
      { correlationId: 'unit' },
    );
  /** Occupies the queue's only slot with a check that never ends. */
  const fillSlot = async () => {
    hang = true;
    void attempt('ada@example.test', 'wrong', '198.51.100.1').catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    hang = false;
  };
  return { attempt, lanes, lookups, fillSlot };
}

describe('PasswordVerificationService and the hashing lanes', () => {
  it("checks an attempt from the user's last_ip in the priority lane, and any other in the normal lane", async () => {
    const { attempt, lanes } = service();
    await expect(attempt('ada@example.test', GOOD, OWNER_IP)).resolves.toMatchObject({
      user_id: 'auth0|ada',
    });
    await expect(attempt('ada@example.test', GOOD, '198.51.100.1')).resolves.toMatchObject({
      user_id: 'auth0|ada',
    });
    await expect(attempt('ada@example.test', GOOD)).resolves.toMatchObject({ user_id: 'auth0|ada' });
    // An unknown user's decoy, even from the address some user last logged in from.
    await expect(attempt('nobody@example.test', GOOD, OWNER_IP)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(lanes).toEqual(['priority', 'normal', 'normal', 'normal']);
  });

  it('answers a full lane 503 temporarily_unavailable with Retry-After, never a wrong-password answer', async () => {
    const { attempt, fillSlot } = service({ owners: [] });
    await fillSlot();
    const refused = attempt('ada@example.test', GOOD, '198.51.100.2');
    await expect(refused).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
  });

  it('refuses a stranger before the lookup while the normal lane is full, and queues the owner in the priority lane', async () => {
    const { attempt, lookups, lanes, fillSlot } = service();
    await fillSlot();
    lookups.length = 0;
    await expect(attempt('ada@example.test', 'wrong', '198.51.100.3')).rejects.toMatchObject({ status: 503 });
    await expect(attempt('nobody@example.test', 'wrong', '198.51.100.3')).rejects.toMatchObject({
      status: 503,
    });
    await expect(attempt('nobody@example.test', 'wrong')).rejects.toMatchObject({ status: 503 });
    expect(lookups).toEqual([]);
    // The owner's address may be an owner's: looked up, and its check waits in the priority lane.
    const owner = attempt('ada@example.test', GOOD, OWNER_IP);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lookups).toEqual(['ada@example.test']);
    expect(lanes).toEqual(['normal', 'priority']);
    void owner.catch(() => {});
  });
});
