import { parseArgs } from 'node:util';

export const SCENARIOS = ['issuance', 'introspection', 'revocation', 'propagation', 'login-flood'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly scenarios: readonly ScenarioName[];
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Tokens revoked one by one in the propagation scenario. */
  readonly propagationTokens: number;
  /** login-flood: wrong-password requests per second offered at /oauth/token from other addresses. */
  readonly floodRate: number;
  /** login-flood: users who log in, each from their own address, during and without the flood. */
  readonly goodUsers: number;
  /** login-flood: good logins per second over all good users. */
  readonly goodRate: number;
  /** Most tokens minted for one distinct-token run (minting is slow; see docs/benchmarks.md). */
  readonly maxPool: number;
  readonly basePort: number;
  readonly databaseUrl: string;
  /** Sample the servers' CPU (cpu-profile-preload) and print where each scenario's service spent it. */
  readonly profile: boolean;
}

export const USAGE = `usage: npm run bench -- <${[...SCENARIOS, 'all'].join('|')}> [more scenarios]
  --reps <n>           interleaved reps per contender (default 3)
  --duration <s>       seconds per measured run (default 10)
  --warmup <s>         unrecorded warm-up seconds per contender (default 2)
  --connections <n>    autocannon connections (default 50)
  --tokens <n>         tokens revoked in the propagation scenario (default 1000)
  --max-pool <n>       most tokens minted for a distinct-token run (default 60000)
  --flood-rate <n>     login-flood: wrong passwords per second from other addresses (default 2000)
  --good-users <n>     login-flood: users logging in from their own addresses (default 10)
  --good-rate <n>      login-flood: good logins per second, all users together (default 5)
  --profile            write a .cpuprofile per server and scenario, print the top self-time functions
  env TESSERA_BENCH_BASE_PORT, TESSERA_TEST_BASE_PORT or TESSERA_TEST_BASE_<n>: first of 7 ports (default 5101; +5 the bare app, +6 oidc-provider);
      TESSERA_BENCH_DATABASE_URL (the PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres;
      each run creates and drops a throwaway database there)`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      reps: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      tokens: { type: 'string', default: '1000' },
      'max-pool': { type: 'string', default: '60000' },
      'flood-rate': { type: 'string', default: '2000' },
      'good-users': { type: 'string', default: '10' },
      'good-rate': { type: 'string', default: '5' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) throw new UsageError(USAGE);
  const scenarios = new Set<ScenarioName>();
  for (const name of positionals) {
    if (name === 'all') SCENARIOS.forEach((scenario) => scenarios.add(scenario));
    else if ((SCENARIOS as readonly string[]).includes(name)) scenarios.add(name as ScenarioName);
    else throw new UsageError(`unknown scenario "${name}"\n${USAGE}`);
  }
  return {
    // Always in the documented order, whatever order they were named in.
    scenarios: SCENARIOS.filter((scenario) => scenarios.has(scenario)),
    reps: positiveInteger('--reps', values.reps),
    durationSeconds: positiveNumber('--duration', values.duration),
    warmupSeconds: nonNegativeNumber('--warmup', values.warmup),
    connections: positiveInteger('--connections', values.connections),
    propagationTokens: positiveInteger('--tokens', values.tokens),
    maxPool: positiveInteger('--max-pool', values['max-pool']),
    floodRate: positiveInteger('--flood-rate', values['flood-rate']),
    goodUsers: positiveInteger('--good-users', values['good-users']),
    goodRate: positiveInteger('--good-rate', values['good-rate']),
    basePort: positiveInteger('base port', basePortFromEnv()),
    profile: values.profile,
    databaseUrl: process.env.TESSERA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

/**
 * Each person on a shared machine has a port range, handed out as `TESSERA_TEST_BASE_<id>=<port>`;
 * `TESSERA_BENCH_BASE_PORT` overrides it.
 */
function basePortFromEnv(): string {
  if (process.env.TESSERA_BENCH_BASE_PORT) return process.env.TESSERA_BENCH_BASE_PORT;
  if (process.env.TESSERA_TEST_BASE_PORT) return process.env.TESSERA_TEST_BASE_PORT;
  const assigned = Object.entries(process.env).find(([name]) => /^TESSERA_TEST_BASE_\d+$/.test(name));
  return assigned?.[1] ?? '5101';
}

export class UsageError extends Error {}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return value;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return value;
}

function nonNegativeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${flag} must be 0 or more, got "${text}"`);
  return value;
}
