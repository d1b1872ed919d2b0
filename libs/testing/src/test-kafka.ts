import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import {
  createKafka,
  groupNamespace,
  kafkaSecurityFrom,
  localKafkaEnv,
  type KafkaSecurity,
} from '@app/kafka';
import type { ServiceName } from './service-processes';

/**
 * The broker the tests use: `KAFKA_BROKERS` (scripts/infra/kafka-env.sh, which `npm test` evaluates),
 * else the local default.
 */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
}

/**
 * A kafkajs client for a test, as the principal `npm test` exported (the admin: a super user, so a
 * test may read and write any topic and inspect any group). Quiet: a test asserts on what it reads.
 */
export function testKafka(clientId: string, brokers: readonly string[] = testBrokers()): Kafka {
  return createKafka({ brokers, clientId, security: kafkaSecurityFrom(process.env), quiet: true });
}

/** The consumer-group id a service process uses for `name` (its principal's namespace, kafka-client.ts). */
export function serviceGroupId(repoRoot: string, service: ServiceName, name: string): string {
  return `${groupNamespace(kafkaSecurityFrom(localKafkaEnv(repoRoot, `tessera-${service}`)))}${name}`;
}

/**
 * A new outside subscriber of the local secured broker (scripts/infra/kafka-subscriber.sh: its own
 * SCRAM login, read-only ACLs), as an API team would get one: its client settings, as kafkajs
 * options and as the environment variables a subscriber process reads.
 */
export function addTestSubscriber(
  repoRoot: string,
  name: string,
): { security: KafkaSecurity; env: Record<string, string> } {
  execFileSync('bash', [join(repoRoot, 'scripts/infra/kafka-subscriber.sh'), 'add', name], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  const settings = readFileSync(join(repoRoot, `.tessera/kafka/subscribers/${name}.env`), 'utf8');
  const env = Object.fromEntries(
    settings
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { security: kafkaSecurityFrom(env), env };
}

/** Removes a subscriber added by `addTestSubscriber`: its login and its ACLs. */
export function removeTestSubscriber(repoRoot: string, name: string): void {
  execFileSync('bash', [join(repoRoot, 'scripts/infra/kafka-subscriber.sh'), 'remove', name], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
}

/** True when the tests run against a secured broker (the default), false for a plaintext one. */
export function brokerIsSecured(): boolean {
  return (process.env.KAFKA_SECURITY_PROTOCOL ?? 'sasl_ssl') === 'sasl_ssl';
}
