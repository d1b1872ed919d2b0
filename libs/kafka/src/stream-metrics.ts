import { Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Metrics } from '@app/metrics';
import { consumerStatuses, type ConsumerStatus } from './consumer-status';
import { EventStreamSubscriber } from './event-stream-subscriber';
import { transportStreams, type StreamReader } from './nest-transport/event-stream-transport';

/**
 * Every stream consumer of the app on `/metrics` (issue #18 §1), found among the app's providers
 * once it has booted, and those its EventStreamTransport runs (`transportStreams`), read at scrape time:
 * - `tessera_stream_caught_up`: 1 once it has applied everything that was on its topic at start;
 * - `tessera_stream_staleness_seconds`: how long ago it was last known current (+Inf before replay;
 *   what the fail-closed gate compares with `TESSERA_MAX_STREAM_LAG_SECONDS`);
 * - `tessera_consumer_lag_messages`: per partition, messages between its position and the end;
 * - `tessera_stream_messages_processed_total`: messages it has processed;
 * - `tessera_dead_letters_total`, `tessera_dead_letter_failures_total`, `tessera_handler_retries_total`
 *   and `tessera_stream_halted` (1 while a fail-closed reader refuses to go on: ADR 0015), from the
 *   consumers' status board (`/health/ready` shows the same).
 * Labelled by consumer name and topic, both fixed by the code.
 */
@Injectable()
export class StreamMetrics implements OnApplicationBootstrap {
  private subscribers: StreamReader[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    const metrics = this.metrics;
    if (!metrics) return;
    this.subscribers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter(
        (instance): instance is EventStreamSubscriber<never> => instance instanceof EventStreamSubscriber,
      );
    // Read at scrape time: the readers of an EventStreamTransport start after the app has booted.
    const subscribers = () =>
      [...this.subscribers, ...transportStreams].map((subscriber) => ({
        subscriber,
        ...subscriber.description,
      }));
    metrics.gauge({
      name: 'tessera_stream_caught_up',
      help: 'Whether the consumer has applied everything that was on its topic when it started (1) or not (0)',
      labelNames: ['consumer', 'topic'],
      collect() {
        for (const { subscriber, name, topic } of subscribers())
          this.set({ consumer: name, topic }, subscriber.caughtUp ? 1 : 0);
      },
    });
    metrics.gauge({
      name: 'tessera_stream_staleness_seconds',
      help: 'How long ago the consumer was last known current with its topic (+Inf before it has replayed it)',
      labelNames: ['consumer', 'topic'],
      collect() {
        for (const { subscriber, name, topic } of subscribers())
          this.set({ consumer: name, topic }, subscriber.lagMs() / 1000);
      },
    });
    metrics.gauge({
      name: 'tessera_consumer_lag_messages',
      help: 'Messages between the consumer position and the end of the partition, after its last batch',
      labelNames: ['consumer', 'topic', 'partition'],
      collect() {
        for (const { name, topic, progress } of subscribers())
          for (const [partition, lag] of progress.partitionLags)
            this.set({ consumer: name, topic, partition: String(partition) }, lag);
      },
    });
    const fromBoard = (
      field: keyof Pick<ConsumerStatus, 'dead_lettered' | 'dead_letter_failures' | 'retried'>,
    ) =>
      function collect(this: { reset(): void; inc(labels: Record<string, string>, value: number): void }) {
        this.reset();
        for (const [consumer, status] of Object.entries(consumerStatuses.all()))
          this.inc({ consumer, topic: status.topic }, status[field]);
      };
    metrics.counter({
      name: 'tessera_dead_letters_total',
      help: 'Records the consumer sent to tessera.dead-letter.v1 (undecodable, or its handler kept failing)',
      labelNames: ['consumer', 'topic'],
      collect: fromBoard('dead_lettered'),
    });
    metrics.counter({
      name: 'tessera_dead_letter_failures_total',
      help: 'Dead letters that could not be written (the record is read again; nothing is committed past it)',
      labelNames: ['consumer', 'topic'],
      collect: fromBoard('dead_letter_failures'),
    });
    metrics.counter({
      name: 'tessera_handler_retries_total',
      help: 'Handler tries the consumer repeated after a failure',
      labelNames: ['consumer', 'topic'],
      collect: fromBoard('retried'),
    });
    metrics.gauge({
      name: 'tessera_stream_halted',
      help: 'Whether a fail-closed consumer refuses to go on past a record it cannot apply (1) or not (0)',
      labelNames: ['consumer', 'topic'],
      collect() {
        for (const [consumer, status] of Object.entries(consumerStatuses.all()))
          this.set({ consumer, topic: status.topic }, status.halted ? 1 : 0);
      },
    });
    metrics.counter({
      name: 'tessera_stream_messages_processed_total',
      help: 'Messages the consumer has processed',
      labelNames: ['consumer', 'topic'],
      collect() {
        this.reset();
        for (const { name, topic, progress } of subscribers())
          this.inc({ consumer: name, topic }, progress.messagesProcessed);
      },
    });
  }
}
