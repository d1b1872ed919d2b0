import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';

/**
 * The Kafka client types the apps use, named here so that no app imports `kafkajs` itself (issue #22
 * §5): a change of client library is then a change of `libs/kafka`, whose own code is the only one
 * that speaks kafkajs.
 */
/** A connected-on-demand client of the cluster, as `createKafka` makes it (injected as `KAFKA`). */
export type KafkaClient = Kafka;
/** A consumer-group member that an app runs by hand (log streams: one group per stream). */
export type GroupConsumer = Consumer;
/** One fetched batch of one partition, with its offset and heartbeat controls. */
export type FetchedBatch = EachBatchPayload;
