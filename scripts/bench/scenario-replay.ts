import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { REVOCATION_TOPIC_CONFIG, TOPICS, createRevocationEvent, revocationKey } from '@app/contracts';
import { createKafka, ensureTopics, kafkaSecurityFrom } from '@app/kafka';

const run = promisify(execFile);
// Under the broker's 1 MB per-partition batch limit with ~450-byte events over 3 partitions.
const BATCH = 4_000;

/** One replay case: revocations written, and how many of them expired (and were tombstoned). */
interface ReplayCase {
  readonly label: string;
  readonly live: number;
  readonly expired: number;
}

const CASES: readonly ReplayCase[] = [
  { label: '10k live', live: 10_000, expired: 0 },
  { label: '100k live', live: 100_000, expired: 0 },
  { label: '1M live', live: 1_000_000, expired: 0 },
  { label: '1M, 90% expired + tombstoned', live: 100_000, expired: 900_000 },
];

/**
 * `npm run bench -- replay [--sizes 10k,100k,1M,1M-90]`: a fresh validator's time to ready and memory
 * after replaying the revocation topic (issue #15 §2). Each case writes to a topic of its own,
 * `bench.<run id>.tokens.revoked.v1` with the real topic's config, so the real topic and other runs
 * are untouched; the topics are deleted afterwards. Events are real `access_token.revoked` envelopes
 * (one template, a new jti per event), produced in batches of 4,000. In the expired case every
 * expired revocation is followed by its tombstone, as the janitor writes it: the topic is measured
 * as written, before the broker has compacted it (the worst case), and the validator stores none.
 * Each case is replayed twice, by fresh processes: with the bare consumer (every validator's path),
 * then through a Nest app's `@EventPattern` handler (`Nest s`, and its ratio to the bare one).
 */
export async function benchReplay(log: (line: string) => void, sizes: readonly string[]): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = createKafka({
    brokers,
    clientId: 'tessera-bench-replay',
    security: kafkaSecurityFrom(process.env),
  });
  const runId = randomUUID().slice(0, 8);
  const wanted = CASES.filter((_, index) => sizes.includes(['10k', '100k', '1M', '1M-90'][index]!));
  log(`replay: ${wanted.map((c) => c.label).join('; ')} (topics bench.${runId}.*)`);
  log(
    '  case                              events on topic   write s   ready s   RSS MB   heap MB   entries   Nest s   ratio',
  );
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    for (const [index, replayCase] of wanted.entries()) {
      const topic = `bench.${runId}.${index}.tokens.revoked.v1`;
      topics.push(topic);
      await ensureTopics(kafka, [
        {
          name: topic,
          partitions: TOPICS.tokensRevoked.partitions,
          config: REVOCATION_TOPIC_CONFIG,
          why: 'bench',
        },
      ]);
      const writeStarted = performance.now();
      const written = await writeRevocations(kafka, topic, replayCase);
      const writeSeconds = (performance.now() - writeStarted) / 1000;
      const result = await replayOnce(topic, brokers, 'consumer');
      // The same replay fed to a Nest app's @EventPattern handler (issue #16 §4).
      const nest = await replayOnce(topic, brokers, 'nest');
      log(
        `  ${replayCase.label.padEnd(32)}  ${written.toLocaleString('en-US').padStart(15)}   ${writeSeconds.toFixed(1).padStart(7)}   ` +
          `${(result.readyMs / 1000).toFixed(2).padStart(7)}   ${(result.rssBytes / 2 ** 20).toFixed(0).padStart(6)}   ` +
          `${(result.heapUsedBytes / 2 ** 20).toFixed(0).padStart(7)}   ${result.entries.toLocaleString('en-US').padStart(9)}   ` +
          `${(nest.readyMs / 1000).toFixed(2).padStart(7)}   ${(nest.readyMs / result.readyMs).toFixed(2).padStart(5)}`,
      );
    }
  } finally {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

interface ReplayResult {
  readonly readyMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly entries: number;
}

/** One fresh validator process replaying `topic`, through the bare consumer or the Nest transport. */
async function replayOnce(
  topic: string,
  brokers: readonly string[],
  via: 'consumer' | 'nest',
): Promise<ReplayResult> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', join(__dirname, 'replay-validator.js'), topic, brokers.join(','), via],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ReplayResult;
}

/** Writes the case's revocations (and tombstones); returns how many records the topic holds. */
async function writeRevocations(kafka: Kafka, topic: string, replayCase: ReplayCase): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const template = (expiresAt: number) =>
    JSON.stringify(
      createRevocationEvent(
        {
          target: { kind: 'jti', jti: 'JTI' },
          expires_at: expiresAt,
          reason: 'client_request',
          revoked_by: { kind: 'client', client_id: 'bench-client' },
          revoked_at: new Date().toISOString(),
          client_id: 'bench-client',
          sub: 'bench-client@clients',
        },
        { correlationId: 'bench-replay' },
      ),
    );
  const liveTemplate = template(now + 3600);
  const expiredTemplate = template(now - 3600);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let records = 0;
  try {
    const total = replayCase.live + replayCase.expired;
    for (let from = 0; from < total; from += BATCH) {
      const messages: { key: string; value: string | null }[] = [];
      for (let index = from; index < Math.min(from + BATCH, total); index++) {
        const expired = index < replayCase.expired;
        const jti = `bench-${index}-${randomUUID()}`;
        // A fresh event id per record, as every real event has.
        const value = (expired ? expiredTemplate : liveTemplate)
          .replace('"JTI"', JSON.stringify(jti))
          .replace(/"id":"[^"]+"/, `"id":"${randomUUID()}"`);
        const key = revocationKey({ kind: 'jti', jti });
        messages.push({ key, value });
        if (expired) messages.push({ key, value: null });
      }
      records += messages.length;
      await producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return records;
}
