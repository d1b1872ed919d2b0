import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

export const KAFKA = Symbol('KAFKA');

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

/** One kafkajs client per process; producers, consumers and the admin client come from it. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    // Keep kafkajs quiet except for real problems; our own logs say what the service is doing.
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
  };
  return new Kafka(config);
}
