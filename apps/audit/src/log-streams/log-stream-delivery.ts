import { Logger } from '@nestjs/common';
import {
  consumerGroupId,
  errorMessage,
  type FetchedBatch,
  type GroupConsumer,
  type KafkaClient,
} from '@app/kafka';
import type { GuardedHttpClient } from '@app/http';
import { LOG_TOPICS, logOfRecord, type LogTopic } from '../ingestion/log-topics';
import { withinRetention } from '../ingestion/log-ingestion.service';
import type { LogRow } from '../ingestion/log-row';
import type { LogEventsRepository } from '../log-store/log-events.repository';
import { logIdOf } from '../logs/log-query';
import { logView } from '../logs/log-view';
import { DeliveryFailure, HttpLogSink, type StreamedLog } from './http-log-sink';
import { passesFilters } from './log-stream-categories';
import { streamConsumer, type LogStreamRecord, type LogStreamsRepository } from './log-streams.repository';

const FIRST_RETRY_DELAY_MS = 250;
/** How long a batch waits for the log store to have its events before each new look. */
const INGESTION_WAIT_MS = 100;
const INGESTION_WARN_AFTER_MS = 30_000;

export interface LogStreamDeliverySettings {
  readonly groupPrefix: string;
  readonly hostname: string;
  readonly retentionDays: number;
  readonly suspendAfterMs: number;
  readonly maxRetryDelayMs: number;
}

export interface LogStreamDeliveryDeps {
  readonly kafka: KafkaClient;
  readonly streams: LogStreamsRepository;
  readonly logs: LogEventsRepository;
  readonly http: GuardedHttpClient;
  readonly settings: LogStreamDeliverySettings;
}

/**
 * Delivers one log stream, from Kafka: a consumer group of its own reads the three log topics, and
 * each fetched batch (one partition, in order) is delivered whole before the next, so logs arrive in
 * order per partition. Where the stream stands is stored in PostgreSQL once a batch was accepted
 * (`consumer_positions`, consumer `log-stream:<id>`), and Kafka's commit follows it, never ahead: a
 * restart, a rebalance or a resumption delivers from the first log not accepted (at least once).
 *
 * Each log is delivered as the log store holds it (`GET /api/v2/logs/{id}` answers the same `data`
 * for its `log_id`), so a batch waits until ingestion has stored its events. A batch the receiver
 * refuses is sent again with backoff; once the stream has been failing for `suspendAfterMs` it is
 * suspended and this delivery halts where it is, until `PATCH {status: "active"}`.
 */
export class LogStreamDelivery {
  private readonly logger: Logger;
  private readonly sink: HttpLogSink;
  private readonly categories: ReadonlySet<string>;
  private consumer: GroupConsumer | null = null;
  /** Per `topic/partition`: the next offset to deliver, as stored (loaded on every group join). */
  private readonly next = new Map<string, bigint>();
  private loaded: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Suspended by its failures: nothing more is delivered by this instance of the delivery. */
  private halted = false;
  private crashedFlag = false;
  /** Whether the stream's failure clock is running (stored `failing_since`), to clear it once delivered. */
  private failing: boolean;
  private wake: (() => void) | null = null;

  constructor(
    readonly stream: LogStreamRecord,
    private readonly deps: LogStreamDeliveryDeps,
  ) {
    this.logger = new Logger(`LogStream:${stream.id}`);
    this.sink = new HttpLogSink(deps.http, stream.sink);
    this.categories = new Set(stream.filters.map((filter) => filter.name));
    this.failing = stream.failingSince !== null;
  }

  /** kafkajs gave up on the consumer (a non-retriable error): the supervisor starts a new delivery. */
  get crashed(): boolean {
    return this.crashedFlag;
  }

