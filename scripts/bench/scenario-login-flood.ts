import { randomBytes } from 'node:crypto';
import type { StackInfo } from '@app/testing';
import type { Contender, Measurement } from './contender';
import { httpContender } from './contender';
import { runInterleaved } from './interleaved-reps';
import type { LoadJob, LoadResult } from './load-job';
import { runLoad } from './run-load';
import { bareContender, FORM, formBody, repPlan, type ScenarioContext } from './scenario-context';
import type { ScenarioReport } from './scenario-report';
import { median, percentile } from './stats';
import { summarize } from './summary';

const PASSWORD = 'Bench-Login-Flood-7';
/** Connections the flood may hold open at once: enough for 2,000/s at a second of latency each. */
const FLOOD_CONNECTIONS = 256;
/**
 * Addresses the flood comes from (10.x.y.z), a prime count so that with the rotation of usernames
 * every (account, address) pair recurs only after millions of requests: no per-account or per-address
 * brute-force counter comes near its limit, and what the flood meets is the hashing queue.
 */
const FLOOD_ADDRESSES = 10_007;
/** Unknown usernames in the flood, besides the good users' own (decoy hashes, the normal lane). */
const FLOOD_UNKNOWN_USERS = 101;

const ALONE = 'good logins, no flood';
const FLOODED = 'good logins during the flood';
const FLOOD = 'flood: wrong passwords';

/**
 * `npm run bench -- login-flood` (security review #3, docs/adr/0013): good users log in by the
 * password grant at `--good-rate` per second, each from the address they last logged in from, with
 * and without `--flood-rate` wrong-password requests per second arriving at `/oauth/token` from
 * thousands of other addresses. Shows the good logins' p50/p99 and success rate in both cases, their
 * ratio, and the flood's offered and achieved rate and answer mix (503 from the full hashing queue,
 * 403 for the wrong passwords it did check, …). Interleaved with the bare app, as every scenario.
 */
