/**
 * One fresh validator for `npm run bench -- replay`, in a process of its own so its memory is its own:
 * the revocation replay path of every validator (EventStreamConsumer in broadcast mode → RevocationList),
 * reading the bench's copy of the revocation topic (argv[2]). With `nest` (argv[4]), the same list is
 * fed by a Nest app's `@EventPattern` handler through EventStreamTransport instead (issue #16 §4), so
 * the transport's cost shows beside the bare consumer's. Prints one JSON line: time to ready (from
 * start to caught up), RSS and heap after ready (after a full GC), and the entries held.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { TOPICS, isConsistentRevocation, type EventOnTopic } from '@app/contracts';
import {
  createKafka,
  EventHandlerErrors,
  EventStreamConsumer,
  EventStreamTransport,
  kafkaSecurityFrom,
  OnEvent,
  type EventSubscription,
} from '@app/kafka';
import { RevocationList } from '../../libs/jwt/src/revocation-list';

const list = new RevocationList();
type Revocation = EventOnTopic<typeof TOPICS.tokensRevoked.name>;

function apply(event: Revocation): void {
  if (isConsistentRevocation(event)) list.apply(event.payload);
}

const REPLAY: EventSubscription<typeof TOPICS.tokensRevoked.name> = {
  name: 'bench-replay-nest',
  topic: TOPICS.tokensRevoked.name,
  mode: 'broadcast',
};

@Controller()
class ReplayHandler {
  @OnEvent(REPLAY, 'access_token.revoked')
  revoked(@Payload() event: Revocation): void {
    apply(event);
  }
}

@Module({ controllers: [ReplayHandler] })
class ReplayModule {}

/** Replays `topic` through a Nest app's handler; resolves once caught up, with how to stop it. */
async function replayThroughNest(kafka: Kafka, topic: string): Promise<() => Promise<void>> {
  const transport = new EventStreamTransport({
    kafka,
    sourceTopics: { [TOPICS.tokensRevoked.name]: topic },
  });
  const app = await NestFactory.createMicroservice(ReplayModule, { strategy: transport, logger: false });
  app.useGlobalFilters(new EventHandlerErrors());
  await app.listen();
  await transport.whenCaughtUp();
  return () => app.close();
}

/** Replays `topic` with the bare consumer, as every validator does. */
async function replayThroughConsumer(kafka: Kafka, topic: string): Promise<() => Promise<void>> {
  const consumer = new EventStreamConsumer(kafka, {
    name: 'bench-replay',
    topic: TOPICS.tokensRevoked.name,
    sourceTopic: topic,
    mode: { kind: 'broadcast' },
    handle: (event) => {
      apply(event);
      return Promise.resolve();
    },
  });
  await consumer.start();
  await consumer.whenCaughtUp();
  return () => consumer.stop();
}

async function main(): Promise<void> {
  const [, , topic, brokers = '127.0.0.1:9092', via = 'consumer'] = process.argv;
  if (!topic) throw new Error('usage: replay-validator <topic> [brokers] [consumer|nest]');
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: 'tessera-bench-replay',
    security: kafkaSecurityFrom(process.env),
  });
  const started = performance.now();
  const stop = await (via === 'nest' ? replayThroughNest : replayThroughConsumer)(kafka, topic);
  const readyMs = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  console.log(
    JSON.stringify({ readyMs, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, entries: list.size }),
  );
  await stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