  async start(): Promise<void> {
    const { kafka, settings } = this.deps;
    const consumer = kafka.consumer({
      groupId: consumerGroupId(kafka, `${settings.groupPrefix}.audit.log-stream.${this.stream.id}`),
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping) this.crashedFlag = true;
    });
    // Emitted before the first fetch of each generation, so every batch waits for these positions.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.loaded = this.loadPositions(consumer, payload.memberAssignment);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...LOG_TOPICS], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.deliverBatch(payload),
    });
  }

  /** Stops between two attempts (an attempt in flight finishes); the position stays as stored. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
  }

  /**
   * The stored position of each assigned partition; one the stream has never delivered from starts at
   * the stream's `start_from` (the first record at or after it). The seek only saves reading: batches
   * are filtered by these positions whatever offset they were fetched from.
   */
  private async loadPositions(consumer: GroupConsumer, assignment: Record<string, number[]>): Promise<void> {
    for (let delay = FIRST_RETRY_DELAY_MS; !this.stopping; delay = this.longer(delay)) {
      try {
        for (const [topic, partitions] of Object.entries(assignment)) {
          const stored = await this.deps.logs.positions(streamConsumer(this.stream.id), topic);
          const missing = partitions.filter((partition) => !stored.has(partition));
          if (missing.length > 0) {
            for (const [partition, offset] of await this.offsetsAtStart(topic)) {
              if (!stored.has(partition)) stored.set(partition, offset);
            }
          }
          for (const partition of partitions) {
            const offset = stored.get(partition) ?? 0n;
            this.next.set(`${topic}/${partition}`, offset);
            consumer.seek({ topic, partition, offset: offset.toString() });
          }
        }
        return;
      } catch (error) {
        this.logger.warn(`cannot load its positions yet (${errorMessage(error)}); retrying`);
        await this.pause(delay);
      }
    }
  }

  private async offsetsAtStart(topic: string): Promise<Map<number, bigint>> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const [atTime, latest] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, this.stream.startFrom.getTime()),
        admin.fetchTopicOffsets(topic),
      ]);
      const high = new Map(latest.map(({ partition, high: offset }) => [partition, BigInt(offset)]));
      // -1: nothing at or after that time yet, so the stream starts at the partition's end.
      return new Map(
        atTime.map(({ partition, offset }) => [
          partition,
          offset === '-1' ? (high.get(partition) ?? 0n) : BigInt(offset),
        ]),
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async deliverBatch(payload: FetchedBatch): Promise<void> {
    const { batch } = payload;
    await this.loaded;
    const last = batch.messages.at(-1);
    if (!last || this.stopping || this.halted || payload.isStale()) return;
    const key = `${batch.topic}/${batch.partition}`;
    const from = this.next.get(key) ?? 0n;
    const end = BigInt(last.offset) + 1n;
    if (end > from) {
      const topic = batch.topic as LogTopic;
      const now = Date.now();
      const rows = batch.messages
        .filter((message) => BigInt(message.offset) >= from)
        .map((message) => logOfRecord(topic, message.value))
        .filter((row): row is LogRow => row !== null && this.wanted(row, now));
      const logs = await this.storedLogs(rows, payload);
      // Stopped, rebalanced away or suspended: nothing is resolved, the position stays.
      if (logs === null || !(await this.deliverWithRetries(logs, payload))) return;
      await this.deps.streams.savePosition(this.stream.id, batch.topic, batch.partition, end);
      this.next.set(key, end);
    }
    payload.resolveOffset(last.offset);
    await this.consumer
      ?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: end.toString() }])
      .catch(() => undefined); // Kafka's commit only saves re-reading; the stored position rules.
    await payload.heartbeat();
  }

  /** Within retention (the store keeps nothing older) and through the stream's filters. */
  private wanted(row: LogRow, now: number): boolean {
    return (
      withinRetention(row, this.deps.settings.retentionDays, now) && passesFilters(row.type, this.categories)
    );
  }

  /** The batch's logs as stored, in the batch's order, once ingestion has them all; null when stopped. */
  private async storedLogs(rows: readonly LogRow[], payload: FetchedBatch): Promise<StreamedLog[] | null> {
    const startedAt = Date.now();
    let warned = false;
    while (!this.stopping && !payload.isStale()) {
      const stored = await this.deps.logs.findByEvents(rows);
      if (stored.length >= rows.length) {
        const byEvent = new Map(stored.map((log) => [log.event_id, log]));
        return rows.map((row) => {
          const log = byEvent.get(row.event_id)!;
          return {
            log_id: logIdOf(new Date(log.date), log.seq),
            data: logView(log, this.deps.settings.hostname),
          };
        });
      }
      if (!warned && Date.now() - startedAt > INGESTION_WARN_AFTER_MS) {
        warned = true;
        this.logger.warn(`waiting for the log store to ingest ${rows.length - stored.length} event(s)`);
      }
      await payload.heartbeat();
      await this.pause(INGESTION_WAIT_MS);
    }
    return null;
  }

  /** True once delivered; false when stopped, rebalanced away, or suspended for its failures. */
  private async deliverWithRetries(logs: readonly StreamedLog[], payload: FetchedBatch): Promise<boolean> {
    if (logs.length === 0) return true;
    for (let delay = FIRST_RETRY_DELAY_MS; ; delay = this.longer(delay)) {
      try {
        await this.sink.deliver(logs);
        if (this.failing) {
          await this.deps.streams.clearFailure(this.stream.id);
          this.failing = false;
        }
        return true;
      } catch (error) {
        const reason = error instanceof DeliveryFailure ? error.reason : errorMessage(error);
        this.failing = true;
        const since = await this.deps.streams.recordFailure(this.stream.id, reason).catch(() => new Date());
        if (Date.now() - since.getTime() >= this.deps.settings.suspendAfterMs) {
          await this.deps.streams.suspend(this.stream.id);
          this.halted = true;
          this.logger.warn(`suspended: failing since ${since.toISOString()} (${reason})`);
          return false;
        }
        this.logger.warn(`delivery failed (${reason}); again in ${delay} ms`);
      }
      await payload.heartbeat().catch(() => undefined);
      await this.pause(delay);
      if (this.stopping || payload.isStale()) return false;
    }
  }

  private longer(delay: number): number {
    return Math.min(delay * 2, this.deps.settings.maxRetryDelayMs);
  }

  /** Waits `ms`, or less when the delivery is stopped. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
