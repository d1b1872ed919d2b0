import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { testKafka } from './test-kafka';

export interface CollectedMessage {
  readonly topic: string;
  readonly key: string | null;
  /** The raw value as text: tests check that no token ever appears in it. */
  readonly raw: string;
  readonly value: unknown;
}

/**
 * An independent kafkajs consumer, as an outside subscriber would write one: its own group, reading
 * the topic from where it stood when the collector started, keeping every message for assertions.
 */
export class EventCollector {
  readonly messages: CollectedMessage[] = [];
  private consumer: Consumer | null = null;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  static async start(brokers: string[], topic: string): Promise<EventCollector> {
    const collector = new EventCollector(testKafka('tessera-test-collector', brokers), topic);
    await collector.run();
    return collector;
  }

  private async run(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const start = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();

    const consumer = this.kafka.consumer({ groupId: `tessera-test-${randomUUID()}`, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    let joined!: () => void;
    const groupJoined = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, message }) => {
        const raw = message.value?.toString('utf8') ?? '';
        let value: unknown = null;
        try {
          value = JSON.parse(raw);
        } catch {
          value = null;
        }
        this.messages.push({ topic, key: message.key?.toString() ?? null, raw, value });
        for (const wake of this.waiters.splice(0)) wake();
        return Promise.resolve();
      },
    });
    await groupJoined;
    // Skip history: start where the topic stood when the collector was created.
    for (const { partition, offset } of start) consumer.seek({ topic: this.topic, partition, offset });
  }

  /**
   * Stops fetching until `resume`: nothing is lost, the collector reads on from where it stopped.
   * The benchmarks count a run's events after it, not while their own reads compete with the run.
   */
  pause(): void {
    this.consumer?.pause([{ topic: this.topic }]);
  }

  resume(): void {
    this.consumer?.resume([{ topic: this.topic }]);
  }

  /** Waits until a message matches, or fails after `timeoutMs`. */
  async waitFor(
    predicate: (message: CollectedMessage) => boolean,
    timeoutMs = 15_000,
  ): Promise<CollectedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching event on ${this.topic} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
