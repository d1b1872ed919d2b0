import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type RunningService, type Stack } from '@app/testing';
import { startBareServer, startBenchServer, type BareServer } from './bare-server';
import { PEER_CLIENT } from './peer-settings';
import type { BenchOptions } from './bench-options';
import { allowedCpus, niceOf, onlineCpus, pinProcess, setNice } from './cpu-pinning';
import { pinInfrastructure } from './infrastructure-pinning';
import { LOADGEN_CPUS, SERVER_CPUS } from './run-load';

/**
 * What every scenario runs against: the real services and the bare app. The bare app and the services
 * a scenario measures run on `SERVER_CPUS`; the other services run on `LOADGEN_CPUS` (see `focusOn`).
 */
export interface BenchEnvironment {
  readonly repoRoot: string;
  readonly stack: Stack;
  readonly bare: BareServer;
  /** node-oidc-provider, the in-memory peer (oidc-provider-app.ts), on the servers' core too. */
  readonly peer: BareServer;
  service(instance: string): RunningService;
  /**
   * Gives the servers' core to `instances` (the services a scenario measures) and moves every other
   * service to the load generator's core at the lowest scheduling priority (nice 19). The issue
   * measures one service on one core: its siblings reacting to its events (introspection applying
   * each revocation, issuance's consumers) are other services with machines of their own in any
   * deployment. On a 2-core machine they would otherwise take time from the measured core, or from
   * PostgreSQL, Kafka and the load generator, which the measured service waits on. They keep running
   * on the time nothing else wants, and catch up with the events of a run after it.
   */
  focusOn(instances: readonly string[]): void;
  /** The CPUs a service belongs on under the current focus (to pin it back after borrowing cores). */
  cpusOf(instance: string): string;
  /** Where `--profile` writes .cpuprofile files; null without `--profile`. */
  readonly profileDir: string | null;
  /** The profiled servers: instance name, pid, and the script name the preload names its file after. */
  servers(): { name: string; pid: number; script: string }[];
  /** Affinity (and nice, when not 0) of every process involved, as /proc reports it (written to the results). */
  pinning(): Record<string, string>;
  stop(): Promise<void>;
}

/** The lowest priority: a sibling runs only when nothing at the default priority (0) wants the CPU. */
const SIBLING_NICE = 19;

/** Creates the topics, as the admin `npm run bench` exported (scripts/infra/kafka-env.sh), on its broker. */
export function provisionTopics(repoRoot: string): void {
  execFileSync(process.execPath, [join(repoRoot, 'dist/scripts/provision.js')], {
    env: { ...process.env, TESSERA_PROVISION: 'topics' },
    stdio: 'ignore',
  });
}

export async function startBenchEnvironment(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<BenchEnvironment> {
  if (onlineCpus() < 2)
    throw new Error('benchmarks need 2 CPUs: the server on one, the load generator on the other');
  const repoRoot = join(__dirname, '..', '..', '..');
  // The runner polls and mints from the load generator's core, never from the servers'.
  pinProcess(process.pid, LOADGEN_CPUS);

  // The topics must exist; the stack itself runs in a throwaway database of its own (libs/testing).
  log('provisioning topics');
  provisionTopics(repoRoot);

  const profileDir = options.profile
    ? join(repoRoot, '.tessera', 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
    : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const profiling: NodeJS.ProcessEnv = profileDir
    ? {
        NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile-preload.js')}`,
        TESSERA_CPU_PROFILE_DIR: profileDir,
      }
    : {};

  const infrastructure = pinInfrastructure(LOADGEN_CPUS);
  log(
    `infrastructure moved to CPU ${LOADGEN_CPUS}: ${infrastructure.pinned.length} processes (PostgreSQL, Redis, Kafka)`,
  );
  log(`starting the services on CPU ${SERVER_CPUS}, ports ${options.basePort}–${options.basePort + 4}`);
  const stack = await startStack({
    repoRoot,
    basePort: options.basePort,
    databaseUrl: options.databaseUrl,
    secondIntrospection: options.scenarios.includes('propagation'),
    cpus: SERVER_CPUS,
    // As in production: no dev-mode extras, and no per-request logging competing for the core.
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // The runner is the proxy in front of the services: login-flood sends each login with the
      // X-Forwarded-For of the address it comes from, which issuance believes only from a trusted proxy.
      TESSERA_TRUSTED_PROXIES: '127.0.0.1,::1',
      ...profiling,
    },
  }).catch((error: unknown) => {
    infrastructure.restore();
    throw error;
  });
  let bare: BareServer;
  let peer: BareServer;
  try {
    bare = await startBareServer(options.basePort + 5, SERVER_CPUS, profiling);
    peer = await startBenchServer({
      name: 'oidc-provider',
      script: 'oidc-provider-app.js',
      port: options.basePort + 6,
      cpus: SERVER_CPUS,
      env: profiling,
      readyPath: '/token',
      readyBody: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: PEER_CLIENT.clientId,
        client_secret: PEER_CLIENT.clientSecret,
      }).toString(),
    }).catch(async (error: unknown) => {
      await bare.stop();
      throw error;
    });
  } catch (error) {
    await stack.stop();
    infrastructure.restore();
    throw error;
  }

  // A server dying mid-run would surface only as connection errors: say who died and how.
  let stopping = false;
  for (const service of [
    ...stack.services,
    { name: 'bare-nest-app', process: bare.process },
    { name: 'oidc-provider', process: peer.process },
  ]) {
    service.process.once('exit', (code, signal) => {
      if (!stopping) log(`!!!!!!!! ${service.name} exited during the bench (code ${code}, signal ${signal})`);
    });
  }

  const processes = () => [
    ['runner', process.pid] as const,
    ['bare-nest-app', bare.process.pid!] as const,
    ['oidc-provider', peer.process.pid!] as const,
    ...stack.services.map((service) => [service.name, service.process.pid!] as const),
  ];
  const service = (instance: string) => {
    const found = stack.services.find((candidate) => candidate.name === instance);
    if (!found) throw new Error(`service ${instance} is not running`);
    return found;
  };
  let focus: readonly string[] = stack.services.map((candidate) => candidate.name);
  const cpusOf = (instance: string) => (focus.includes(instance) ? SERVER_CPUS : LOADGEN_CPUS);
  return {
    repoRoot,
    stack,
    bare,
    peer,
    service,
    focusOn(instances) {
      for (const instance of instances) service(instance);
      focus = instances;
      for (const { name, process: child } of stack.services) {
        pinProcess(child.pid!, cpusOf(name));
        setNice(child.pid!, focus.includes(name) ? 0 : SIBLING_NICE);
      }
    },
    cpusOf,
    profileDir,
    servers: () => [
      { name: 'bare-nest-app', pid: bare.process.pid!, script: 'bare-nest-app' },
      { name: 'oidc-provider', pid: peer.process.pid!, script: 'oidc-provider-app' },
      ...stack.services.map((service) => ({
        name: service.name,
        pid: service.process.pid!,
        // Both introspection instances run dist/apps/introspection.
        script: service.name.replace(/-\d+$/, ''),
      })),
    ],
    pinning: () =>
      Object.fromEntries(
        processes().map(([name, pid]) => {
          const nice = niceOf(pid);
          return [name, nice === 0 ? allowedCpus(pid) : `${allowedCpus(pid)} (nice ${nice})`];
        }),
      ),
    async stop() {
      stopping = true;
      await Promise.all([bare.stop(), peer.stop(), stack.stop()]).finally(() => infrastructure.restore());
    },
  };
}
