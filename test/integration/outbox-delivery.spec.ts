import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientUpdated, TOPICS, type ClientCredentialsSnapshot } from '@app/contracts';
import { EventPublisher, EventStreamConsumer } from '@app/kafka';
import { createMessagingTablesSql, markProcessed, OutboxRelay, OutboxWriter } from '@app/outbox';
import {
  createThrowawayDatabase,
  EventCollector,
  type ThrowawayDatabase,
  testKafka,
  testBrokers,
} from '@app/testing';

/**
 * The delivery guarantees of DESIGN §5 on the real PostgreSQL and Kafka: an event is published if
 * and only if its transaction commits; a broker outage delays events and loses none; consumers apply
 * a redelivered event once; a broadcast reader knows when it has replayed its topic.
 */
const SCHEMA = 'itest';
const brokers = testBrokers();
const topic = TOPICS.clients.name;

describe('outbox delivery on the real PostgreSQL and Kafka', () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let collector: EventCollector;
  const publisher = new EventPublisher(testKafka('itest-outbox'));
  const writer = new OutboxWriter(SCHEMA);
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_${run}`,
    );
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await dataSource.query(`CREATE SCHEMA "${SCHEMA}"`);
    for (const sql of createMessagingTablesSql(SCHEMA)) await dataSource.query(sql);
    collector = await EventCollector.start(brokers, topic);
  });

  afterAll(async () => {
    await collector?.stop();
    await publisher.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  function clientEvent(clientId: string, name = 'n') {
    const snapshot: ClientCredentialsSnapshot = {
      client_id: clientId,
      name,
      token_endpoint_auth_method: 'client_secret_post',
      secret_digests: [],
      revocation_deletes_grant: true,
      public_keys: [],
    };
    return { topic, key: clientId, event: clientUpdated.create(snapshot, { correlationId: `itest-${run}` }) };
  }

  const outboxCount = async () =>
    Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM "${SCHEMA}"."outbox"`))[0]!.n);

  it('publishes what a committed transaction wrote, and nothing of a rolled-back one', async () => {
    const committed = clientEvent(`itest-${run}-committed`);
    const rolledBack = clientEvent(`itest-${run}-rolled-back`);
    await dataSource.transaction((manager) => writer.append(manager, [committed]));
    await expect(
      dataSource.transaction(async (manager) => {
        await writer.append(manager, [rolledBack]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    const relay = new OutboxRelay(dataSource, publisher, { schema: SCHEMA });
    expect(await relay.drain()).toBe(1);
    await relay.stop();
    await collector.waitFor((message) => message.key === committed.key);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(collector.messages.some((message) => message.key === rolledBack.key)).toBe(false);
    expect(await outboxCount()).toBe(0);
  });

  it('keeps events through a broker outage and publishes every one, in order, when it is back', async () => {
    const events = Array.from({ length: 50 }, (_, index) => clientEvent(`itest-${run}-outage`, `v${index}`));
    for (const event of events) await dataSource.transaction((manager) => writer.append(manager, [event]));

    // A relay whose broker is unreachable: the send fails after kafkajs's retries; nothing is lost.
    const unreachable = new EventPublisher(testKafka('itest-down', ['127.0.0.1:1']));
    const downRelay = new OutboxRelay(dataSource, unreachable, { schema: SCHEMA });
    await expect(downRelay.drain()).rejects.toThrow();
    await downRelay.stop();
    expect(await outboxCount()).toBe(50);

    // The broker is back (a relay that reaches it): all 50 arrive, in the order they were written.
    const relay = new OutboxRelay(dataSource, publisher, { schema: SCHEMA });
    expect(await relay.drain()).toBe(50);
    await relay.stop();
    await collector.waitFor((message) => (message.value as any)?.payload?.name === 'v49');
    const names = collector.messages
      .filter((message) => message.key === `itest-${run}-outage`)
      .map((message) => (message.value as any).payload.name as string);
    expect(names).toEqual(events.map((event) => event.event.payload.name));
    expect(await outboxCount()).toBe(0);
  }, 120_000);

  it('lets only one relay lead per schema, so one key is never published out of order', async () => {
    const first = new OutboxRelay(dataSource, publisher, { schema: SCHEMA });
    const second = new OutboxRelay(dataSource, publisher, { schema: SCHEMA });
    await dataSource.transaction((manager) => writer.append(manager, [clientEvent(`itest-${run}-leader`)]));
    expect(await first.drain()).toBe(1);
    await dataSource.transaction((manager) => writer.append(manager, [clientEvent(`itest-${run}-leader`)]));
    expect(await second.drain()).toBe(0); // the first still holds the lead
    await first.stop();
    expect(await second.drain()).toBe(1);
    await second.stop();
  });

  it('applies a redelivered event once (idempotent consumer)', async () => {
    const eventId = randomUUID();
    const applied = await Promise.all(
      [1, 2].map(() =>
        dataSource.transaction((manager) => markProcessed(manager, SCHEMA, 'itest-consumer', eventId)),
      ),
    ).catch(async () =>
      // Concurrent inserts of one key may also surface as a conflict error in one transaction.
      [
        true,
        await dataSource.transaction((manager) => markProcessed(manager, SCHEMA, 'itest-consumer', eventId)),
      ],
    );
    expect(applied.filter(Boolean)).toHaveLength(1);
    expect(
      await dataSource.transaction((manager) => markProcessed(manager, SCHEMA, 'other-consumer', eventId)),
    ).toBe(true);
  });

  it('tells a broadcast reader when it has replayed everything that was on the topic at start', async () => {
    const marker = clientEvent(`itest-${run}-replay`);
    await dataSource.transaction((manager) => writer.append(manager, [marker]));
    const relay = new OutboxRelay(dataSource, publisher, { schema: SCHEMA });
    await relay.drain();
    await relay.stop();

    const seen: string[] = [];
    const reader = new EventStreamConsumer(testKafka('itest-reader'), {
      name: `itest-${run}`,
      topic,
      mode: { kind: 'broadcast' },
      handle: (event) => {
        seen.push(event.id);
        return Promise.resolve();
      },
    });
    expect(reader.caughtUp).toBe(false);
    await reader.start();
    await reader.whenCaughtUp();
    // Everything published before the reader started has been applied by the time it says so.
    expect(seen).toContain(marker.event.id);
    await reader.stop();
  }, 60_000);
});
