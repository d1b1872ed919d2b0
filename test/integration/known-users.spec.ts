import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSchema } from '@app/persistence';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@app/testing';
import { revocationDatabase } from '../../apps/revocation/src/database/revocation-database';
import { KnownUsersRepository } from '../../apps/revocation/src/registry/known-users.repository';

/**
 * The revocation service's projection of which users exist (for Auth0's 404 "User not found"), on
 * the real PostgreSQL: snapshots of the accounts topic applied in and out of order.
 */
describe('known users on the real PostgreSQL', () => {
  const run = randomUUID().slice(0, 8);
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let users: KnownUsersRepository;
  const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_users_${run}`,
    );
    await migrateSchema(revocationDatabase(database.url));
    dataSource = await new DataSource(revocationDatabase(database.url)).initialize();
    users = new KnownUsersRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('knows a user from its snapshots, and not one it never saw', async () => {
    await users.apply('auth0|a', at(1), false);
    await users.apply('auth0|a', at(2), false);
    expect(await users.existence('auth0|a')).toBe('exists');
    expect(await users.existence('auth0|never')).toBe('unknown');
  });

  it('keeps a deletion against a redelivered or older snapshot', async () => {
    await users.apply('auth0|b', at(1), false);
    await users.apply('auth0|b', at(2), true);
    await users.apply('auth0|b', at(2), false); // the same moment, redelivered
    await users.apply('auth0|b', at(1), false); // older, arriving late
    expect(await users.existence('auth0|b')).toBe('deleted');
  });

  it('takes a deletion that arrives before an older update', async () => {
    await users.apply('auth0|c', at(5), false);
    await users.apply('auth0|c', at(3), true);
    expect(await users.existence('auth0|c')).toBe('deleted');
  });

  it('knows a user recreated after its deletion (an identity unlinked back into a user of its own)', async () => {
    await users.apply('google-oauth2|d', at(1), false);
    await users.apply('google-oauth2|d', at(2), true); // linked into another user
    await users.apply('google-oauth2|d', at(3), false); // unlinked: the same id, created again
    expect(await users.existence('google-oauth2|d')).toBe('exists');
  });
});
