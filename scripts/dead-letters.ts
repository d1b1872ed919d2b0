/**
 * `npm run dead-letters`: lists what consumers could not apply (tessera.dead-letter.v1, ADR 0015),
 * and replays one onto its original topic once its cause is fixed (docs/events.md "Dead letters").
 *
 *   npm run dead-letters                                     # one line per dead letter
 *   npm run dead-letters -- --topic tessera.tokens.revoked.v1 # only those read from one topic
 *   npm run dead-letters -- --json                           # headers, key and value as JSON lines
 *   npm run dead-letters -- replay <topic>/<partition>@<offset> [--force]
 *
 * Reads the topic up to where it ends now, with a throw-away group that commits nothing.
 * KAFKA_BROKERS overrides the broker list (default 127.0.0.1:9092).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { kafkaEnv, loadConfig } from '@app/config';
import { DEAD_LETTER_HEADERS, TOPICS } from '@app/contracts';
import { consumerGroupId, createKafka, kafkaSecurityFrom } from '@app/kafka';

interface DeadLetter {
  readonly at: string;
  readonly headers: Record<string, string>;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Compacted topics of snapshots: a replayed record would become the latest of its key. */
const SNAPSHOT_TOPICS: readonly string[] = [
  TOPICS.clients.name,
  TOPICS.accounts.name,
  TOPICS.signingKeys.name,
];

const USAGE =
  'usage: npm run dead-letters -- [--topic <topic>] [--json] | replay <topic>/<partition>@<offset> [--force]';

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function headersOf(message: KafkaMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [
      name,
      Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
    ]),
  );
}

const originOf = (letter: DeadLetter) =>
  `${letter.headers[DEAD_LETTER_HEADERS.topic]}/${letter.headers[DEAD_LETTER_HEADERS.partition]}@${letter.headers[DEAD_LETTER_HEADERS.offset]}`;

/** Every dead letter on the topic as it is now (to its current end), in partition order. */
async function readAll(kafka: Kafka): Promise<DeadLetter[]> {
  const topic = TOPICS.deadLetter.name;
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    }
  } finally {
    await admin.disconnect();
  }
  const letters: DeadLetter[] = [];
  if (ends.size === 0) return letters;
  const consumer = kafka.consumer({
    groupId: consumerGroupId(kafka, `tessera-dead-letters-${randomUUID()}`),
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const end = ends.get(partition);
        if (end === undefined) return Promise.resolve();
        letters.push({
          at: `${partition}@${message.offset}`,
          headers: headersOf(message),
          key: message.key,
          value: message.value,
        });
        if (BigInt(message.offset) + 1n >= end) ends.delete(partition);
        if (ends.size === 0) finish();
        return Promise.resolve();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return letters;
}

function list(letters: readonly DeadLetter[], topic: string | undefined, json: boolean): void {
  const shown = letters.filter((letter) => !topic || letter.headers[DEAD_LETTER_HEADERS.topic] === topic);
  for (const letter of shown) {
    if (json) {
      console.log(
        JSON.stringify({
          at: letter.at,
          headers: letter.headers,
          key: letter.key?.toString('utf8') ?? null,
          value: letter.value?.toString('utf8') ?? null,
        }),
      );
      continue;
    }
    const h = letter.headers;
    console.log(
      [
        h[DEAD_LETTER_HEADERS.failedAt],
        h[DEAD_LETTER_HEADERS.consumer],
        h[DEAD_LETTER_HEADERS.reason],
        originOf(letter),
        `key=${h[DEAD_LETTER_HEADERS.key] ?? '-'}`,
        h[DEAD_LETTER_HEADERS.detail],
      ].join('  '),
    );
  }
  console.error(`${shown.length} dead letter(s)${topic ? ` from ${topic}` : ''}`);
}

async function replay(kafka: Kafka, letters: readonly DeadLetter[], position: string, force: boolean) {
  const letter = letters.find((candidate) => originOf(candidate) === position);
  if (!letter) usage(`no dead letter of ${position}`);
  const topic = letter.headers[DEAD_LETTER_HEADERS.topic]!;
  if (SNAPSHOT_TOPICS.includes(topic) && !force) {
    usage(
      `${topic} is a compacted snapshot topic: a replayed record would hide a newer one of its key (--force)`,
    );
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const [sent] = await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: letter.key, value: letter.value, headers: { 'tessera-dl-replayed-from': letter.at } },
      ],
    });
    console.log(`replayed ${position} onto ${topic}/${sent?.partition}@${sent?.baseOffset}`);
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => args.includes(name);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? (args[index + 1] ?? usage(`${name} needs a value`)) : undefined;
  };
  const config = loadConfig(kafkaEnv);
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'tessera-dead-letters',
    security: kafkaSecurityFrom(config),
    quiet: true,
  });
  const letters = await readAll(kafka);
  if (args[0] === 'replay') {
    const position = args[1];
    if (!position || !/^[A-Za-z0-9._-]+\/\d+@\d+$/.test(position))
      usage('replay needs <topic>/<partition>@<offset>');
    await replay(kafka, letters, position, flag('--force'));
    return;
  }
  list(letters, option('--topic'), flag('--json'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
