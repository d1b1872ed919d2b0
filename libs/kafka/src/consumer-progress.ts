import type { Consumer } from 'kafkajs';

/**
 * What a consumer has done, as kafkajs reports it after every batch: messages processed and, per
 * partition, how far behind the partition's end it is (in messages). Read by `/metrics`; the
 * consumer's own logic does not depend on it.
 */
export class ConsumerProgress {
  private processed = 0;
  private readonly lags = new Map<number, number>();

  watch(consumer: Consumer): void {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.processed += payload.batchSize;
      this.lags.set(payload.partition, Math.max(0, Number(payload.offsetLagLow)));
    });
  }

  get messagesProcessed(): number {
    return this.processed;
  }

  /** Per partition seen so far: messages between this consumer's position and the partition's end. */
  get partitionLags(): ReadonlyMap<number, number> {
    return this.lags;
  }
}
