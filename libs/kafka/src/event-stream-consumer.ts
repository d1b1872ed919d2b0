import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent, type DeadLetterReason, type EventOnTopic, type TopicWithEvents } from '@app/contracts';
import { ConsumerProgress } from './consumer-progress';
import { consumerStatuses } from './consumer-status';
import { DeadLetterSink } from './dead-letter-sink';
import { consumerGroupId } from './kafka-client';
import {
  DEFAULT_RETRY_POLICY,
  errorMessage,
  retryDelayMs,
  retryWithBackoff,
  type RetryPolicy,
} from './handler-retry';
import { StreamCurrency } from './stream-currency';

/** The longest wait between two attempts to restart a consumer kafkajs gave up on. */
const MAX_RESTART_DELAY_MS = 5_000;

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
  /**
   * For the streams an instance's token decisions rest on (revocations, signing keys): a record it
   * cannot decode is still dead-lettered, and also halts the reader — `caughtUp` stays false, so the
   * instance is not ready and the TokenStateGate fails closed — until the instance is restarted with
   * a version that knows the event, or the record's position is in `acknowledged` (ADR "poison events").
   */
  readonly failClosed?: boolean;
  /**
   * Positions (`<topic>/<partition>@<offset>`) of undecodable records an operator has inspected and
   * accepted to go without (`TESSERA_ACKNOWLEDGED_POISON`): skipped with a log line, neither
   * dead-lettered again nor halting.
   */
  readonly acknowledged?: ReadonlySet<string>;
  /** How a throwing handler is retried before the record is dead-lettered (shared) or the reader halts (broadcast). */
  readonly retry?: RetryPolicy;
  /**
   * The topic to read when it is not the contract's name (an isolated test on a shared broker, the
   * replay bench's own copies); records are still decoded against `topic`'s contract.
   */
  readonly sourceTopic?: string;
  /** Where dead letters go; `tessera.dead-letter.v1` by default (tests give their own). */
  readonly deadLetterTopic?: string;
}

