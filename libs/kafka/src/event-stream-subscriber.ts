import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { ConsumerProgress } from './consumer-progress';
import type { EventOnTopic, TopicWithEvents } from '@app/contracts';
import {
  EventStreamConsumer,
  type ConsumptionMode,
  type EventMeta,
  type EventStreamOptions,
  type PositionedBatch,
  type StoredPositions,
} from './event-stream-consumer';
import { TRACE_EVENTS, traceEvent } from './event-trace';
import { keepStarting } from './keep-starting';

/**
 * A Nest provider that consumes one topic for the life of the app: started once the app has booted,
 * stopped on shutdown. Subclasses say what to do with each event. When the broker cannot be reached
 * at start, the service still starts (not ready, for broadcast readers) and keeps trying.
 */
export abstract class EventStreamSubscriber<T extends TopicWithEvents>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly stream: EventStreamConsumer<T>;
  private readonly logger: Logger;
  private readonly streamName: string;
  private readonly streamTopic: string;
  private stopped = false;
  private starting: Promise<void> | null = null;

  protected constructor(
    kafka: Kafka,
    options: {
      name: string;
      topic: T;
      mode: ConsumptionMode;
      batched?: boolean;
      /** Positions kept beside the rows: batches go to `handlePositionedBatch` (EventStreamOptions). */
      positions?: StoredPositions;
    } & Pick<
      EventStreamOptions<T>,
      'failClosed' | 'acknowledged' | 'retry' | 'sourceTopic' | 'deadLetterTopic'
    >,
  ) {
    const { positions, ...rest } = options;
    this.stream = new EventStreamConsumer(kafka, {
      ...rest,
      handle: (event, meta) => {
        if (TRACE_EVENTS) traceEvent(this.logger, event, meta);
        return this.handle(event, meta);
      },
      ...(options.batched
        ? {
            handleBatch: (events: EventOnTopic<T>[]) => {
              if (TRACE_EVENTS) for (const event of events) traceEvent(this.logger, event);
              return this.handleBatch(events);
            },
          }
        : {}),
      ...(positions
        ? {
            positioned: {
              store: positions,
              handle: (batch: PositionedBatch<T>) => this.handlePositionedBatch(batch),
            },
          }
        : {}),
    });
    this.logger = new Logger(`Subscriber:${options.name}`);
    this.streamName = options.name;
    this.streamTopic = options.topic;
  }

  protected abstract handle(event: EventOnTopic<T>, meta: EventMeta): Promise<void>;

  /** For `batched` subscribers: the events of one fetched batch. By default, one by one. */
  protected async handleBatch(events: EventOnTopic<T>[]): Promise<void> {
    for (const event of events)
      await this.handle(event, { topic: '', partition: -1, offset: '-1', key: null });
  }

  /** For subscribers with `positions`: one batch, whose rows and `nextOffset` go in one transaction. */
  protected handlePositionedBatch(_batch: PositionedBatch<T>): Promise<void> {
    return Promise.reject(new Error(`${this.constructor.name} was given positions but handles no batch`));
  }

  /** Its name, topic and progress, for `/metrics` (StreamMetrics). */
  get description(): { name: string; topic: string; progress: ConsumerProgress } {
    return { name: this.streamName, topic: this.streamTopic, progress: this.stream.progress };
  }

  /** Whether everything that was on the topic when this reader started has been applied. */
  get caughtUp(): boolean {
    return this.stream.caughtUp;
  }

  /** Why this reader cannot be trusted (an event it could not apply), or null (EventStreamConsumer). */
  get haltReason(): string | null {
    return this.stream.haltReason;
  }

  /** How long ago this reader was last known to be current with its topic (see StreamCurrency). */
  lagMs(): number {
    return this.stream.lagMs();
  }

  onApplicationBootstrap(): Promise<void> {
    this.starting = this.startWithRetries();
    return Promise.resolve();
  }

  /** Stops consuming before the database and other connections close, so no handler runs half-way. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.stream.stop();
  }

  private startWithRetries(): Promise<void> {
    return keepStarting(this.stream, this.logger, () => this.stopped);
  }
}
