/**
 * `npm run events -- [issued|revoked] [--from-beginning]`: prints the public topics' events as
 * they arrive, the way any outside subscriber would read them (DESIGN.md §5): a plain kafkajs
 * consumer with a throw-away group, parsing each value with the contract's schema.
 *
 *   npm run events                          # both public topics, new events only
 *   npm run events -- revoked --from-beginning   # the whole (compacted) revocation history
 *
 * KAFKA_BROKERS overrides the broker list (default 127.0.0.1:9092). Ctrl-C leaves cleanly.
 */
import { randomUUID } from 'node:crypto';
import { kafkaEnv, loadConfig } from '@app/config';
import { parseEvent, TOPICS, type TopicWithEvents } from '@app/contracts';
import { consumerGroupId, createKafka, kafkaSecurityFrom } from '@app/kafka';

const PUBLIC_TOPICS: Record<string, TopicWithEvents> = {
  issued: TOPICS.tokensIssued.name,
  revoked: TOPICS.tokensRevoked.name,
};

function usage(message: string): never {
  console.error(`${message}\nusage: npm run events -- [issued|revoked] [--from-beginning]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fromBeginning = args.includes('--from-beginning');
  const names = args.filter((arg) => arg !== '--from-beginning');
  for (const name of names) if (!(name in PUBLIC_TOPICS)) usage(`unknown topic "${name}"`);
  const topics = (names.length > 0 ? names : Object.keys(PUBLIC_TOPICS)).map((name) => PUBLIC_TOPICS[name]!);

  const config = loadConfig(kafkaEnv);
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'tessera-watch-events',
    security: kafkaSecurityFrom(config),
    quiet: true,
  });
  // A fresh group each run: nothing is committed, and no other consumer's offsets move.
  const consumer = kafka.consumer({
    groupId: consumerGroupId(kafka, `tessera-watch-${randomUUID()}`),
    maxWaitTimeInMs: 100,
  });
  const stop = () => {
    void consumer.disconnect().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  console.error(
    `watching ${topics.join(', ')} on ${config.KAFKA_BROKERS.join(',')}${fromBeginning ? ' from the beginning' : ''} (Ctrl-C to stop)`,
  );
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ topic, partition, message }) => {
      const where = `${topic} ${partition}@${message.offset} key=${message.key?.toString() ?? '-'}`;
      // A null value is a compaction tombstone (the revocation janitor's), not a broken event.
      if (message.value === null) {
        console.log(`${where} (tombstone)`);
        return Promise.resolve();
      }
      const raw = message.value.toString('utf8');
      let event: unknown = null;
      try {
        event = parseEvent(topic as TopicWithEvents, JSON.parse(raw));
      } catch {
        event = null;
      }
      // Events carry identifiers only, never tokens (DESIGN.md §5), so printing them is safe.
      console.log(
        event ? `${where}\n${JSON.stringify(event, null, 2)}` : `${where} (not a known event) ${raw}`,
      );
      return Promise.resolve();
    },
  });
}

main().catch((error: unknown) => {
  console.error(`events: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