export async function benchLoginFlood(context: ScenarioContext): Promise<ScenarioReport> {
  const { options, log } = context;
  const { info } = context.env.stack;
  const setup = await createLoginSetup(info, options.goodUsers, log);
  const tokenUrl = `${info.urls.issuance}/oauth/token`;
  const clientFields = { client_id: setup.clientId, client_secret: setup.clientSecret };

  const goodJob = (durationSeconds: number): LoadJob => ({
    url: tokenUrl,
    // One connection per user: a user waits for their own login before the next one.
    connections: setup.users.length,
    durationSeconds,
    headers: FORM,
    overallRate: options.goodRate,
    rotation: {
      bodies: setup.users.map((user) =>
        formBody({ grant_type: 'password', username: user.email, password: PASSWORD, ...clientFields }),
      ),
      forwardedFor: setup.users.map((user) => user.ip),
      paired: true,
    },
  });
  const floodJob = (durationSeconds: number): LoadJob => ({
    url: tokenUrl,
    connections: FLOOD_CONNECTIONS,
    durationSeconds,
    headers: FORM,
    overallRate: options.floodRate,
    rotation: {
      bodies: [
        ...setup.users.map((user) => user.email),
        ...Array.from({ length: FLOOD_UNKNOWN_USERS }, (_, i) => `nobody-${setup.run}-${i}@bench.test`),
      ].map((username, i) =>
        formBody({ grant_type: 'password', username, password: `wrong-${i}`, ...clientFields }),
      ),
      forwardedFor: Array.from({ length: FLOOD_ADDRESSES }, (_, i) => tenNet(i)),
      paired: false,
    },
  });

  const serverPid = context.env.service('issuance').process.pid!;
  const alone = httpContender({ name: ALONE, serverPid, job: goodJob });
  const floods: LoadResult[] = [];
  const flooded: Contender = {
    name: FLOODED,
    async measure(durationSeconds) {
      // Both load generators run on the load generator's core, side by side for the same seconds.
      const [good, flood] = await Promise.all([
        alone.measure(durationSeconds),
        runLoad(floodJob(durationSeconds)),
      ]);
      floods.push(flood);
      return good;
    },
  };
  const bare = bareContender(context);
  const result = await runInterleaved([bare, alone, flooded], repPlan(context.options), log);
  // runInterleaved warms every contender up once first (the flood's first entry), then runs the reps.
  const floodReps = floods.slice(floods.length - options.reps);
  const floodMeasurements = floodReps.map(floodMeasurement);

  const bareReps = result.reps[bare.name]!;
  const aloneReps = result.reps[ALONE]!;
  const floodedReps = result.reps[FLOODED]!;
  const rows = [
    summarize({ label: bare.name, unit: 'req/s', reps: bareReps }),
    summarize({ label: ALONE, unit: 'logins/s', reps: aloneReps }),
    summarize({ label: FLOODED, unit: 'logins/s', reps: floodedReps }),
    summarize({
      label: FLOOD,
      unit: 'answers/s',
      reps: floodMeasurements,
      bare: bareReps,
      note: 'any status: the wrong passwords are meant to fail; their mix is below',
    }),
  ];

  const p99Ratio = median(floodedReps.map((rep, i) => rep.p99Ms! / aloneReps[i]!.p99Ms!));
  const mix = answerMix(floodReps);
  const lines = [
    `  ${setup.users.length} good users, each from its own address (its last_ip), ${options.goodRate} logins/s in all; ` +
      `flood from ${FLOOD_ADDRESSES.toLocaleString('en-US')} other addresses at ${FLOOD_UNKNOWN_USERS} unknown users and the good users' accounts.`,
    `  good logins' p99: ${median(aloneReps.map((rep) => rep.p99Ms!))} ms without the flood, ` +
      `${median(floodedReps.map((rep) => rep.p99Ms!))} ms during it ` +
      `(median over reps of the per-rep ratio: ${p99Ratio.toFixed(2)}×).`,
    `  good logins answered 200: ${successShare(aloneReps)} without the flood, ${successShare(floodedReps)} during it.`,
    `  flood: offered ${options.floodRate.toLocaleString('en-US')}/s, achieved ` +
      `${Math.round(median(floodMeasurements.map((rep) => rep.rate))).toLocaleString('en-US')}/s (median of reps), ` +
      `p99 ${percentile(
        floodReps.map((rep) => rep.latencyMs.p99),
        50,
      )} ms; answers: ${mix}.`,
  ];
  const warnings: string[] = [];
  for (const [label, reps] of [
    [ALONE, aloneReps],
    [FLOODED, floodedReps],
  ] as const) {
    const errors = reps.reduce((total, rep) => total + rep.errors, 0);
    if (errors > 0) warnings.push(`${label}: ${errors} connection errors or timeouts`);
  }
  const serverErrors = floodReps.reduce(
    (total, rep) =>
      total +
      Object.entries(rep.statusCodes)
        .filter(([status]) => Number(status) >= 500 && status !== '503')
        .reduce((sum, [, count]) => sum + count, 0),
    0,
  );
  if (serverErrors > 0) warnings.push(`the flood got ${serverErrors} answers 5xx other than 503`);
  return {
    scenario: 'login-flood',
    rows,
    lines,
    warnings,
    data: {
      reps: result.reps,
      warmups: result.warmups,
      flood: floodReps,
      goodUsers: setup.users.length,
      goodRate: options.goodRate,
      floodRate: options.floodRate,
    },
  };
}

/** A flood run as a row: every answer counts, whatever its status (connection errors apart). */
function floodMeasurement(load: LoadResult): Measurement {
  return {
    rate: load.completed / load.durationSeconds,
    count: load.completed,
    durationSeconds: load.durationSeconds,
    p50Ms: load.latencyMs.p50,
    p99Ms: load.latencyMs.p99,
    non2xx: 0,
    errors: load.errors + load.timeouts,
    load,
  };
}

