import { Logger } from '@nestjs/common';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';

export interface OutgoingEvent {
  readonly topic: string;
  readonly key: string;
  /**
   * The serialized event envelope (JSON), or null for a tombstone: on a compacted topic it tells the
   * broker to drop every record of this key (revocation's janitor, issue #15 §2).
   */
  readonly value: string | null;
}

/**
 * Publishes events through one idempotent producer (no duplicates from producer retries; acks from
 * all in-sync replicas). kafkajs has no linger, so callers hand over batches: the outbox relay sends
 * everything pending in one `sendBatch`. With the idempotent producer's unlimited retries, a send
 * during a broker outage waits for the broker instead of failing: events are delayed, never lost.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(private readonly kafka: Kafka) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, { key: string; value: string | null }[]>();
    for (const event of events) {
      const messages = byTopic.get(event.topic) ?? [];
      messages.push({ key: event.key, value: event.value });
      byTopic.set(event.topic, messages);
    }
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    this.connecting = null;
    await producer?.disconnect();
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.logger.log('producer connected');
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
