import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSchema } from '@app/persistence';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@app/testing';
import { accountLinkingDatabase } from '../../apps/account-linking/src/database/account-linking-database';
import { OwnerAddresses } from '../../apps/account-linking/src/passwords/owner-addresses';
import type { UserEntity } from '../../apps/account-linking/src/users/user.entity';
import { UsersRepository } from '../../apps/account-linking/src/users/users.repository';

/**
 * The owners' addresses the hashing queue recognises (docs/adr/0013) as PostgreSQL gives them:
 * `recordLogin` writes `last_ip`, `lastIps` reads them back (all, or since a login time), and an
 * OwnerAddresses instance started on the database knows them.
 */
describe('users.last_ip and the owner addresses read from it', () => {
  const run = randomUUID().slice(0, 8);
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let users: UsersRepository;

  const newUser = async (name: string): Promise<string> => {
    const now = new Date();
    const user: UserEntity = {
      userId: `auth0|${name}-${run}`,
      connection: 'Username-Password-Authentication',
      email: `${name}-${run}@example.test`,
      emailVerified: false,
      username: null,
      name: null,
      nickname: null,
      picture: null,
      givenName: null,
      familyName: null,
      passwordHash: null,
      blocked: false,
      userMetadata: {},
      appMetadata: {},
      lastLogin: null,
      lastIp: null,
      loginsCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await users.insertUser(dataSource.manager, user);
    return user.userId;
  };

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_owners_${run}`,
    );
    await migrateSchema(accountLinkingDatabase(database.url));
    dataSource = await new DataSource(accountLinkingDatabase(database.url)).initialize();
    users = new UsersRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('records last_ip with each login, and reads the addresses of all logins or of those since a time', async () => {
    const ada = await newUser('ada');
    const bob = await newUser('bob');
    const carol = await newUser('carol');
    await users.recordLogin(ada, new Date('2026-12-01T10:00:00Z'), '203.0.113.1');
    await users.recordLogin(bob, new Date('2026-12-02T10:00:00Z'), '203.0.113.2');
    // A login whose address was unknown keeps the user's previous one.
    await users.recordLogin(bob, new Date('2026-12-02T11:00:00Z'));
    await users.recordLogin(carol, new Date('2026-12-03T10:00:00Z'), '203.0.113.2');

    expect((await users.findById(bob))?.lastIp).toBe('203.0.113.2');
    expect((await users.findById(bob))?.loginsCount).toBe(2);
    const all = await users.lastIps(null);
    expect(all.ips.sort()).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(all.newest).toEqual(new Date('2026-12-03T10:00:00Z'));
    const recent = await users.lastIps(new Date('2026-12-02T12:00:00Z'));
    expect(recent).toEqual({ ips: ['203.0.113.2'], newest: new Date('2026-12-03T10:00:00Z') });
    expect(await users.lastIps(new Date('2026-12-04T00:00:00Z'))).toEqual({ ips: [], newest: null });
  });

  it('starts an OwnerAddresses instance that knows every last_ip in the database', async () => {
    const owners = new OwnerAddresses(users);
    await owners.onApplicationBootstrap();
    try {
      expect(owners.has('203.0.113.1')).toBe(true);
      expect(owners.has('203.0.113.2')).toBe(true);
      expect(owners.has('198.51.100.1')).toBe(false);
    } finally {
      await owners.beforeApplicationShutdown();
    }
  });
});