/** The position of a record, as `acknowledged` and the log lines name it. */
export function recordPosition(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}@${offset}`;
}

/** A record of a fetched batch with what it decoded to. */
type DecodedRecord<T extends TopicWithEvents> = {
  readonly message: KafkaMessage;
  readonly event: EventOnTopic<T>;
};

/**
 * Consumes one topic, parses every value against the contract before acting (CONVENTIONS: never trust
 * a payload), and hands valid events to the handler in partition order. No record is silently
 * dropped (issue #15 §3, docs/adr "poison events"):
 * - a record that does not decode (not JSON, unknown type or major version, schema mismatch) goes to
 *   the dead-letter topic with a log line; with `failClosed`, the reader also halts (not caught up);
 * - a handler that throws is retried with exponential backoff (`retry`); when it keeps throwing, a
 *   shared (durable, idempotent) consumer dead-letters the record and moves on, and a broadcast
 *   (in-memory) reader halts and keeps retrying, since skipping would leave its state wrong;
 * - nothing is committed past a record that was neither applied nor dead-lettered: a dead-letter
 *   produce that fails throws, so kafkajs reads the record again.
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
  /** Messages processed and per-partition lag, for `/metrics`. */
  readonly progress = new ConsumerProgress();
  private readonly deadLetters: DeadLetterSink;
  private readonly retry: RetryPolicy;
  private readonly source: string;
  /** Why this reader cannot be trusted until restarted (an undecodable record, with `failClosed`). */
  private poisoned: string | null = null;
  /** Why a broadcast reader is stuck on a record its handler keeps refusing; cleared once it succeeds. */
  private handlerStuck: string | null = null;
  private deadLettered = 0;
  private deadLetterFailures = 0;
  private retried = 0;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventStreamOptions<T>,
  ) {
    this.logger = new Logger(`Consumer:${options.name}`);
    this.source = options.sourceTopic ?? options.topic;
    this.currency = options.mode.kind === 'broadcast' ? new StreamCurrency(kafka, this.source) : null;
    this.deadLetters = new DeadLetterSink(kafka, options.deadLetterTopic);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /**
   * Whether everything that was on the topic when this reader started has been applied — false
   * again, for good, once it has met a record it could not apply and must not skip (`haltReason`).
   */
  get caughtUp(): boolean {
    return this.isCaughtUp && this.haltReason === null;
  }

  /** Why this reader's state cannot be trusted (see `failClosed`), or null. */
  get haltReason(): string | null {
    return this.poisoned ?? this.handlerStuck;
  }

  /** The topic it reads (the contract's, unless `sourceTopic` names another). */
  get topicRead(): string {
    return this.source;
  }

  /** Counters for /health/ready (no metrics library yet). */
  get counts(): {
    readonly deadLettered: number;
    readonly deadLetterFailures: number;
    readonly retried: number;
  } {
    return {
      deadLettered: this.deadLettered,
      deadLetterFailures: this.deadLetterFailures,
      retried: this.retried,
    };
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
    this.stopping = false;
    consumerStatuses.register(this.options.name, () => ({
      topic: this.source,
      mode: this.options.mode.kind,
      caught_up: this.caughtUp,
      dead_lettered: this.deadLettered,
      dead_letter_failures: this.deadLetterFailures,
      retried: this.retried,
      halted: this.haltReason,
    }));
    await this.run();
  }

  /**
   * kafkajs restarts a consumer by itself only after a retriable error; after any other (the broker
   * refusing SASL authentication for the seconds after a restart, before its credentials are
   * re-asserted) it disconnects, emits CRASH with `restart: false`, and reads nothing more, for good.
   * A reader of revocations that stops silently is a security hole, so this one is started again,
   * with backoff, until it runs or is stopped. Its state is kept: a broadcast reader replays the topic
   * into it (idempotent), not caught up again until it has, and its StreamCurrency lag grows
   * meanwhile, so the token gate fails closed rather than trusting a stale list.
   */
  private watchForCrash(consumer: Consumer): void {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      this.consumer = null;
      this.logger.error(
        JSON.stringify({
          msg: 'consumer stopped on a non-retriable error; starting it again',
          consumer: this.options.name,
          error: errorMessage(payload.error),
        }),
      );
      void this.restartAfterCrash();
    });
  }

  private async restartAfterCrash(): Promise<void> {
    for (let delay = 250; !this.stopping; delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopping) return;
      try {
        await this.run();
        this.logger.log(`restarted after a crash`);
        return;
      } catch (error) {
        this.logger.warn(`cannot restart yet (${errorMessage(error)}); retrying`);
        const consumer = this.consumer;
        this.consumer = null;
        await consumer?.disconnect().catch(() => undefined);
      }
    }
  }

  private async run(): Promise<void> {
    const { mode } = this.options;
    const topic = this.source;
    // In the principal's namespace, where its group ACL lets it join (kafka-client.ts).
    const groupId = consumerGroupId(
      this.kafka,
      mode.kind === 'shared' ? mode.groupId : `${this.options.name}-${randomUUID()}`,
    );
    await this.recordStartOffsets(groupId);
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    this.progress.watch(consumer);
    this.watchForCrash(consumer);
    await consumer.connect();
    // Stopped while connecting: this consumer is no longer ours to run.
    if (this.consumer !== consumer) throw new Error(`${this.options.name} was stopped while starting`);
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
          const records = await this.decodeAll(batch.topic, batch.partition, batch.messages);
          if (records.length > 0) {
            await this.applyOrDeadLetter(
              batch.topic,
              batch.partition,
              records,
              (some) => handleBatch(some.map(({ event }) => event)),
              () => payload.heartbeat(),
            );
          }
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
      eachMessage: async (payload) => {
        const { topic: from, partition, message } = payload;
        const meta: EventMeta = {
          topic: from,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
        };
        const records = await this.decodeAll(from, partition, [message]);
        if (records.length > 0) {
          await this.applyOrDeadLetter(
            from,
            partition,
            records,
            async ([record]) => {
              if (record) await this.options.handle(record.event, meta);
            },
            () => payload.heartbeat(),
          );
        }
        this.advance(partition, BigInt(message.offset) + 1n);
      },
    });
    this.logger.log(`consuming ${topic} (${mode.kind === 'shared' ? `group ${groupId}` : 'broadcast'})`);
  }

  private async runPositioned(
    consumer: Consumer,
    positioned: NonNullable<EventStreamOptions<T>['positioned']>,
  ): Promise<void> {
    const topic = this.source;
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
          const pending = batch.messages.filter((message) => BigInt(message.offset) >= from);
          const records = await this.decodeAll(batch.topic, batch.partition, pending);
          const handleSome = (some: readonly DecodedRecord<T>[], nextOffset: string) =>
            positioned.handle({
              topic: batch.topic,
              partition: batch.partition,
              events: some.map(({ event, message }) => ({ event, offset: message.offset })),
              nextOffset,
            });
          const appliedWhole = await this.applyOrDeadLetter(
            batch.topic,
            batch.partition,
            records,
            // A whole batch stores the batch's end; one record alone (after the batch kept failing)
            // stores the offset after it, and the batch's end is stored once all are done.
            (some) =>
              handleSome(
                some,
                some.length === records.length
                  ? next.toString()
                  : String(BigInt(some.at(-1)!.message.offset) + 1n),
              ),
            () => payload.heartbeat(),
          );
          // Some records were applied alone or dead-lettered: the batch's end is still to be stored.
          if (!appliedWhole) await handleSome([], next.toString());
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
    this.stopping = true;
    await this.currency?.stop();
    await consumer?.disconnect();
    await this.deadLetters.disconnect();
    consumerStatuses.remove(this.options.name);
  }

  /**
   * Decodes the records of one partition, in order; those that do not decode are dead-lettered
   * (awaited: a failed produce throws, and nothing is committed) and, with `failClosed`, halt the reader.
   */
  private async decodeAll(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<DecodedRecord<T>[]> {
    const records: DecodedRecord<T>[] = [];
    for (const message of messages) {
      if (!message.value) continue; // a compaction tombstone: nothing to apply
      const decoded = decodeEvent(this.options.topic, message.value);
      if (decoded.ok) {
        records.push({ message, event: decoded.event });
        continue;
      }
      const position = recordPosition(topic, partition, message.offset);
      if (this.options.acknowledged?.has(position)) {
        this.logger.warn(
          JSON.stringify({
            msg: 'skipping an acknowledged undecodable record',
            position,
            reason: decoded.reason,
          }),
        );
        continue;
      }
      // Halted before the produce: even if the dead letter cannot be written, the instance is not ready.
      if (this.options.failClosed) {
        this.poisoned ??=
          `${decoded.reason} at ${position} (${decoded.detail}): this instance cannot know what it failed to apply; ` +
          `restart it with a version that knows the event, or acknowledge the position (TESSERA_ACKNOWLEDGED_POISON)`;
      }
      await this.sendToDeadLetters(topic, partition, message, decoded.reason, decoded.detail);
    }
    return records;
  }

  /**
   * Applies decoded records with `apply` (all at once, retried with backoff). When that keeps failing
   * and there is more than one record, each is applied alone so one poison record does not take its
   * neighbours with it. A record whose handler keeps failing is dead-lettered by a shared consumer;
   * a broadcast reader halts and retries it (at the longest delay) until it succeeds or stops.
   * Returns whether the records were applied together (in one call of `apply`).
   */
  private async applyOrDeadLetter(
    topic: string,
    partition: number,
    records: readonly DecodedRecord<T>[],
    apply: (some: readonly DecodedRecord<T>[]) => Promise<void>,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const whole = await this.retrying(() => apply(records), heartbeat);
    if (whole.ok) return true;
    for (const record of records) {
      const alone = records.length === 1 ? whole : await this.retrying(() => apply([record]), heartbeat);
      if (alone.ok) continue;
      const position = recordPosition(topic, partition, record.message.offset);
      const detail = `${record.event.type} ${record.event.id}: ${errorMessage(alone.error)}`;
      if (this.options.mode.kind === 'broadcast') {
        await this.retryUntilApplied(position, detail, () => apply([record]), heartbeat);
        continue;
      }
      await this.sendToDeadLetters(topic, partition, record.message, 'handler_failed', detail);
    }
    return false;
  }

  private retrying(work: () => Promise<void>, heartbeat: () => Promise<void>) {
    return retryWithBackoff(
      work,
      this.retry,
      async () => {
        this.retried += 1;
        await heartbeat();
      },
      () => this.stopping,
    );
  }

  /**
   * A broadcast reader's state would be wrong without this record, so it does not skip it: it is not
   * ready (halted, with the reason) while it keeps trying, and ready again once the record applies.
   */
  private async retryUntilApplied(
    position: string,
    detail: string,
    work: () => Promise<void>,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    this.handlerStuck = `handler_failed at ${position} (${detail}): retrying; not ready until it applies`;
    this.logger.error(JSON.stringify({ msg: 'handler keeps failing; reader halted', position, detail }));
    for (;;) {
      if (this.stopping) throw new Error(`stopped while ${position} was not applied`);
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(this.retry, Number.MAX_SAFE_INTEGER)));
      try {
        await work();
        break;
      } catch (error) {
        this.retried += 1;
        this.handlerStuck = `handler_failed at ${position} (${errorMessage(error)}): retrying; not ready until it applies`;
      }
    }
    this.handlerStuck = null;
    this.logger.log(JSON.stringify({ msg: 'record applied after its handler had kept failing', position }));
  }

  private async sendToDeadLetters(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DeadLetterReason,
    detail: string,
  ): Promise<void> {
    const position = recordPosition(topic, partition, message.offset);
    try {
      await this.deadLetters.send({ topic, partition, consumer: this.options.name }, message, reason, detail);
    } catch (error) {
      this.deadLetterFailures += 1;
      this.logger.error(
        JSON.stringify({
          msg: 'dead-letter produce failed; the record will be read again',
          position,
          reason,
          error: errorMessage(error),
        }),
      );
      // A plain error, whatever the producer's was: kafkajs retries (and restarts the consumer for)
      // a plain error from a handler, but would stop for good on a non-retriable Kafka error.
      throw new Error(`the dead letter of ${position} was not written: ${errorMessage(error)}`);
    }
    this.deadLettered += 1;
    this.logger.error(
      JSON.stringify({
        msg: 'dead-lettered',
        consumer: this.options.name,
        position,
        key: message.key?.toString('utf8') ?? null,
        reason,
        detail,
        halted: this.options.failClosed === true && reason !== 'handler_failed',
      }),
    );
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
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [this.source] });
        for (const { partition, offset } of offsets?.partitions ?? []) {
          if (BigInt(offset) >= 0n) committed.set(partition, BigInt(offset));
        }
      }
      for (const { partition, high, low } of await admin.fetchTopicOffsets(this.source)) {
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
    this.logger.log(`caught up with ${this.source}`);
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }
}
