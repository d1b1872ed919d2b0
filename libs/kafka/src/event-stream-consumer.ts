import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { parseEvent, type EventOnTopic, type TopicWithEvents } from '@app/contracts';
import { StreamCurrency } from './stream-currency';

export interface EventMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
}

export type EventHandler<T extends TopicWithEvents> = (
  event: EventOnTopic<T>,
  meta: EventMeta,
) => Promise<void>;

/** Handles the valid events of one fetched batch (one partition, in order) at once. */
export type EventBatchHandler<T extends TopicWithEvents> = (events: EventOnTopic<T>[]) => Promise<void>;

/**
 * How a consumer reads its topic:
 * - `shared`: one consumer group for all instances of a service; each event is handled once per
 *   service (durable projections, deduplicated by event id in the same transaction as the change).
 * - `broadcast`: every instance reads the whole topic from the beginning into its own memory
 *   (revocation state, keys, clients), and reports when it has caught up with what existed at start.
 */
export type ConsumptionMode =
  { readonly kind: 'shared'; readonly groupId: string } | { readonly kind: 'broadcast' };

/** A fetched batch of one partition, in order, with where it ends on the topic. */
export interface PositionedBatch<T extends TopicWithEvents> {
  readonly topic: string;
  readonly partition: number;
  /** The valid events of the batch not yet covered by the stored position, with their offsets. */
  readonly events: { readonly event: EventOnTopic<T>; readonly offset: string }[];
  /** Where to resume after this batch (its last offset + 1): the handler stores it with its rows. */
  readonly nextOffset: string;
}

/**
 * A consumer's position kept in its own database, written in the same transaction as the rows a
 * batch produced (so a crash between the two cannot lose or repeat a batch's effect).
 */
export interface StoredPositions {
  /** The next offset to read, per partition of `topic`, as last committed with the rows. */
  load(topic: string): Promise<Map<number, bigint>>;
}

export interface EventStreamOptions<T extends TopicWithEvents> {
  readonly name: string;
  readonly topic: T;
  /**
   * The topic to read when it is not `topic` itself but a copy carrying the same contract (the replay
   * bench's own topics, so it never touches the real one); events are still parsed as `topic`'s.
   */
  readonly readFrom?: string;
  readonly mode: ConsumptionMode;
  readonly handle: EventHandler<T>;
  /**
   * When set, events are handled a fetched batch at a time instead of one by one — for projections
   * that can write a batch in one statement and must replay a long topic quickly.
   */
  readonly handleBatch?: EventBatchHandler<T>;
  /**
   * When set (shared groups only), the consumer's position of record is the one the handler stores
   * with its rows: each batch goes to `handle` with the offset to store, messages before the stored
   * position are dropped (a Kafka commit can lag the database's), and each partition is sought to
   * its stored position when the group assigns it. Kafka's own commit still follows every batch, so
   * it is never ahead of the database and only saves re-reading after a restart.
   */
  readonly positioned?: {
    readonly store: StoredPositions;
    readonly handle: (batch: PositionedBatch<T>) => Promise<void>;
  };
}

/**
 * Consumes one topic, parses every value against the contract before acting (CONVENTIONS: never trust
 * a payload), skips what does not parse, and hands valid events to the handler in partition order.
 * A handler that throws makes kafkajs retry the message, so nothing is skipped on a transient failure.
 */
