import type { EventOnTopic, TopicWithEvents } from '@app/contracts';
import type { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, type PositionedBatch, type KafkaClient } from '@app/kafka';
import type { LogRow } from './log-row';
import type { LogIngestionService } from './log-ingestion.service';

/**
 * Reads one topic into the log store, a batch at a time, with its position stored beside the rows
 * (libs/kafka `positions`): after a restart it resumes after the last stored batch, and a batch
 * Kafka delivers again is dropped by offset and, should it get through, by event id.
 * Issuance never waits for this: it only reads the topics.
 */
export abstract class LogStreamSubscriber<T extends TopicWithEvents> extends EventStreamSubscriber<T> {
  private readonly consumerName: string;

  protected constructor(
    kafka: KafkaClient,
    private readonly ingestion: LogIngestionService,
    readiness: ReadinessRegistry,
    options: { name: string; topic: T; groupId: string },
  ) {
    super(kafka, {
      name: options.name,
      topic: options.topic,
      mode: { kind: 'shared', groupId: options.groupId },
      positions: { load: (topic) => ingestion.positions(options.groupId, topic) },
    });
    this.consumerName = options.groupId;
    readiness.register(`${options.topic} ingested`, () => this.caughtUp);
  }

  /** The log event of one event, or null when the event is not a log event of its own. */
  protected abstract toLog(event: EventOnTopic<T>): LogRow | null;

  protected handle(): Promise<void> {
    // Every batch goes through handlePositionedBatch (positions are set).
    return Promise.reject(new Error('LogStreamSubscriber handles positioned batches only'));
  }

  protected override async handlePositionedBatch(batch: PositionedBatch<T>): Promise<void> {
    const rows = batch.events.flatMap(({ event }) => {
      const row = this.toLog(event);
      return row ? [row] : [];
    });
    await this.ingestion.ingest(rows, {
      consumer: this.consumerName,
      topic: batch.topic,
      partition: batch.partition,
      nextOffset: batch.nextOffset,
    });
  }
}
