/**
 * One fresh validator for `npm run bench -- replay`, in a process of its own so its memory is its own:
 * the revocation replay path of every validator (EventStreamConsumer in broadcast mode → RevocationList),
 * reading the bench's copy of the revocation topic (argv[2]). Prints one JSON line: time to ready
 * (from start to caught up), RSS and heap after ready (after a full GC), and the entries held.
 */
import { TOPICS, isConsistentRevocation } from '@app/contracts';
import { createKafka, EventStreamConsumer, kafkaSecurityFrom } from '@app/kafka';
import { RevocationList } from '../../libs/jwt/src/revocation-list';

async function main(): Promise<void> {
  const [, , topic, brokers = '127.0.0.1:9092'] = process.argv;
  if (!topic) throw new Error('usage: replay-validator <topic> [brokers]');
  const list = new RevocationList();
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: 'tessera-bench-replay',
    security: kafkaSecurityFrom(process.env),
  });
  const consumer = new EventStreamConsumer(kafka, {
    name: 'bench-replay',
    topic: TOPICS.tokensRevoked.name,
    sourceTopic: topic,
    mode: { kind: 'broadcast' },
    handle: (event) => {
      if (isConsistentRevocation(event)) list.apply(event.payload);
      return Promise.resolve();
    },
  });
  const started = performance.now();
  await consumer.start();
  await consumer.whenCaughtUp();
  const readyMs = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  console.log(
    JSON.stringify({ readyMs, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, entries: list.size }),
  );
  await consumer.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