export class EventStreamConsumer<T extends TopicWithEvents> {
  private readonly logger: Logger;
  private consumer: Consumer | null = null;
  /** Per partition: the offset (exclusive) that marks "caught up with the topic as it was at start". */
  private readonly targets = new Map<number, bigint>();
  private isCaughtUp = false;
  private caughtUpWaiters: (() => void)[] = [];
  /** Broadcast readers only: how far behind the topic this reader is, in time. */
  private readonly currency: StreamCurrency | null;
  private startOffsetsReadAt = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventStreamOptions<T>,
  ) {
    this.logger = new Logger(`Consumer:${options.name}`);
    this.currency =
      options.mode.kind === 'broadcast' ? new StreamCurrency(kafka, options.readFrom ?? options.topic) : null;
  }

  private get topicRead(): string {
    return this.options.readFrom ?? this.options.topic;
  }

  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  /**
   * Broadcast readers: how long ago this reader was last known to have applied everything on its
   * topic (Infinity until it has replayed it). Shared groups: 0 once caught up (not measured).
   */
  lagMs(): number {
    if (!this.currency) return this.isCaughtUp ? 0 : Number.POSITIVE_INFINITY;
    return this.isCaughtUp ? this.currency.lagMs() : Number.POSITIVE_INFINITY;
  }

  /** Resolves once the consumer has processed everything that was on the topic when it started. */
  whenCaughtUp(): Promise<void> {
    if (this.isCaughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  async start(): Promise<void> {
    const { mode } = this.options;
    const topic = this.topicRead;
    const groupId = mode.kind === 'shared' ? mode.groupId : `${this.options.name}-${randomUUID()}`;
    await this.recordStartOffsets(groupId);
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    // A shared group resumes from its committed offsets; a broadcast reader always starts at the beginning.
    await consumer.subscribe({ topic, fromBeginning: true });
    if (this.options.positioned) {
      await this.runPositioned(consumer, this.options.positioned);
      this.logger.log(`consuming ${topic} with positions stored beside its rows (group ${groupId})`);
      return;
    }
    const handleBatch = this.options.handleBatch;
    if (handleBatch) {
      await consumer.run({
        autoCommit: mode.kind === 'shared',
        partitionsConsumedConcurrently: 3,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const events = batch.messages.flatMap((message) => {
            const event = this.decode(message.value, {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
            });
            return event ? [event] : [];
          });
          if (events.length > 0) await handleBatch(events);
          const last = batch.messages.at(-1);
          if (last) {
            payload.resolveOffset(last.offset);
            this.advance(batch.partition, BigInt(last.offset) + 1n);
          }
          await payload.heartbeat();
        },
      });
      this.logger.log(
        `consuming ${topic} in batches (${mode.kind === 'shared' ? `group ${groupId}` : 'broadcast'})`,
      );
      return;
    }
    await consumer.run({
      autoCommit: mode.kind === 'shared',
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ topic: from, partition, message }) => {
        const meta: EventMeta = {
          topic: from,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
        };
        const event = this.decode(message.value, meta);
        if (event) await this.options.handle(event, meta);
        this.advance(partition, BigInt(message.offset) + 1n);
      },
    });
    this.logger.log(`consuming ${topic} (${mode.kind === 'shared' ? `group ${groupId}` : 'broadcast'})`);
  }

  private async runPositioned(
    consumer: Consumer,
    positioned: NonNullable<EventStreamOptions<T>['positioned']>,
  ): Promise<void> {
    const { topic } = this.options;
    // Reloaded on every (re)join: another instance may have moved a partition on while it had it.
    let stored = positioned.store.load(topic);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      stored = positioned.store.load(topic);
      const assigned = payload.memberAssignment[topic] ?? [];
      void stored
        .then((positions) => {
          for (const partition of assigned) {
            const offset = positions.get(partition);
            if (offset !== undefined) consumer.seek({ topic, partition, offset: offset.toString() });
          }
        })
        .catch(() => undefined);
    });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 3,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const last = batch.messages.at(-1);
        if (!last) return;
        // A load that failed (database down) is tried again here rather than kept.
        const positions = await stored.catch(() => (stored = positioned.store.load(topic)));
        const from = positions.get(batch.partition) ?? 0n;
        const next = BigInt(last.offset) + 1n;
        if (next > from) {
          const events = batch.messages.flatMap((message) => {
            if (BigInt(message.offset) < from) return [];
            const event = this.decode(message.value, {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
            });
            return event ? [{ event, offset: message.offset }] : [];
          });
          await positioned.handle({
            topic: batch.topic,
            partition: batch.partition,
            events,
            nextOffset: next.toString(),
          });
          positions.set(batch.partition, next);
        }
        payload.resolveOffset(last.offset);
        this.advance(batch.partition, next);
        await payload.heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await this.currency?.stop();
    await consumer?.disconnect();
  }

  private decode(value: Buffer | null, meta: EventMeta): EventOnTopic<T> | null {
    if (!value) return null; // a compaction tombstone: nothing to apply
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      json = undefined;
    }
    const event = parseEvent(this.options.topic, json);
    if (!event)
      this.logger.warn(`skipping an invalid event at ${meta.topic}/${meta.partition}@${meta.offset}`);
    return event;
  }

  /**
   * Records, per partition, the offset that marks "caught up with the topic as it was at start": the
   * high watermark, for partitions where this reader has something left to read. A broadcast reader
   * reads from the beginning; a shared group resumes from its committed offsets.
   */
  private async recordStartOffsets(groupId: string): Promise<void> {
    this.targets.clear();
    this.startOffsetsReadAt = Date.now();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = new Map<number, bigint>();
      if (this.options.mode.kind === 'shared') {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [this.topicRead] });
        for (const { partition, offset } of offsets?.partitions ?? []) {
          if (BigInt(offset) >= 0n) committed.set(partition, BigInt(offset));
        }
      }
      for (const { partition, high, low } of await admin.fetchTopicOffsets(this.topicRead)) {
        const from = committed.get(partition) ?? BigInt(low);
        if (BigInt(high) > from) this.targets.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
  }

  private advance(partition: number, next: bigint): void {
    this.currency?.recordApplied(partition, next);
    const target = this.targets.get(partition);
    if (target !== undefined && next >= target) this.targets.delete(partition);
    this.checkCaughtUp();
  }

  private checkCaughtUp(): void {
    if (this.targets.size === 0) this.currency?.markCurrent(this.startOffsetsReadAt);
    if (this.isCaughtUp || this.targets.size > 0) return;
    this.isCaughtUp = true;
    this.logger.log(`caught up with ${this.topicRead}`);
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }
}
