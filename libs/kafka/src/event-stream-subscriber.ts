import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { EventOnTopic, TopicWithEvents } from '@app/contracts';
import { EventStreamConsumer, type ConsumptionMode, type EventMeta } from './event-stream-consumer';

/**
 * A Nest provider that consumes one topic for the life of the app: started once the app has booted,
 * stopped on shutdown. Subclasses say what to do with each event.
 */
export abstract class EventStreamSubscriber<T extends TopicWithEvents>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  protected readonly stream: EventStreamConsumer<T>;

  protected constructor(kafka: Kafka, options: { name: string; topic: T; mode: ConsumptionMode }) {
    this.stream = new EventStreamConsumer(kafka, {
      ...options,
      handle: (event, meta) => this.handle(event, meta),
    });
  }

  protected abstract handle(event: EventOnTopic<T>, meta: EventMeta): Promise<void>;

  /** For broadcast readers: whether everything that was on the topic at start has been applied. */
  get caughtUp(): boolean {
    return this.stream.caughtUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.stream.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stream.stop();
  }
}
