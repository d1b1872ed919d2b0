import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, TOPICS, type EventOnTopic } from '@app/contracts';
import { consumerGroupId, EventStreamConsumer, type EventStreamOptions } from '@app/kafka';
import { eventually, sampleClientUpdated, sampleRevocation, testBrokers, testKafka } from '@app/testing';

/**
 * Issue #15 §3 on the real broker: records produced by hand with kafkajs (garbage bytes, an unknown
 * type, an unknown major version, a newer minor version, handlers that throw) reach a consumer, and
 * nothing is silently dropped. Every test reads and dead-letters on topics of its own (the contract
 * is the clients or revocation topic's, the bytes travel on `itest-poison-<run>-…`), so what it
 * writes reaches no other consumer on the shared broker.
 */
const brokers = testBrokers();
const run = randomUUID().slice(0, 8);
const clients = TOPICS.clients.name;
const revocations = TOPICS.tokensRevoked.name;
/** Fast retries: the behaviour, not the patience, is under test. */
const retry = { attempts: 3, initialDelayMs: 10, maxDelayMs: 40 };

interface DeadLetter {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
    ]),
  );
}

describe('poison events on the real broker (issue #15 §3)', () => {
  const kafka: Kafka = testKafka(`itest-poison-${run}`, brokers);
  let admin: Admin;
  let producer: Producer;
  const created: string[] = [];
  const running: EventStreamConsumer<never>[] = [];
  const readers: Consumer[] = [];
  let sequence = 0;

  /** A topic (and its dead-letter topic) of this test's own, one partition so offsets are easy to name. */
  async function freshTopics(): Promise<{ source: string; deadLetters: string }> {
    sequence += 1;
    const source = `itest-poison-${run}-${sequence}`;
    const deadLetters = `${source}-dead-letters`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [source, deadLetters].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    });
    created.push(source, deadLetters);
    return { source, deadLetters };
  }

  /** Produces by hand, as a misbehaving or newer producer would; returns each record's offset. */
  async function produce(
    topic: string,
    records: { key: string; value: string | Buffer }[],
  ): Promise<string[]> {
    const offsets: string[] = [];
    for (const record of records) {
      const [metadata] = await producer.send({ topic, acks: -1, messages: [record] });
      offsets.push(metadata!.baseOffset!);
    }
    return offsets;
  }

  /** Everything on a dead-letter topic once `count` records are there. */
  async function deadLettersOn(topic: string, count: number): Promise<DeadLetter[]> {
    const seen: DeadLetter[] = [];
    const reader = kafka.consumer({
      groupId: `itest-poison-dlq-reader-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    readers.push(reader);
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        seen.push({
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headerStrings(message.headers),
        });
        return Promise.resolve();
      },
    });
    expect(await eventually(() => Promise.resolve(seen.length >= count), 30_000)).toBe(true);
    await reader.disconnect();
    return seen;
  }

  async function committedOffset(groupId: string, topic: string): Promise<bigint> {
    const [offsets] = await admin.fetchOffsets({ groupId: consumerGroupId(kafka, groupId), topics: [topic] });
    return BigInt(offsets?.partitions.find((partition) => partition.partition === 0)?.offset ?? '-1');
  }

  function consumer<T extends typeof clients | typeof revocations>(
    options: Omit<EventStreamOptions<T>, 'name'> & { name?: string },
  ): EventStreamConsumer<T> {
    const stream = new EventStreamConsumer(kafka, {
      name: `itest-poison-${run}-${sequence}`,
      retry,
      ...options,
    });
    running.push(stream as unknown as EventStreamConsumer<never>);
    return stream;
  }

  const clientEvent = (clientId: string) => sampleClientUpdated(clientId, `itest-${run}`);
  const revocationEvent = (jti: string) => sampleRevocation({ kind: 'jti', jti }, `itest-${run}`);

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    for (const stream of running) await stream.stop();
    for (const reader of readers) await reader.disconnect().catch(() => undefined);
    await producer?.disconnect();
    if (created.length > 0) await admin?.deleteTopics({ topics: created }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('dead-letters garbage, an unknown type and an unknown major version with their origin; applies a newer minor version; commits past them', async () => {
    const { source, deadLetters } = await freshTopics();
    const groupId = `itest-poison-${run}-durable`;
    const minor = clientEvent(`itest-${run}-minor`);
    const marker = clientEvent(`itest-${run}-marker`);
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0x22]);
    const offsets = await produce(source, [
      { key: 'garbage', value: bytes },
      { key: 'newer-type', value: JSON.stringify({ ...clientEvent('x'), type: 'client.suspended' }) },
      { key: 'major-2', value: JSON.stringify({ ...clientEvent('y'), version: 2 }) },
      // A newer minor version: extra fields in the envelope and payload, which this version ignores.
      {
        key: 'minor',
        value: JSON.stringify({
          ...minor,
          schema_hint: '1.4',
          payload: { ...minor.payload, logo_uri: 'https://x.test/l.png' },
        }),
      },
      { key: 'marker', value: JSON.stringify(marker) },
    ]);
    const applied: EventOnTopic<typeof clients>[] = [];
    const stream = consumer({
      topic: clients,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'shared', groupId },
      handle: (event) => {
        applied.push(event);
        return Promise.resolve();
      },
    });
    await stream.start();

    expect(
      await eventually(() => Promise.resolve(applied.some((event) => event.id === marker.id)), 30_000),
    ).toBe(true);
    expect(applied.map((event) => event.id)).toEqual([minor.id, marker.id]);
    expect(applied[0]).toEqual(minor); // the extra fields dropped, the rest applied as is

    const letters = await deadLettersOn(deadLetters, 3);
    expect(letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.reason])).toEqual([
      'unparseable',
      'unknown_type',
      'unknown_major_version',
    ]);
    const [garbage, newerType] = letters;
    expect(garbage!.value).toEqual(bytes); // byte for byte
    expect(garbage!.key).toBe('garbage');
    expect(garbage!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.topic]: source,
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: offsets[0],
      [DEAD_LETTER_HEADERS.key]: 'garbage',
      [DEAD_LETTER_HEADERS.consumer]: `itest-poison-${run}-${sequence}`,
    });
    expect(Number(garbage!.headers[DEAD_LETTER_HEADERS.timestamp])).toBeGreaterThan(0);
    expect(newerType!.headers[DEAD_LETTER_HEADERS.detail]).toContain('client.suspended');
    expect(stream.counts.deadLettered).toBe(3);
    // A durable consumer is not halted by what it dead-letters, and commits past it.
    expect(stream.haltReason).toBeNull();
    expect(await eventually(async () => (await committedOffset(groupId, source)) === 5n, 30_000)).toBe(true);
  });

  it('applies once an event whose handler throws a few times, without dead-lettering it', async () => {
    const { source, deadLetters } = await freshTopics();
    const flaky = clientEvent(`itest-${run}-flaky`);
    const marker = clientEvent(`itest-${run}-after-flaky`);
    await produce(source, [
      { key: 'flaky', value: JSON.stringify(flaky) },
      { key: 'marker', value: JSON.stringify(marker) },
    ]);
    let failuresLeft = 2;
    const applied: string[] = [];
    const stream = consumer({
      topic: clients,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'shared', groupId: `itest-poison-${run}-flaky` },
      handle: (event) => {
        if (event.id === flaky.id && failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(new Error('database blip'));
        }
        applied.push(event.id);
        return Promise.resolve();
      },
    });
    await stream.start();
    expect(await eventually(() => Promise.resolve(applied.includes(marker.id)), 30_000)).toBe(true);
    expect(applied).toEqual([flaky.id, marker.id]);
    expect(stream.counts).toMatchObject({ deadLettered: 0, retried: 2 });
  });

  it('dead-letters an event whose handler always throws, then commits past it and goes on', async () => {
    const { source, deadLetters } = await freshTopics();
    const groupId = `itest-poison-${run}-always`;
    const doomed = clientEvent(`itest-${run}-doomed`);
    const marker = clientEvent(`itest-${run}-after-doomed`);
    const [doomedOffset] = await produce(source, [
      { key: 'doomed', value: JSON.stringify(doomed) },
      { key: 'marker', value: JSON.stringify(marker) },
    ]);
    const applied: string[] = [];
    let tries = 0;
    const stream = consumer({
      topic: clients,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'shared', groupId },
      handle: (event) => {
        if (event.id === doomed.id) {
          tries += 1;
          return Promise.reject(new Error('constraint violated'));
        }
        applied.push(event.id);
        return Promise.resolve();
      },
    });
    await stream.start();
    const [letter] = await deadLettersOn(deadLetters, 1);
    expect(letter!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: 'handler_failed',
      [DEAD_LETTER_HEADERS.topic]: source,
      [DEAD_LETTER_HEADERS.offset]: doomedOffset,
      [DEAD_LETTER_HEADERS.key]: 'doomed',
    });
    expect(letter!.headers[DEAD_LETTER_HEADERS.detail]).toContain('constraint violated');
    expect(JSON.parse(letter!.value!.toString('utf8'))).toEqual(doomed);
    expect(tries).toBe(retry.attempts);
    expect(await eventually(() => Promise.resolve(applied.includes(marker.id)), 30_000)).toBe(true);
    expect(await eventually(async () => (await committedOffset(groupId, source)) === 2n, 30_000)).toBe(true);
  });

  it('splits a batch whose handler keeps failing: applies its other events, dead-letters the poison one (batched and positioned)', async () => {
    for (const kind of ['batched', 'positioned'] as const) {
      const { source, deadLetters } = await freshTopics();
      const groupId = `itest-poison-${run}-${kind}`;
      const events = [clientEvent(`${kind}-a`), clientEvent(`${kind}-doomed`), clientEvent(`${kind}-b`)];
      const doomed = events[1]!;
      await produce(
        source,
        events.map((event) => ({ key: event.payload.client_id, value: JSON.stringify(event) })),
      );
      const applied: string[] = [];
      const stored = new Map<number, bigint>();
      const apply = (some: readonly EventOnTopic<typeof clients>[]) => {
        if (some.some((event) => event.id === doomed.id)) return Promise.reject(new Error('poison row'));
        applied.push(...some.map((event) => event.id));
        return Promise.resolve();
      };
      const stream = consumer<typeof clients>({
        topic: clients,
        sourceTopic: source,
        deadLetterTopic: deadLetters,
        mode: { kind: 'shared', groupId },
        handle: () => Promise.reject(new Error('batches only')),
        ...(kind === 'batched'
          ? { handleBatch: apply }
          : {
              positioned: {
                store: { load: () => Promise.resolve(new Map(stored)) },
                handle: async (batch) => {
                  await apply(batch.events.map(({ event }) => event));
                  stored.set(batch.partition, BigInt(batch.nextOffset));
                },
              },
            }),
      });
      await stream.start();
      const [letter] = await deadLettersOn(deadLetters, 1);
      expect(letter!.headers).toMatchObject({
        [DEAD_LETTER_HEADERS.reason]: 'handler_failed',
        [DEAD_LETTER_HEADERS.offset]: '1',
      });
      expect(await eventually(() => Promise.resolve(applied.length === 2), 30_000)).toBe(true);
      expect(applied, kind).toEqual([events[0]!.id, events[2]!.id]);
      expect(await eventually(async () => (await committedOffset(groupId, source)) === 3n, 30_000)).toBe(
        true,
      );
      if (kind === 'positioned') expect(stored.get(0)).toBe(3n); // the batch's end, stored with the rows
    }
  });

  it('does not commit past a record whose dead letter could not be written', async () => {
    const { source, deadLetters } = await freshTopics();
    const groupId = `itest-poison-${run}-no-dlq`;
    const marker = clientEvent(`itest-${run}-after-unwritable`);
    await produce(source, [
      { key: 'garbage', value: 'not json' },
      { key: 'marker', value: JSON.stringify(marker) },
    ]);
    const applied: string[] = [];
    const options = {
      topic: clients,
      sourceTopic: source,
      mode: { kind: 'shared', groupId },
      handle: (event: EventOnTopic<typeof clients>) => {
        applied.push(event.id);
        return Promise.resolve();
      },
    } as const;
    // A dead-letter topic the broker refuses (an illegal name): every produce fails.
    const failing = consumer({ ...options, deadLetterTopic: `${source} is not a topic name!` });
    await failing.start();
    expect(await eventually(() => Promise.resolve(failing.counts.deadLetterFailures >= 2), 60_000)).toBe(
      true,
    );
    // It keeps reading the record again: it neither committed nor handled what follows it.
    expect(failing.counts.deadLettered).toBe(0);
    expect(await committedOffset(groupId, source)).toBeLessThan(1n);
    expect(applied).toEqual([]);
    await failing.stop();

    // The same group with a dead-letter topic that works: the record is dead-lettered, then committed.
    const working = consumer({ ...options, deadLetterTopic: deadLetters });
    await working.start();
    expect(await eventually(() => Promise.resolve(applied.includes(marker.id)), 30_000)).toBe(true);
    const [letter] = await deadLettersOn(deadLetters, 1);
    expect(letter!.headers[DEAD_LETTER_HEADERS.reason]).toBe('unparseable');
    expect(letter!.headers[DEAD_LETTER_HEADERS.offset]).toBe('0');
    expect(await eventually(async () => (await committedOffset(groupId, source)) === 2n, 30_000)).toBe(true);
  }, 120_000);

  it('halts a fail-closed broadcast reader on an event it cannot decode, and still dead-letters it', async () => {
    const { source, deadLetters } = await freshTopics();
    const before = revocationEvent(`itest-${run}-before`);
    const after = revocationEvent(`itest-${run}-after`);
    const [, poisonOffset] = await produce(source, [
      { key: 'jti:before', value: JSON.stringify(before) },
      { key: 'device:1', value: JSON.stringify({ ...revocationEvent('z'), type: 'device.revoked' }) },
      { key: 'jti:after', value: JSON.stringify(after) },
    ]);
    const applied: string[] = [];
    const stream = consumer({
      topic: revocations,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'broadcast' },
      failClosed: true,
      handle: (event) => {
        applied.push(event.id);
        return Promise.resolve();
      },
    });
    await stream.start();
    expect(await eventually(() => Promise.resolve(applied.includes(after.id)), 30_000)).toBe(true);
    // It applied what it could, and says it cannot be trusted: it does not know what it skipped.
    expect(applied).toEqual([before.id, after.id]);
    expect(stream.caughtUp).toBe(false);
    expect(stream.haltReason).toContain(`unknown_type at ${source}/0@${poisonOffset}`);
    const [letter] = await deadLettersOn(deadLetters, 1);
    expect(letter!.headers[DEAD_LETTER_HEADERS.reason]).toBe('unknown_type');
  });

  it('lets an acknowledged position through without halting or dead-lettering it again', async () => {
    const { source, deadLetters } = await freshTopics();
    const [poisonOffset] = await produce(source, [{ key: 'junk', value: '{"type":' }]);
    const stream = consumer({
      topic: revocations,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'broadcast' },
      failClosed: true,
      acknowledged: new Set([`${source}/0@${poisonOffset}`]),
      handle: () => Promise.resolve(),
    });
    await stream.start();
    await stream.whenCaughtUp();
    expect(stream.caughtUp).toBe(true);
    expect(stream.haltReason).toBeNull();
    expect(stream.counts.deadLettered).toBe(0);
  });

  it('halts a broadcast reader whose handler keeps failing instead of skipping, and resumes once it applies', async () => {
    const { source, deadLetters } = await freshTopics();
    const stuck = revocationEvent(`itest-${run}-stuck`);
    const marker = revocationEvent(`itest-${run}-after-stuck`);
    await produce(source, [
      { key: 'jti:stuck', value: JSON.stringify(stuck) },
      { key: 'jti:after', value: JSON.stringify(marker) },
    ]);
    let healed = false;
    const applied: string[] = [];
    const stream = consumer({
      topic: revocations,
      sourceTopic: source,
      deadLetterTopic: deadLetters,
      mode: { kind: 'broadcast' },
      failClosed: true,
      handle: (event) => {
        if (event.id === stuck.id && !healed) return Promise.reject(new Error('list is full'));
        applied.push(event.id);
        return Promise.resolve();
      },
    });
    await stream.start();
    expect(await eventually(() => Promise.resolve(stream.haltReason !== null), 30_000)).toBe(true);
    expect(stream.haltReason).toContain('handler_failed');
    expect(stream.caughtUp).toBe(false);
    expect(applied).toEqual([]); // nothing after it was applied either: partition order is kept

    healed = true;
    expect(await eventually(() => Promise.resolve(applied.includes(marker.id)), 30_000)).toBe(true);
    expect(applied).toEqual([stuck.id, marker.id]);
    expect(stream.haltReason).toBeNull();
    expect(stream.caughtUp).toBe(true);
    expect(stream.counts.deadLettered).toBe(0);
  });
});
