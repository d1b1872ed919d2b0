import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DEAD_LETTER_HEADERS, TOPICS, type DeadLetterReason } from '@app/contracts';

/** Where a dead-lettered record was read, and which consumer gave up on it. */
export interface DeadLetterOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly consumer: string;
}

const MAX_DETAIL_LENGTH = 500;

/** The headers of a dead letter (DEAD_LETTER_HEADERS): where the record came from and why. */
export function deadLetterHeaders(
  origin: DeadLetterOrigin,
  message: Pick<KafkaMessage, 'offset' | 'key' | 'timestamp'>,
  reason: DeadLetterReason,
  detail: string,
  failedAt = new Date(),
): Record<string, string> {
  return {
    [DEAD_LETTER_HEADERS.topic]: origin.topic,
    [DEAD_LETTER_HEADERS.partition]: String(origin.partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
    ...(message.key ? { [DEAD_LETTER_HEADERS.key]: message.key.toString('utf8') } : {}),
    [DEAD_LETTER_HEADERS.timestamp]: message.timestamp,
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.detail]: detail.slice(0, MAX_DETAIL_LENGTH),
    [DEAD_LETTER_HEADERS.consumer]: origin.consumer,
    [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
  };
}

/**
 * Writes records a consumer could not apply to `tessera.dead-letter.v1`, byte for byte, through its
 * own idempotent producer (acks from all in-sync replicas), connected on the first dead letter.
 * `send` resolves only once the broker has the record: a consumer commits past a dead-lettered
 * record only after that, so a failed produce leaves the record to be read again.
 */
export class DeadLetterSink {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string = TOPICS.deadLetter.name,
  ) {}

  async send(
    origin: DeadLetterOrigin,
    message: Pick<KafkaMessage, 'offset' | 'key' | 'timestamp' | 'value'>,
    reason: DeadLetterReason,
    detail: string,
  ): Promise<void> {
    const producer = await this.connected();
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(origin, message, reason, detail),
        },
      ],
    });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect();
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Fail within seconds rather than the client's minute and more: a failed dead letter throws,
        // the consumer reads the record again and tries anew, so nothing is lost by failing early.
        retry: { initialRetryTime: 100, retries: 4, maxRetryTime: 2_000 },
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
