import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, revocationKey, type RevocationPayload } from '@app/contracts';
import { AccessTokenVerifier, VerificationKeySet } from '@app/jwt';
import { EventPublisher } from '@app/kafka';
import { Metrics } from '@app/metrics';
import { Outbox, OutboxWriter } from '@app/outbox';
import { migrateSchema } from '@app/persistence';
import type { RedisClient } from '@app/redis';
import { createThrowawayDatabase, eventually, type ThrowawayDatabase, testKafka } from '@app/testing';
import {
  REVOCATION_SCHEMA,
  revocationDatabase,
} from '../../apps/revocation/src/database/revocation-database';
import { RevocationMetrics } from '../../apps/revocation/src/revocations/revocation-metrics';
import { RevocationsRepository } from '../../apps/revocation/src/revocations/revocations.repository';
import { RevocationsService } from '../../apps/revocation/src/revocations/revocations.service';
import { RevokedJtiMarker } from '../../apps/revocation/src/revocations/revoked-jti-marker';
import { RevokedJtiRebuilder } from '../../apps/revocation/src/revocations/revoked-jti-rebuilder';

/**
 * The revocation list on the real PostgreSQL and Redis (DESIGN §4–5): one record per target, a
 * not-before that only moves forward with one outbox event per move, and the Redis fast-lookup set
 * of revoked jtis rebuilt from PostgreSQL at start and after Redis drops the connection.
 * Redis is shared with other stacks on this machine: the tests touch only the keys of their own jtis.
 */
