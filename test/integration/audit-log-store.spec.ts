import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenIssued, TOPICS } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { consumerGroupId, EventPublisher, type PositionedBatch } from '@app/kafka';
import { migrateSchema } from '@app/persistence';
import {
  createThrowawayDatabase,
  eventually,
  type ThrowawayDatabase,
  testBrokers,
  testKafka,
} from '@app/testing';
import { loadAuditConfig, type AuditConfig } from '../../apps/audit/src/config/audit.config';
import { auditDatabase } from '../../apps/audit/src/database/audit-database';
import { LogIngestionService } from '../../apps/audit/src/ingestion/log-ingestion.service';
import { logRow } from '../../apps/audit/src/ingestion/log-row';
import { IssuedTokensLogConsumer } from '../../apps/audit/src/ingestion/log-stream.consumers';
import { LogEventsRepository, LogSearchTimeout } from '../../apps/audit/src/log-store/log-events.repository';
import { LogPartitionsRepository } from '../../apps/audit/src/log-store/log-partitions.repository';
import { LogRetentionService } from '../../apps/audit/src/log-store/log-retention.service';

type Issued = ReturnType<typeof accessTokenIssued.create>;

/** Counts the events of this run that each consumer instance was handed (not merely stored). */
class CountingConsumer extends IssuedTokensLogConsumer {
  handed = 0;

  constructor(
    config: AuditConfig,
    ingestion: LogIngestionService,
    private readonly clientId: string,
  ) {
    super(testKafka('audit-test', config.KAFKA_BROKERS), config, ingestion, new ReadinessRegistry());
  }

  protected override async handlePositionedBatch(batch: PositionedBatch<typeof TOPICS.tokensIssued.name>) {
    this.handed += batch.events.filter(
      ({ event }) => event.type === 'access_token.issued' && event.payload.client_id === this.clientId,
    ).length;
    await super.handlePositionedBatch(batch);
  }

  start(): Promise<void> {
    return this.onApplicationBootstrap();
  }

  stop(): Promise<void> {
    return this.beforeApplicationShutdown();
  }
}

/**
 * The audit service's log store on the real PostgreSQL and Kafka: its Kafka position is stored with
 * its rows, so a consumer that restarts after Kafka lost (or never got) its commit re-stores
 * nothing and misses nothing; retention drops whole day partitions.
 */
