import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import { groupNamespace, kafkajsSecurity, type KafkaSecurity } from './kafka-security';

export const KAFKA = Symbol('KAFKA');

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Default: plaintext (tests and scripts of a plaintext broker); services always pass theirs. */
  readonly security?: KafkaSecurity;
  /** No kafkajs log lines at all: tests and scripts that report what they read themselves. */
  readonly quiet?: boolean;
}

/**
 * kafkajs's own log lines through the service's logger (Nest's Logger, pino in a service: one JSON
 * object per line with `service`), instead of kafkajs's console JSON of another shape.
 */
const throughNestLogger: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...fields } = log;
    const line = { msg: message, ...fields };
    if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else if (level === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
};

/** Each client's group namespace, so every consumer of it names its groups the way its ACLs allow. */
const namespaces = new WeakMap<Kafka, string>();

/** The kafkajs configuration of a Tessera client: brokers, TLS and SASL, retries, logging. */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    // Keep kafkajs quiet except for real problems; our own logs say what the service is doing.
    logLevel: options.quiet ? logLevel.NOTHING : logLevel.ERROR,
    logCreator: throughNestLogger,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    ...kafkajsSecurity(options.security ?? { protocol: 'plaintext' }),
  };
}

/** One kafkajs client per process; producers, consumers and the admin client come from it. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const kafka = new Kafka(kafkaClientConfig(options));
  namespaces.set(kafka, groupNamespace(options.security ?? { protocol: 'plaintext' }));
  return kafka;
}

/**
 * The consumer-group id a client uses for `name`: prefixed with its principal's namespace
 * (`tessera-issuance.…`) on a secured broker, `name` itself on a plaintext one or for a client not
 * made by `createKafka`. Anything that asks the broker about a group (offsets, lag) goes through it.
 */
export function consumerGroupId(kafka: Kafka, name: string): string {
  const namespace = namespaces.get(kafka) ?? '';
  return name.startsWith(namespace) ? name : `${namespace}${name}`;
}
