import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EventStreamConsumer } from './event-stream-consumer';

const CRASH = 'consumer.crash';

/** One kafkajs consumer as far as EventStreamConsumer uses it, recording what was asked of it. */
class FakeConsumer extends EventEmitter {
  readonly events = {
    CRASH,
    END_BATCH_PROCESS: 'consumer.end_batch_process',
    GROUP_JOIN: 'consumer.group_join',
  };
  running = false;
  disconnected = false;
  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  run = () => {
    this.running = true;
    return Promise.resolve();
  };
  disconnect = () => {
    this.disconnected = true;
    this.running = false;
    return Promise.resolve();
  };
  /** What kafkajs does after a non-retriable error: it has disconnected, and will not restart. */
  crash(restart: boolean): void {
    this.running = false;
    this.emit(CRASH, { payload: { error: new Error('SASL authentication failed'), groupId: 'g', restart } });
  }
}

/** A client whose consumers the test can crash; its topic is empty. */
function fakeKafka(): { kafka: Kafka; consumers: FakeConsumer[] } {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer;
    },
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchOffsets: () => Promise.resolve([{ topic: 't', partitions: [] }]),
      fetchTopicOffsets: () => Promise.resolve([{ partition: 0, high: '0', low: '0', offset: '0' }]),
    }),
    producer: () => ({ connect: () => Promise.resolve(), disconnect: () => Promise.resolve() }),
  } as unknown as Kafka;
  return { kafka, consumers };
}

function sharedReader(kafka: Kafka): EventStreamConsumer<'tessera.tokens.revoked.v1'> {
  return new EventStreamConsumer(kafka, {
    name: 'crash-test',
    topic: 'tessera.tokens.revoked.v1',
    mode: { kind: 'shared', groupId: 'crash-test' },
    handle: () => Promise.resolve(),
  });
}

async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 25) {
    if (waited > 3_000) throw new Error('condition not met within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('EventStreamConsumer after kafkajs gives up on its consumer', () => {
  it('starts a new consumer when kafkajs will not restart the crashed one', async () => {
    const { kafka, consumers } = fakeKafka();
    const reader = sharedReader(kafka);
    await reader.start();
    expect(consumers).toHaveLength(1);

    consumers[0]!.crash(false);

    await eventually(() => consumers.length === 2 && consumers[1]!.running);
    await reader.stop();
    expect(consumers[1]!.disconnected).toBe(true);
  });

  it('leaves to kafkajs the crashes it restarts itself', async () => {
    const { kafka, consumers } = fakeKafka();
    const reader = sharedReader(kafka);
    await reader.start();

    consumers[0]!.crash(true);
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect(consumers).toHaveLength(1);
    await reader.stop();
  });

  it('does not start again once stopped', async () => {
    const { kafka, consumers } = fakeKafka();
    const reader = sharedReader(kafka);
    await reader.start();

    consumers[0]!.crash(false);
    await reader.stop();
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect(consumers).toHaveLength(1);
  });
});