describe('audit log store on the real PostgreSQL and Kafka', () => {
  const run = randomUUID().slice(0, 8);
  const clientId = `audit-it-${run}`;
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let config: AuditConfig;
  let ingestion: LogIngestionService;
  let partitions: LogPartitionsRepository;
  const kafka = testKafka('audit-it');
  const publisher = new EventPublisher(kafka);

  const issued = (n: number): Issued =>
    accessTokenIssued.create(
      {
        jti: `${run}-${n}`,
        grant_id: `${run}-g${n}`,
        client_id: clientId,
        sub: `${clientId}@clients`,
        aud: ['https://api.example.test/'],
        scope: '',
        grant_type: 'client_credentials',
        format: 'jwt',
        issued_at: 1,
        expires_at: 2,
        log_type: 'seccft',
      },
      { correlationId: run },
    );
  const publish = (events: Issued[]) =>
    publisher.publish(
      events.map((event) => ({
        topic: TOPICS.tokensIssued.name,
        key: event.payload.grant_id,
        value: JSON.stringify(event),
      })),
    );
  const stored = async (): Promise<{ event_id: string; seq: string }[]> =>
    dataSource.query(
      `SELECT "event_id", "seq"::text AS "seq" FROM "audit"."log_events" WHERE "client_id" = $1 ORDER BY "log_events"."seq"`,
      [clientId],
    );

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_audit_${run}`,
    );
    config = loadAuditConfig({
      DATABASE_URL: database.url,
      KAFKA_GROUP_PREFIX: `tessera-it-${run}`,
      KAFKA_BROKERS: testBrokers().join(','),
    });
    await migrateSchema(auditDatabase(database.url));
    dataSource = await new DataSource(auditDatabase(database.url)).initialize();
    partitions = new LogPartitionsRepository(dataSource);
    ingestion = new LogIngestionService(config, new LogEventsRepository(dataSource), partitions);
  });

  afterAll(async () => {
    await publisher.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('resumes from the position stored with its rows when Kafka has no commit: nothing lost, nothing twice', async () => {
    const first = Array.from({ length: 20 }, (_, n) => issued(n));
    await publish(first);
    const consumer = new CountingConsumer(config, ingestion, clientId);
    await consumer.start();
    expect(await eventually(async () => (await stored()).length === 20, 20_000, 100)).toBe(true);
    await consumer.stop();
    expect(consumer.handed).toBe(20);
    const before = await stored();

    // As if the service died after its transaction committed and before Kafka took the offsets.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({
      groupId: consumerGroupId(kafka, `${config.KAFKA_GROUP_PREFIX}.audit.tokens-issued`),
      topic: TOPICS.tokensIssued.name,
      earliest: true,
    });
    await admin.disconnect();

    const second = Array.from({ length: 10 }, (_, n) => issued(100 + n));
    await publish(second);
    const restarted = new CountingConsumer(config, ingestion, clientId);
    await restarted.start();
    expect(await eventually(async () => (await stored()).length === 30, 20_000, 100)).toBe(true);
    await restarted.stop();

    // Only the new events reached the handler: the first twenty were skipped by the stored position.
    expect(restarted.handed).toBe(10);
    const after = await stored();
    expect(after.slice(0, 20)).toEqual(before);
    // Checkpoint reads follow the ingestion sequence as a number (a text order would put 1000 before 999).
    const read = await new LogEventsRepository(dataSource).after(
      (BigInt(after[0]!.seq) - 1n).toString(),
      100_000,
    );
    const seqs = read.map((log) => BigInt(log.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(read.filter((log) => log.client_id === clientId).map((log) => log.seq)).toEqual(
      after.map((row) => row.seq),
    );
    expect(new Set(after.map((row) => row.event_id))).toEqual(
      new Set([...first, ...second].map((event) => event.id)),
    );
  });

  it('stores a redelivered event once (idempotent by event id) and moves a position only forward', async () => {
    const event = issued(500);
    const row = logRow(event, 'seccft', { client_id: `${clientId}-dup` });
    const position = { consumer: 'dup-test', topic: 't', partition: 0, nextOffset: '10' };
    expect(await ingestion.ingest([row, row], position)).toBe(1);
    expect(await ingestion.ingest([row], { ...position, nextOffset: '5' })).toBe(0);
    expect(await ingestion.positions('dup-test', 't')).toEqual(new Map([[0, 10n]]));
  });

  it('creates day partitions ahead, drops the days past the retention, and does not store expired events', async () => {
    const retention = new LogRetentionService(config, partitions);
    const now = new Date();
    await retention.maintain(now);
    const today = now.toISOString().slice(0, 10);
    const days = await partitions.days();
    expect(days).toContain(today);
    expect(days).toContain(new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10));

    // An event of 10 days ago is within the 30-day retention: its day gets a partition on demand.
    const old = issued(900);
    const tenDaysAgo = new Date(now.getTime() - 10 * 86_400_000).toISOString();
    const position = { consumer: 'retention-test', topic: 't', partition: 0, nextOffset: '1' };
    expect(
      await ingestion.ingest(
        [logRow({ ...old, occurred_at: tenDaysAgo }, 'seccft', { client_id: `${clientId}-old` })],
        position,
      ),
    ).toBe(1);
    // One of 40 days ago is past it: not stored, and no partition is made for it.
    const expired = new Date(now.getTime() - 40 * 86_400_000).toISOString();
    expect(
      await ingestion.ingest([logRow({ ...issued(901), occurred_at: expired }, 'seccft', {})], position),
    ).toBe(0);
    expect(await partitions.days()).not.toContain(expired.slice(0, 10));

    // 25 days later, the event of 10 days ago is 35 days old: its whole day is dropped, today's kept.
    const dropped = await retention.maintain(new Date(now.getTime() + 25 * 86_400_000));
    expect(dropped).toContain(tenDaysAgo.slice(0, 10));
    expect(dropped).not.toContain(today);
    const left: unknown[] = await dataSource.query(
      `SELECT 1 FROM "audit"."log_events" WHERE "client_id" = $1`,
      [`${clientId}-old`],
    );
    expect(left).toEqual([]);
  });

  it('cancels a search past TESSERA_AUDIT_QUERY_TIMEOUT_MS, and leaves the pooled connection as it was', async () => {
    const position = { consumer: 'timeout-test', topic: 't', partition: 0, nextOffset: '1' };
    await ingestion.ingest([logRow(issued(950), 'seccft', { client_id: `${clientId}-slow` })], position);
    const bounded = new LogEventsRepository(dataSource, { TESSERA_AUDIT_QUERY_TIMEOUT_MS: 50 });
    // A condition that takes 300 ms a row: what a pathological wildcard over a month of rows would cost.
    const slow = { sql: `"client_id" = $1 AND pg_sleep(0.3) IS NOT NULL`, params: [`${clientId}-slow`] };
    await expect(bounded.search(slow, 'desc', 0, 10, false)).rejects.toBeInstanceOf(LogSearchTimeout);
    // The same search under the default limit completes, and the timeout did not outlive its transaction.
    const found = await new LogEventsRepository(dataSource).search(slow, 'desc', 0, 10, true);
    expect(found.total).toBe(1);
    const [setting] = await dataSource.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(setting?.statement_timeout).toBe('0');
  });
});
