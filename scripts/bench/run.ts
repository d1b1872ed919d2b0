/**
 * `npm run bench -- <scenario…|all> [--reps n] [--duration s] [--warmup s] [--connections n]`, or
 * `npm run bench -- replay` and `npm run bench -- audit`, each with a setup of its own.
 *
 * Benchmarks the real services (real Kafka, PostgreSQL, Redis) pinned to CPU 0 with autocannon pinned
 * to CPU 1, against a bare NestJS-on-fastify endpoint measured in the same invocation; prints a table
 * per scenario and writes `.tessera/bench/<scenario>-<timestamp>.json`. Performance is shown by these
 * figures and ratios, never asserted by tests (DESIGN §9). See docs/benchmarks.md.
 */
import { parseBenchOptions, UsageError, type ScenarioName } from './bench-options';
import { startBenchEnvironment, type BenchEnvironment } from './bench-environment';
import { collectProfiles, selfTimeByPackage, topSelfTime } from './cpu-profiles';
import { printReport } from './report-table';
import { writeResults } from './results-file';
import type { ScenarioContext } from './scenario-context';
import type { ScenarioReport } from './scenario-report';

import { benchAudit } from './scenario-audit';
import { benchIntrospection } from './scenario-introspection';
import { benchIssuance } from './scenario-issuance';
import { benchLoginFlood } from './scenario-login-flood';
import { benchPropagation } from './scenario-propagation';
import { benchRevocation } from './scenario-revocation';
import { benchReplay } from './scenario-replay';
import { PoolProvider } from './pool-provider';

const SCENARIO_RUNNERS: Record<ScenarioName, (context: ScenarioContext) => Promise<ScenarioReport>> = {
  issuance: benchIssuance,
  introspection: benchIntrospection,
  revocation: benchRevocation,
  propagation: benchPropagation,
  'login-flood': benchLoginFlood,
};

const log = (line: string) => console.log(line);

/**
 * The services a scenario measures: they get the servers' core to themselves (BenchEnvironment.focusOn)
 * and are profiled with `--profile`. Propagation times the path through all of them (revocation,
 * relay, Kafka, both introspection instances), so every service stays on the servers' core.
 */
const PROFILED: Record<ScenarioName, readonly string[]> = {
  issuance: ['issuance'],
  introspection: ['introspection'],
  revocation: ['revocation'],
  propagation: ['revocation', 'introspection', 'introspection-2'],
  // A login crosses issuance and account-linking (the password check, argon2id on its libuv pool).
  'login-flood': ['issuance', 'account-linking'],
};

async function printProfiles(env: BenchEnvironment, scenario: ScenarioName): Promise<void> {
  const files = await collectProfiles(env.profileDir!, env.servers(), scenario);
  for (const file of files) {
    const server = PROFILED[scenario].find((name) => file.endsWith(`${scenario}-${name}.cpuprofile`));
    if (!server) continue;
    log(`  ${server}: self time during ${scenario}, share of non-idle samples (${file})`);
    log('    by layer:');
    for (const line of selfTimeByPackage(file, 12)) log(`    ${line}`);
    log('    by function:');
    for (const line of topSelfTime(file, 12)) log(`    ${line}`);
  }
}

async function main(): Promise<number> {
  // `replay` needs Kafka only, not the stack: a fresh validator replays the bench's own topics.
  if (process.argv[2] === 'replay') {
    const sizes = process.argv.includes('--sizes')
      ? process.argv[process.argv.indexOf('--sizes') + 1]!.split(',')
      : ['10k', '100k', '1M', '1M-90'];
    await benchReplay(log, sizes);
    return 0;
  }
  // `audit` runs a stack of its own, with the audit service and a log stream (issue #17 §5).
  if (process.argv[2] === 'audit') return benchAudit(log, process.argv.slice(3));
  const options = parseBenchOptions(process.argv.slice(2));
  const started = Date.now();
  log(
    `bench: ${options.scenarios.join(', ')} — ${options.reps} reps × ${options.durationSeconds} s ` +
      `(+${options.warmupSeconds} s warm-up), ${options.connections} connections`,
  );
  const env = await startBenchEnvironment(options, log);
  const stopOnSignal = () => {
    void env.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  // Profiles of a scenario start after its pool is minted: minting is setup, and its catch-up would
  // swamp what the servers do under the measured load (the minting's own profile is kept apart).
  const pools = new PoolProvider(env, options.maxPool, log, async () => {
    if (env.profileDir) await collectProfiles(env.profileDir, env.servers(), 'pool-minting');
  });
  let failed = false;
  try {
    for (const scenario of options.scenarios) {
      log(`\n--- ${scenario} ---`);
      const scenarioStarted = Date.now();
      env.focusOn(
        scenario === 'propagation' ? env.stack.services.map((service) => service.name) : PROFILED[scenario],
      );
      const pinning = env.pinning();
      log(
        `pinning (/proc Cpus_allowed_list): ${Object.entries(pinning)
          .map(([name, cpus]) => `${name}=${cpus}`)
          .join(', ')}`,
      );
      const report = await SCENARIO_RUNNERS[scenario]({ env, options, pools, log });
      printReport(report, log);
      const file = writeResults(env.repoRoot, report, {
        finishedAt: new Date().toISOString(),
        seconds: (Date.now() - scenarioStarted) / 1000,
        options,
        pinning,
        node: process.version,
      });
      log(`  results: ${file}`);
      if (env.profileDir) await printProfiles(env, scenario);
      if (report.warnings.length) failed = true;
    }
  } finally {
    await pools.dispose();
    await env.stop();
  }
  log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
