import { readFileSync } from 'node:fs';
import { FormPoster } from './form-post';
import { msUntilInactive, type PollPlan } from './inactive-poller';
import type { ScenarioReport } from './scenario-report';
import type { ScenarioContext } from './scenario-context';
import { percentile } from './stats';

const POLL: PollPlan = { intervalMs: 1, inFlight: 3, timeoutMs: 5_000 };
const TARGET_P99_MS = 50;

/**
 * How fast a revocation reaches every introspection instance: for each of `--tokens` fresh tokens,
 * check it is active on both instances, revoke it, and poll both until each answers `active: false`.
 * The figure is (arrival of the first inactive answer − return of the revoke call), per instance:
 * outbox → relay → Kafka → each instance's consumer → its in-memory revocation list.
 */
export async function benchPropagation(context: ScenarioContext): Promise<ScenarioReport> {
  const { info } = context.env.stack;
  const instances = [
    { name: 'introspection', url: `${info.urls.introspection}/oauth/introspect` },
    { name: 'introspection-2', url: `${info.urls.introspection2!}/oauth/introspect` },
  ];
  const credentials = { client_id: info.client.clientId, client_secret: info.client.clientSecret };
  const count = context.options.propagationTokens;
  const pool = await context.pools.mint('propagation', count);
  const tokens = readFileSync(pool.file, 'utf8').split('\n').filter(Boolean);

  const poster = new FormPoster(2 * POLL.inFlight + 2);
  const latencies: Record<string, number[]> = Object.fromEntries(instances.map(({ name }) => [name, []]));
  const timedOut: Record<string, number> = Object.fromEntries(instances.map(({ name }) => [name, 0]));
  const revokeMs: number[] = [];
  const started = performance.now();
  try {
    for (let index = 0; index < count; index++) {
      const token = tokens[index]!;
      for (const { name, url } of instances) {
        const before = await poster.post(url, { token, ...credentials });
        if ((JSON.parse(before.text) as { active?: boolean }).active !== true) {
          throw new Error(`${name} does not report a fresh token active: ${before.status} ${before.text}`);
        }
      }
      const revokeStarted = performance.now();
      const revoke = await poster.post(`${info.urls.revocation}/oauth/revoke`, { token, ...credentials });
      const revoked = performance.now();
      if (revoke.status !== 200) throw new Error(`revoke answered ${revoke.status}: ${revoke.text}`);
      revokeMs.push(revoked - revokeStarted);
      const waits = await Promise.all(
        instances.map(({ url }) => msUntilInactive(poster, url, { token, ...credentials }, revoked, POLL)),
      );
      instances.forEach(({ name }, position) => {
        const wait = waits[position];
        if (wait === null || wait === undefined) timedOut[name]!++;
        else latencies[name]!.push(wait);
      });
      if ((index + 1) % 250 === 0) context.log(`  ${index + 1} of ${count} tokens revoked and seen inactive`);
    }
  } finally {
    poster.close();
  }
  const seconds = (performance.now() - started) / 1000;

  const rows = instances.map(({ name }) => {
    const values = latencies[name]!;
    return {
      instance: name,
      measured: values.length,
      timedOut: timedOut[name]!,
      p50Ms: percentile(values, 50),
      p99Ms: percentile(values, 99),
      maxMs: Math.max(...values),
      met: percentile(values, 99) <= TARGET_P99_MS && timedOut[name] === 0,
    };
  });
  const ms = (value: number) => value.toFixed(1).padStart(7);
  const lines = [
    `  revoke → inactive, per instance, ${count} tokens revoked one at a time (${seconds.toFixed(0)} s):`,
    `    instance           tokens   p50 ms   p99 ms   max ms   target p99 ≤ ${TARGET_P99_MS} ms`,
    ...rows.map(
      (row) =>
        `    ${row.instance.padEnd(17)} ${String(row.measured).padStart(7)}  ${ms(row.p50Ms)}  ${ms(row.p99Ms)}  ${ms(row.maxMs)}   ${row.met ? 'met' : 'MISSED'}`,
    ),
    `    (revoke call itself: p50 ${percentile(revokeMs, 50).toFixed(1)} ms, p99 ${percentile(revokeMs, 99).toFixed(1)} ms)`,
    `  measured from the moment POST /oauth/revoke returned 200 to the arrival of the first {"active":false}; ` +
      `each instance polled with a new introspection every ${POLL.intervalMs} ms, at most ${POLL.inFlight} in flight, ` +
      `from the runner on CPU 1 (services on CPU 0); each token was checked active on both instances first.`,
  ];
  const warnings = rows
    .filter((row) => row.timedOut > 0)
    .map(
      (row) =>
        `${row.instance}: ${row.timedOut} revoked tokens were still active ${POLL.timeoutMs / 1000} s after the revoke returned`,
    );
  return {
    scenario: 'propagation',
    rows: [],
    lines,
    warnings,
    data: {
      poll: POLL,
      tokens: count,
      seconds,
      instances: rows,
      revokeMs: { p50: percentile(revokeMs, 50), p99: percentile(revokeMs, 99) },
      latenciesMs: latencies,
    },
  };
}
