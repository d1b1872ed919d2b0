import { join } from 'node:path';
import { Client } from 'pg';
import { managementAudience, TOPICS } from '@app/contracts';
import { createKafka, kafkaSecurityFrom } from '@app/kafka';
import { HttpReceiver, startStack, type Stack } from '@app/testing';
import { provisionTopics } from './bench-environment';
import { pinProcess, setNice } from './cpu-pinning';
import { pinInfrastructure } from './infrastructure-pinning';
import { LOADGEN_CPUS, runLoad, SERVER_CPUS } from './run-load';
import { FORM, formBody } from './scenario-context';
import { percentile } from './stats';

/** Issue #17 §5's goals. */
const LAG_GOAL_SECONDS = 5;
const QUERY_P99_GOAL_MS = 50;
const STORED_EVENTS = 1_000_000;
const QUERIES_PER_KIND = 300;
/** Synthetic users and clients of the million stored events (each user has ~50 events). */
const USERS = 20_000;
const DAYS = 7;

interface AuditBenchOptions {
  readonly durationSeconds: number;
  readonly connections: number;
  readonly basePort: number;
  readonly databaseUrl: string;
}

function auditOptions(args: readonly string[]): AuditBenchOptions {
  const value = (flag: string, fallback: number) => {
    const at = args.indexOf(flag);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  return {
    durationSeconds: value('--duration', 20),
    connections: value('--connections', 16),
    basePort: value('--base-port', 5400),
    databaseUrl: process.env.TESSERA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

/**
 * `npm run bench -- audit [--duration s] [--connections n]` (issue #17 §5), against the real services
 * with the audit service. Issuance has CPU 0 to itself, as in the issuance scenario, so it runs at the
 * same full speed; the audit service runs on CPU 1 beside the load generator, PostgreSQL, Kafka and
 * the other services (those at the lowest priority), so its figures are those of a crowded core:
 * 1. **Ingestion**: client-credentials grants at full speed for `--duration` s, with one log stream
 *    delivering to a receiver in this process. Prints the grants' and the log store's rates, and how
 *    long after the load the audit service's stored position reaches the topic's end (goal ≤ 5 s).
 * 2. **Delivery**: for every log the receiver got, receipt time − the event's `date` (its
 *    `occurred_at`, set before issuance commits it, so this is an upper bound of committed → receiver).
 * 3. **Search**: a million synthetic events over 7 days are added to the store, then
 *    `q=user_id:"…"` and `q=type:feccft AND date:[day TO day]` are each asked 300 times in a row
 *    (random user, random day) through the log API: p50 and p99 (goal p99 ≤ 50 ms).
 */
export async function benchAudit(log: (line: string) => void, args: readonly string[]): Promise<number> {
  const options = auditOptions(args);
  const repoRoot = join(__dirname, '..', '..', '..');
  pinProcess(process.pid, LOADGEN_CPUS);
  log('provisioning topics');
  provisionTopics(repoRoot);
  log(
    `starting the services with audit; issuance alone on CPU ${SERVER_CPUS}, the rest on CPU ${LOADGEN_CPUS}`,
  );
  const stack = await startStack({
    repoRoot,
    basePort: options.basePort,
    databaseUrl: options.databaseUrl,
    audit: true,
    cpus: SERVER_CPUS,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', TESSERA_LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true' },
  });
  const infrastructure = pinInfrastructure(LOADGEN_CPUS);
  for (const { name, process: child } of stack.services) {
    pinProcess(child.pid!, name === 'issuance' ? SERVER_CPUS : LOADGEN_CPUS);
    if (name !== 'issuance' && name !== 'audit') setNice(child.pid!, 19);
  }
  const database = new Client({ connectionString: stack.info.databaseUrl });
  await database.connect();
  const receiver = new LatencyReceiver(stack.info.client.clientId);
  await receiver.start(options.basePort + 20);
  let failed = false;
  try {
    const token = await managementToken(stack);
    await createStream(stack, token, receiver.url);
    failed = (await benchIngestion(stack, database, options, log)) || failed;
    const latencies = receiver.latencies;
    log(
      `  log stream delivery, event date → receiver: p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(0)} ms over ${latencies.length.toLocaleString('en-US')} logs (under the full load above)`,
    );
    await benchCatchUp(stack, database, options, log);
    failed = (await benchSearch(stack, database, token, log)) || failed;
  } finally {
    await receiver.stop();
    await database.end();
    await stack.stop();
    infrastructure.restore();
  }
  return failed ? 1 : 0;
}

async function benchIngestion(
  stack: Stack,
  database: Client,
  options: AuditBenchOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const storedBefore = await storedCount(database);
  log(
    `\n--- audit ingestion: ${options.durationSeconds} s of client_credentials, ${options.connections} connections ---`,
  );
  const load = await grantsAtFullSpeed(stack, options);
  const loadEnded = performance.now();
  const storedAtEnd = await storedCount(database);
  const lagSeconds = await secondsUntilIngested(stack, database, loadEnded);
  const storedAfter = await storedCount(database);
  const grantsPerSecond = load.ok / load.durationSeconds;
  const ingestedDuringLoad = (storedAtEnd - storedBefore) / load.durationSeconds;
  log(
    `  grants:        ${grantsPerSecond.toFixed(0)} /s (${load.ok.toLocaleString('en-US')} 200s, ${load.non2xx} other; latency p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms)`,
  );
  log(
    `  log store:     ${ingestedDuringLoad.toFixed(0)} events/s stored during the load ` +
      `(${(ingestedDuringLoad / grantsPerSecond).toFixed(2)} of the grant rate); ${(storedAfter - storedBefore).toLocaleString('en-US')} stored in all`,
  );
  const kept = lagSeconds <= LAG_GOAL_SECONDS;
  log(
    `  consumer lag:  back to 0 ${lagSeconds.toFixed(2)} s after the load stopped (goal ≤ ${LAG_GOAL_SECONDS} s: ${kept ? 'met' : 'NOT met'})`,
  );
  return !kept;
}

/**
 * The store's own ingestion rate, apart from issuance's: the same load with the audit service stopped
 * (issuance alone, at its full speed), then the audit service started, which answers ready once it
 * has ingested the backlog. Backlog ÷ (start + catch-up) is a lower bound of what it ingests per second.
 */
async function benchCatchUp(
  stack: Stack,
  database: Client,
  options: AuditBenchOptions,
  log: (line: string) => void,
): Promise<void> {
  log(
    `\n--- audit catch-up: ${options.durationSeconds} s of the same load with the audit service stopped ---`,
  );
  await stack.services.find((service) => service.name === 'audit')!.stop();
  const storedBefore = await storedCount(database);
  const load = await grantsAtFullSpeed(stack, options);
  const restarted = performance.now();
  await stack.restart('audit'); // pinned to CPU 0 again, which issuance no longer uses
  const seconds = await secondsUntilIngested(stack, database, restarted);
  const backlog = (await storedCount(database)) - storedBefore;
  log(
    `  grants:        ${(load.ok / load.durationSeconds).toFixed(0)} /s with no audit service running (p50 ${load.latencyMs.p50} ms)`,
  );
  log(
    `  catch-up:      ${backlog.toLocaleString('en-US')} events stored ${seconds.toFixed(1)} s after the start ` +
      `(process start included): ≥ ${(backlog / seconds).toFixed(0)} events/s`,
  );
}

/** `--duration` s of client-credentials grants for the stack's API, `--connections` at a time. */
function grantsAtFullSpeed(stack: Stack, options: AuditBenchOptions): ReturnType<typeof runLoad> {
  const { info } = stack;
  return runLoad({
    url: `${info.urls.issuance}/oauth/token`,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    headers: FORM,
    body: formBody({
      grant_type: 'client_credentials',
      client_id: info.client.clientId,
      client_secret: info.client.clientSecret,
      audience: info.api.identifier,
    }),
  });
}

/** Seconds from `since` until the audit service's stored position on the audit topic is its end. */
async function secondsUntilIngested(stack: Stack, database: Client, since: number): Promise<number> {
  const admin = createKafka({
    brokers: stack.info.brokers,
    clientId: 'tessera-bench-audit',
    security: kafkaSecurityFrom(process.env),
    quiet: true,
  }).admin();
  await admin.connect();
  try {
    const consumer = `${stack.info.kafkaGroupPrefix}.audit.tokens-issued`;
    let previousEnd = -1n;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(TOPICS.tokensIssued.name);
      const end = ends.reduce((sum, { high }) => sum + BigInt(high), 0n);
      const { rows } = await database.query<{ stored: string | null }>(
        `SELECT sum("next_offset")::text AS "stored" FROM "audit"."consumer_positions"
         WHERE "consumer" = $1 AND "topic" = $2`,
        [consumer, TOPICS.tokensIssued.name],
      );
      // Settled: all stored, and nothing new on the topic since the last look (the outbox relay may
      // still be publishing the last grants' events).
      if (BigInt(rows[0]?.stored ?? '0') >= end && end === previousEnd) {
        return (performance.now() - since) / 1000;
      }
      previousEnd = end;
      if (performance.now() - since > 300_000)
        throw new Error('the audit service is still behind after 300 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

async function benchSearch(
  stack: Stack,
  database: Client,
  token: string,
  log: (line: string) => void,
): Promise<boolean> {
  log(`\n--- audit search over ${STORED_EVENTS.toLocaleString('en-US')} stored events ---`);
  const started = performance.now();
  await storeSyntheticEvents(database);
  log(
    `  stored in ${((performance.now() - started) / 1000).toFixed(1)} s; ${(await storedCount(database)).toLocaleString('en-US')} events in the store`,
  );
  const today = Date.now();
  const randomDay = () =>
    new Date(today - Math.floor(Math.random() * DAYS) * 86_400_000).toISOString().slice(0, 10);
  const kinds: [string, () => string][] = [
    ['q=user_id:"…"', () => `user_id:"auth0|bench-${Math.floor(Math.random() * USERS)}"`],
    [
      'q=type:feccft AND date:[day TO day]',
      () => {
        const day = randomDay();
        return `type:feccft AND date:[${day} TO ${day}]`;
      },
    ],
  ];
  let failed = false;
  for (const [label, query] of kinds) {
    const times: number[] = [];
    let results = 0;
    for (let i = 0; i < QUERIES_PER_KIND + 20; i += 1) {
      const url = `${stack.info.urls.audit}/api/v2/logs?${new URLSearchParams({ q: query(), per_page: '50' }).toString()}`;
      const began = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as unknown[];
      const elapsed = performance.now() - began;
      if (response.status !== 200)
        throw new Error(`${label}: HTTP ${response.status} ${JSON.stringify(body)}`);
      if (i < 20) continue; // warm-up: the first queries load the indexes into memory
      times.push(elapsed);
      results += body.length;
    }
    const p99 = percentile(times, 99);
    const kept = p99 <= QUERY_P99_GOAL_MS;
    failed ||= !kept;
    log(
      `  ${label.padEnd(38)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p99 ${p99.toFixed(1).padStart(6)} ms   ` +
        `(${QUERIES_PER_KIND} queries, ${(results / QUERIES_PER_KIND).toFixed(0)} logs each on average; goal p99 ≤ ${QUERY_P99_GOAL_MS} ms: ${kept ? 'met' : 'NOT met'})`,
    );
  }
  return failed;
}

/**
 * A million log events over the last 7 days, written straight into the store in one statement (the
 * store's own day partitions are created first, as LogPartitionsRepository does): 20,000 users,
 * 50 clients, Auth0 type codes in the proportions of a busy tenant (most of it client credentials).
 */
async function storeSyntheticEvents(database: Client): Promise<void> {
  for (let back = 0; back <= DAYS; back += 1) {
    const start = new Date(Date.now() - back * 86_400_000);
    start.setUTCHours(0, 0, 0, 0);
    const end = new Date(start.getTime() + 86_400_000);
    const name = `log_events_p${start.toISOString().slice(0, 10).replaceAll('-', '')}`;
    await database.query(
      `CREATE TABLE IF NOT EXISTS "audit"."${name}" PARTITION OF "audit"."log_events"
       FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
    );
  }
  await database.query(
    `INSERT INTO "audit"."log_events" ("date", "event_id", "type", "description", "client_id", "user_id",
       "audience", "scope", "details")
     SELECT now() - random() * interval '${DAYS} days', gen_random_uuid(),
       (ARRAY['seccft','seccft','seccft','seccft','sepft','sertft','sertft','feccft','fepft','s'])[1 + g % 10],
       'bench', 'bench-client-' || (g % 50), 'auth0|bench-' || (g % ${USERS}), 'https://api.bench.test/',
       'read:things', jsonb_build_object('correlation_id', gen_random_uuid())
     FROM generate_series(1, ${STORED_EVENTS}) AS g`,
  );
  await database.query(`ANALYZE "audit"."log_events"`);
}

async function storedCount(database: Client): Promise<number> {
  const { rows } = await database.query<{ count: string }>(
    `SELECT count(*)::text AS "count" FROM "audit"."log_events"`,
  );
  return Number(rows[0]?.count ?? 0);
}

async function managementToken(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.info.urls.issuance}/oauth/token`, {
    method: 'POST',
    headers: FORM,
    body: formBody({
      grant_type: 'client_credentials',
      client_id: stack.info.bootstrap.clientId,
      client_secret: stack.info.bootstrap.clientSecret,
      audience: managementAudience(stack.info.issuer),
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no Management API token: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function createStream(stack: Stack, token: string, endpoint: string): Promise<void> {
  const response = await fetch(`${stack.info.urls.audit}/api/v2/log-streams`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      type: 'http',
      sink: { httpEndpoint: endpoint, httpContentFormat: 'JSONLINES' },
      filters: [{ type: 'category', name: 'auth.token_exchange.success' }],
    }),
  });
  if (response.status !== 200) throw new Error(`log stream not created: ${await response.text()}`);
}

/** A log stream's receiver that keeps, for each log of one client, receipt time − the log's date. */
class LatencyReceiver {
  readonly latencies: number[] = [];
  private readonly server = new HttpReceiver((_request, body) => {
    const now = Date.now();
    for (const line of body.split('\n')) {
      if (line.trim() === '') continue;
      const { data } = JSON.parse(line) as { data: { date: string; client_id?: string } };
      if (data.client_id === this.clientId) this.latencies.push(now - Date.parse(data.date));
    }
    return 200;
  });

  constructor(private readonly clientId: string) {}

  get url(): string {
    return this.server.url('/logs');
  }

  start(port: number): Promise<void> {
    this.server.port = port;
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
