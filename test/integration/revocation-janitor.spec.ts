import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationKey, TOPICS, type RevocationPayload } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { migrateSchema } from '@app/persistence';
import { createThrowawayDatabase, eventually, type ThrowawayDatabase, testKafka } from '@app/testing';
import type { RevocationConfig } from '../../apps/revocation/src/config/revocation.config';
import { revocationDatabase } from '../../apps/revocation/src/database/revocation-database';
import { ExpiredRevocationsRepository } from '../../apps/revocation/src/janitor/expired-revocations.repository';
import { RevocationJanitor } from '../../apps/revocation/src/janitor/revocation-janitor';
import { RevocationsRepository } from '../../apps/revocation/src/revocations/revocations.repository';

/**
 * Revocation's janitor on the real PostgreSQL and Kafka (issue #15 §2): an expired revocation gets a
 * tombstone on `tessera.tokens.revoked.v1`, a live one and a not-before do not, and a janitor started
 * afresh on the same database tombstones only what is still left. The keys are this run's own, so the
 * tombstones it writes on the shared topic remove nothing of anyone else's.
 */
describe('revocation janitor on the real PostgreSQL and Kafka', () => {
  const run = randomUUID().slice(0, 8);
  const kafka = testKafka('itest-janitor');
  const publisher = new EventPublisher(kafka);
  const config = {
    TESSERA_REVOCATION_TOMBSTONE_SKEW_SECONDS: 300,
    TESSERA_REVOCATION_JANITOR_INTERVAL_SECONDS: 3600,
  } as RevocationConfig;
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let consumer: Consumer;
  /** Records with this run's keys seen on the topic since the test started: key → values. */
  const seen = new Map<string, (string | null)[]>();

  const now = () => Math.floor(Date.now() / 1000);
  const revocation = (target: RevocationPayload['target'], expiresAt: number | null): RevocationPayload => ({
    target,
    expires_at: expiresAt,
    reason: 'admin',
    revoked_by: { kind: 'admin', sub: 'itest@clients' },
    revoked_at: new Date().toISOString(),
  });
  const janitor = () =>
    new RevocationJanitor(dataSource, new ExpiredRevocationsRepository(), publisher, config);
  const store = (payloads: RevocationPayload[]) =>
    dataSource.transaction((manager) => new RevocationsRepository(dataSource).storeMany(manager, payloads));

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_janitor_${run}`,
    );
    await migrateSchema(revocationDatabase(database.url));
    dataSource = await new DataSource(revocationDatabase(database.url)).initialize();
    // Read the topic from its current end: only what this test writes matters.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.tokensRevoked.name);
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: `itest-janitor-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.tokensRevoked.name, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (key.includes(run)) seen.set(key, [...(seen.get(key) ?? []), message.value?.toString() ?? null]);
        return Promise.resolve();
      },
    });
    for (const { partition, offset } of ends)
      consumer.seek({ topic: TOPICS.tokensRevoked.name, partition, offset });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await publisher.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('tombstones expired revocations only, and a restarted janitor only what is left', async () => {
    const expiredJti = revocation({ kind: 'jti', jti: `expired-${run}` }, now() - 3600);
    const expiredGrant = revocation({ kind: 'grant', grant_id: `expired-${run}` }, now() - 3600);
    // Expired, but less than the clock skew ago: validators behind by that much may still accept it.
    const withinSkew = revocation({ kind: 'jti', jti: `recent-${run}` }, now() - 10);
    const live = revocation({ kind: 'jti', jti: `live-${run}` }, now() + 3600);
    const notBefore = revocation({ kind: 'subject', sub: `user-${run}`, not_before: now() - 7200 }, null);
    await store([expiredJti, expiredGrant, withinSkew, live, notBefore]);

    expect(await janitor().sweep()).toBe(2);
    const expiredKeys = [expiredJti, expiredGrant].map((r) => revocationKey(r.target));
    const tombstoned = (keys: string[]) => () =>
      Promise.resolve(keys.every((key) => JSON.stringify(seen.get(key)) === '[null]'));
    await eventually(tombstoned(expiredKeys), 15_000);
    for (const key of expiredKeys) expect(seen.get(key)).toEqual([null]);

    // A new janitor (a restart) finds the first two done, and tombstones what expired since.
    const later = revocation({ kind: 'refresh_token', refresh_token_id: `later-${run}` }, now() - 3600);
    await store([later]);
    const restarted = janitor();
    expect(await restarted.sweep()).toBe(1);
    // Ten minutes on, the revocation within the skew is due too; the live one and the not-before never.
    expect(await restarted.sweep(now() + 600)).toBe(1);
    const laterKeys = [later, withinSkew].map((r) => revocationKey(r.target));
    await eventually(tombstoned(laterKeys), 15_000);
    for (const key of laterKeys) expect(seen.get(key)).toEqual([null]);
    expect(await restarted.sweep(now() + 600)).toBe(0);
    expect(seen.has(revocationKey(live.target))).toBe(false);
    expect(seen.has(revocationKey(notBefore.target))).toBe(false);
    for (const key of expiredKeys) expect(seen.get(key)).toEqual([null]);
  });
});