describe('revocation list on the real PostgreSQL and Redis', () => {
  const run = randomUUID().slice(0, 8);
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let redis: RedisClient;
  let redisAdmin: RedisClient;
  let repository: RevocationsRepository;
  let service: RevocationsService;
  const publisher = new EventPublisher(testKafka('itest-rev'));

  const redisClient = (): RedisClient =>
    createClient({
      url: 'redis://127.0.0.1:6379',
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
    });

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_rev_${run}`,
    );
    await migrateSchema(revocationDatabase(database.url));
    dataSource = await new DataSource(revocationDatabase(database.url)).initialize();
    redis = redisClient();
    redis.on('error', () => undefined);
    redisAdmin = redisClient();
    await Promise.all([redis.connect(), redisAdmin.connect()]);
    repository = new RevocationsRepository(dataSource);
    // The relay is never started: the outbox table itself shows what would be published.
    const outbox = new Outbox(dataSource, publisher, REVOCATION_SCHEMA);
    const verifier = new AccessTokenVerifier(new VerificationKeySet(), null, { issuer: 'https://itest/' });
    service = new RevocationsService(
      verifier,
      repository,
      outbox,
      new RevokedJtiMarker(redis),
      new RevocationMetrics(new Metrics()),
    );
  });

  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    await redisAdmin?.quit().catch(() => undefined);
    await dataSource?.destroy();
    await database?.drop();
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function revocation(
    target: RevocationPayload['target'],
    expiresAt: number | null = null,
  ): RevocationPayload {
    return {
      target,
      expires_at: expiresAt,
      reason: 'admin',
      revoked_by: { kind: 'admin', sub: 'itest@clients' },
      revoked_at: new Date().toISOString(),
    };
  }

  async function outboxNotBefores(key: string): Promise<number[]> {
    const rows = await dataSource.query<{ value: string }[]>(
      `SELECT "value" FROM "${REVOCATION_SCHEMA}"."outbox" WHERE "key" = $1 ORDER BY "seq"`,
      [key],
    );
    return rows.map(
      (row) =>
        (JSON.parse(row.value) as { payload: { target: { not_before: number } } }).payload.target.not_before,
    );
  }

  const context = { correlationId: `itest-${run}` };

  it('records a jti once: a repeat stores nothing and emits nothing', async () => {
    const jti = `itest-${run}-once`;
    const payload = revocation({ kind: 'jti', jti }, nowSeconds() + 600);
    await service.record(payload, context);
    await service.record({ ...payload, revoked_at: new Date(Date.now() + 1000).toISOString() }, context);
    const rows = await dataSource.query<unknown[]>(
      `SELECT 1 FROM "${REVOCATION_SCHEMA}"."revocations" WHERE "target_key" = $1`,
      [`jti:${jti}`],
    );
    expect(rows).toHaveLength(1);
    const events = await dataSource.query<unknown[]>(
      `SELECT 1 FROM "${REVOCATION_SCHEMA}"."outbox" WHERE "key" = $1`,
      [`jti:${jti}`],
    );
    expect(events).toHaveLength(1);
  });

  it('moves a not-before forward only, with one event per move', async () => {
    const clientId = `itest-${run}-client`;
    const at = (notBefore: number) =>
      revocation({ kind: 'client', client_id: clientId, not_before: notBefore });

    expect((await service.record(at(1000), context)).target).toMatchObject({ not_before: 1000 });
    // Equal and earlier: no-ops that answer the not-before in force.
    expect((await service.record(at(1000), context)).target).toMatchObject({ not_before: 1000 });
    expect((await service.record(at(500), context)).target).toMatchObject({ not_before: 1000 });
    // Later: replaces it.
    expect((await service.record(at(2000), context)).target).toMatchObject({ not_before: 2000 });
    expect((await service.record(at(1500), context)).target).toMatchObject({ not_before: 2000 });

    expect(await outboxNotBefores(`client:${clientId}`)).toEqual([1000, 2000]);
    const stored = await dataSource.query<{ payload: RevocationPayload }[]>(
      `SELECT "payload" FROM "${REVOCATION_SCHEMA}"."revocations" WHERE "target_key" = $1`,
      [`client:${clientId}`],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.payload.target).toEqual({ kind: 'client', client_id: clientId, not_before: 2000 });
  });

  it('lets exactly one of many concurrent identical not-befores through, and the latest of different ones win', async () => {
    const sub = `itest-${run}-user@clients`;
    const at = (notBefore: number) => revocation({ kind: 'subject', sub, not_before: notBefore });

    await Promise.all(Array.from({ length: 10 }, () => service.record(at(3000), context)));
    expect(await outboxNotBefores(`sub:${sub}`)).toEqual([3000]);

    // Ten different ones at once: whatever the commit order, the events only ever move forward and
    // the latest one is what stays.
    await Promise.all(Array.from({ length: 10 }, (_, index) => service.record(at(4000 + index), context)));
    const emitted = await outboxNotBefores(`sub:${sub}`);
    expect(emitted.at(-1)).toBe(4009);
    expect([...emitted].sort((a, b) => a - b)).toEqual(emitted);
    expect(new Set(emitted).size).toBe(emitted.length);
  });

  it('stores a batch in one statement with the rules of one: repeats, not-befores, a target named twice', async () => {
    const jti = `itest-${run}-batch`;
    const clientId = `itest-${run}-batch-client`;
    const client = (notBefore: number) =>
      revocation({ kind: 'client', client_id: clientId, not_before: notBefore });
    await repository.store(dataSource.manager, client(1000));

    const results = await dataSource.transaction((manager) =>
      repository.storeMany(manager, [
        revocation({ kind: 'jti', jti }, nowSeconds() + 600),
        client(900), // earlier than the one in force: unchanged, answers 1000
        revocation({ kind: 'jti', jti }, nowSeconds() + 600), // named twice in the batch
        client(1100),
        client(1200),
      ]),
    );
    // The first mention of a target is upserted in the statement; its repeats follow one by one, in order.
    expect(results.map((result) => result.changed)).toEqual([true, false, false, true, true]);
    expect(results[1]!.inForce.target).toMatchObject({ not_before: 1000 });
    expect(results[2]!.inForce.target).toEqual({ kind: 'jti', jti });
    expect(results[3]!.inForce.target).toMatchObject({ not_before: 1100 });
    const stored = await dataSource.query<{ payload: RevocationPayload }[]>(
      `SELECT "payload" FROM "${REVOCATION_SCHEMA}"."revocations" WHERE "target_key" = $1`,
      [`client:${clientId}`],
    );
    expect(stored[0]!.payload.target).toMatchObject({ not_before: 1200 });
  });

  it('stores a batch and the events of what changed in one statement, without a transaction block', async () => {
    const jti = `itest-${run}-statement`;
    const clientId = `itest-${run}-statement-client`;
    const client = (notBefore: number) =>
      revocation({ kind: 'client', client_id: clientId, not_before: notBefore });
    await repository.store(dataSource.manager, client(1000));
    const withEvent = (payload: RevocationPayload) => ({
      payload,
      event: {
        topic: 'tessera.tokens.revoked.v1',
        key: revocationKey(payload.target),
        event: { id: randomUUID(), payload },
      },
    });

    const { results, appended } = await repository.storeManyWithEvents(
      dataSource.manager,
      [
        withEvent(revocation({ kind: 'jti', jti }, nowSeconds() + 600)),
        withEvent(client(900)), // earlier than the one in force: unchanged, no event
        withEvent(revocation({ kind: 'jti', jti }, nowSeconds() + 600)), // named twice: no second event
        withEvent(client(1100)),
        withEvent(client(1200)), // the repeat of a later not-before: stored after the first, with its event
      ],
      new OutboxWriter(REVOCATION_SCHEMA),
    );
    expect(appended).toBe(true);
    expect(results.map((result) => result.changed)).toEqual([true, false, false, true, true]);
    expect(results[1]!.inForce.target).toMatchObject({ not_before: 1000 });
    expect(await outboxNotBefores(`client:${clientId}`)).toEqual([1100, 1200]);
    const jtiEvents = await dataSource.query<unknown[]>(
      `SELECT 1 FROM "${REVOCATION_SCHEMA}"."outbox" WHERE "key" = $1`,
      [`jti:${jti}`],
    );
    expect(jtiEvents).toHaveLength(1);

    const repeat = await repository.storeManyWithEvents(
      dataSource.manager,
      [withEvent(revocation({ kind: 'jti', jti }, nowSeconds() + 600))],
      new OutboxWriter(REVOCATION_SCHEMA),
    );
    expect(repeat).toMatchObject({ appended: false, results: [{ changed: false }] });
  });

  describe('the Redis fast-lookup set of revoked jtis', () => {
    const COUNT = 5000;
    const jtiOf = (index: number) => `itest-${run}-live-${index}`;
    const keys = Array.from({ length: COUNT }, (_, index) => redisKeys.revokedJti(jtiOf(index)));
    const expiredKey = redisKeys.revokedJti(`itest-${run}-expired`);
    let rebuilder: RevokedJtiRebuilder;

    const presentKeys = async () => redisAdmin.exists(keys);

    beforeAll(async () => {
      // Stored as the service stores them, in bulk (COUNT calls through the service would only be slower).
      const expiresAt = nowSeconds() + 300;
      await dataSource.query(
        `INSERT INTO "${REVOCATION_SCHEMA}"."revocations" ("target_key", "kind", "payload", "expires_at", "revoked_at")
         SELECT 'jti:' || j, 'jti', jsonb_build_object('target', jsonb_build_object('kind', 'jti', 'jti', j)), $2, now()
         FROM (SELECT $1 || n AS j FROM generate_series(0, $3 - 1) AS n) AS jtis`,
        [`itest-${run}-live-`, expiresAt, COUNT],
      );
      await repository.store(
        dataSource.manager,
        revocation({ kind: 'jti', jti: `itest-${run}-expired` }, nowSeconds() - 1),
      );
      rebuilder = new RevokedJtiRebuilder(repository, new RevokedJtiMarker(redis));
    });

    afterAll(async () => {
      await rebuilder?.beforeApplicationShutdown();
      for (let start = 0; start < keys.length; start += 1000)
        await redisAdmin.del(keys.slice(start, start + 1000));
    });

    it('is rebuilt from PostgreSQL at start, with each key expiring with its token', async () => {
      await redisAdmin.del(keys.slice(0, 1000));
      const startedAt = performance.now();
      rebuilder.onApplicationBootstrap();
      expect(await eventually(async () => (await presentKeys()) === COUNT, 10_000, 10)).toBe(true);
      const elapsedMs = performance.now() - startedAt;
      console.log(`rebuilt ${COUNT} revoked jtis in Redis in ${elapsedMs.toFixed(0)} ms`);

      expect(await presentKeys()).toBe(COUNT);
      expect(await redisAdmin.exists(expiredKey)).toBe(0);
      const ttl = await redisAdmin.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(290);
      expect(ttl).toBeLessThanOrEqual(300);
    });

    it('is rebuilt when the connection to Redis comes back', async () => {
      for (let start = 0; start < keys.length; start += 1000)
        await redisAdmin.del(keys.slice(start, start + 1000));
      expect(await presentKeys()).toBe(0);

      // Drop the rebuilder's connection as a Redis restart would; node-redis reconnects and says 'ready'.
      const connectionId = await redis.clientId();
      await redisAdmin.clientKill({ filter: 'ID', id: connectionId });
      expect(await eventually(async () => (await presentKeys()) === COUNT, 10_000, 100)).toBe(true);
      expect(await redis.clientId()).not.toBe(connectionId);
    });
  });
});