/** Share of a contender's answers that were 200, over all reps. */
function successShare(reps: readonly Measurement[]): string {
  const ok = reps.reduce((total, rep) => total + rep.count, 0);
  const all = reps.reduce((total, rep) => total + rep.count + rep.non2xx + rep.errors, 0);
  const failures = Object.entries(
    reps.reduce<Record<string, number>>((counts, rep) => {
      for (const [status, count] of Object.entries(rep.load?.statusCodes ?? {}))
        if (status !== '200') counts[status] = (counts[status] ?? 0) + count;
      return counts;
    }, {}),
  );
  const share = all > 0 ? ((ok / all) * 100).toFixed(1) : '0';
  return `${share} % (${ok.toLocaleString('en-US')} of ${all.toLocaleString('en-US')}${
    failures.length ? `; ${failures.map(([status, count]) => `${count}× ${status}`).join(', ')}` : ''
  })`;
}

/** The flood's answers by status over the reps, with their share: `503 97.1 %, 403 2.9 %`. */
function answerMix(reps: readonly LoadResult[]): string {
  const counts: Record<string, number> = {};
  for (const rep of reps)
    for (const [status, count] of Object.entries(rep.statusCodes))
      counts[status] = (counts[status] ?? 0) + count;
  const errors = reps.reduce((total, rep) => total + rep.errors + rep.timeouts, 0);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0) + errors;
  const parts = Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(
      ([status, count]) =>
        `${status} ${((count / total) * 100).toFixed(1)} % (${count.toLocaleString('en-US')})`,
    );
  if (errors) parts.push(`connection errors/timeouts ${errors.toLocaleString('en-US')}`);
  return parts.join(', ') || 'none';
}

/** The i-th flood address, 10.0.0.1 onwards. */
function tenNet(i: number): string {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

interface LoginSetup {
  readonly run: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: readonly { readonly email: string; readonly ip: string }[];
}

/**
 * Through the Management API: an app allowed the password grant and `count` database users, each of
 * whom then logs in once from an address of its own (172.16.x.y), which becomes their `last_ip`.
 */
async function createLoginSetup(
  info: StackInfo,
  count: number,
  log: (line: string) => void,
): Promise<LoginSetup> {
  const run = randomBytes(4).toString('hex');
  const admin = await managementToken(info);
  const client = await json(
    `${info.urls.issuance}/api/v2/clients`,
    admin,
    { name: `Login flood ${run}`, app_type: 'regular_web', grant_types: ['password'] },
    201,
  );
  const clientId = client.client_id as string;
  const clientSecret = client.client_secret as string;
  const users = Array.from({ length: count }, (_, i) => ({
    email: `good-${run}-${i}@bench.test`,
    ip: `172.16.${(i >> 8) & 255}.${(i & 255) + 1}`,
  }));
  log(`  creating ${count} users, each logging in once from its own address`);
  for (const user of users) {
    await json(
      `${info.urls.accountLinking}/api/v2/users`,
      admin,
      { connection: 'Username-Password-Authentication', email: user.email, password: PASSWORD },
      201,
    );
    const login = await fetch(`${info.urls.issuance}/oauth/token`, {
      method: 'POST',
      headers: { ...FORM, 'x-forwarded-for': user.ip },
      body: formBody({
        grant_type: 'password',
        username: user.email,
        password: PASSWORD,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    if (login.status !== 200)
      throw new Error(`first login of ${user.email}: ${login.status} ${await login.text()}`);
    await login.body?.cancel();
  }
  return { run, clientId, clientSecret, users };
}

async function managementToken(info: StackInfo): Promise<string> {
  const response = await fetch(`${info.urls.issuance}/oauth/token`, {
    method: 'POST',
    headers: FORM,
    body: formBody({
      grant_type: 'client_credentials',
      client_id: info.bootstrap.clientId,
      client_secret: info.bootstrap.clientSecret,
      audience: `${info.issuer}api/v2/`,
    }),
  });
  if (response.status !== 200)
    throw new Error(`management token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function json(
  url: string,
  token: string,
  body: unknown,
  expected: number,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}
