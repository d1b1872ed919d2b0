import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';

export const KAFKA = Symbol('KAFKA');

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
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

/** One kafkajs client per process; producers, consumers and the admin client come from it. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    // Keep kafkajs quiet except for real problems; our own logs say what the service is doing.
    logLevel: logLevel.ERROR,
    logCreator: throughNestLogger,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
  };
  return new Kafka(config);
}
