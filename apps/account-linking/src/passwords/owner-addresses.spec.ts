import { afterEach, describe, expect, it } from 'vitest';
import type { UsersRepository } from '../users/users.repository';
import { OwnerAddresses } from './owner-addresses';

/** An in-memory stand-in for UsersRepository.lastIps: answers in turn, and records what was asked. */
function usersAnswering(...answers: ({ ips: string[]; newest: Date | null } | Error)[]) {
  const asked: (Date | null)[] = [];
  const users = {
    lastIps(since: Date | null) {
      asked.push(since);
      const answer = answers.shift() ?? { ips: [], newest: null };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as UsersRepository;
  return { users, asked };
}

describe('OwnerAddresses', () => {
  let owners: OwnerAddresses | undefined;
  afterEach(async () => {
    await owners?.beforeApplicationShutdown();
  });

  it('reads every last_ip at start, then only logins since the newest seen (with an overlap)', async () => {
    const newest = new Date('2026-12-03T12:00:00Z');
    const { users, asked } = usersAnswering(
      { ips: ['203.0.113.7', '198.51.100.1'], newest },
      { ips: ['192.0.2.9'], newest: new Date('2026-12-03T12:00:05Z') },
    );
    owners = new OwnerAddresses(users);
    await owners.onApplicationBootstrap();
    expect(owners.has('203.0.113.7')).toBe(true);
    expect(owners.has('192.0.2.9')).toBe(false);
    await owners.refreshOnce();
    expect(asked).toEqual([null, new Date('2026-12-03T11:59:00Z')]);
    expect(['203.0.113.7', '198.51.100.1', '192.0.2.9'].every((ip) => owners!.has(ip))).toBe(true);
  });

  it("knows this instance's own logins at once, before the next read", async () => {
    owners = new OwnerAddresses(usersAnswering({ ips: [], newest: null }).users);
    await owners.onApplicationBootstrap();
    expect(owners.has('203.0.113.8')).toBe(false);
    owners.add('203.0.113.8');
    expect(owners.has('203.0.113.8')).toBe(true);
  });

  it('keeps what it knows when a read fails, and reads again later', async () => {
    const { users, asked } = usersAnswering(
      { ips: ['203.0.113.7'], newest: new Date('2026-12-03T12:00:00Z') },
      new Error('connection refused'),
      { ips: ['192.0.2.9'], newest: new Date('2026-12-03T12:00:10Z') },
    );
    owners = new OwnerAddresses(users);
    await owners.onApplicationBootstrap();
    await owners.refreshOnce();
    expect(owners.has('203.0.113.7')).toBe(true);
    await owners.refreshOnce();
    expect(owners.has('192.0.2.9')).toBe(true);
    expect(asked).toHaveLength(3);
  });
});
