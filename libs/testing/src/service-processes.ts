import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localKafkaEnv } from '@app/kafka';

export type ServiceName = 'issuance' | 'introspection' | 'revocation' | 'account-linking' | 'audit';

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  readonly service: ServiceName;
  /** A distinct name for a second instance of the same service (logs, messages). */
  readonly instance?: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly repoRoot: string;
  readonly readyTimeoutMs?: number;
  /**
   * CPUs to pin the process to (`taskset -c <cpus>`, e.g. "0"): benchmarks run the server on one core
   * and the load generator on another so neither steals the other's CPU. Unpinned when absent.
   */
  readonly cpus?: string;
}

/**
 * Starts one compiled service (`npm run build` first) as a real process and waits until its
 * `/health/ready` answers 200. Output goes to `.tessera/logs/test-<instance>.log`.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const name = options.instance ?? options.service;
  const logDir = join(options.repoRoot, '.tessera', 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `test-${name}.log`), { flags: 'w' });
  const main = join(options.repoRoot, 'dist/apps', options.service, 'src/main.js');
  // taskset execs node in place, so the child's pid (and its signals) stay the service's own.
  const [command, args] = options.cpus
    ? ['taskset', ['-c', options.cpus, process.execPath, main]]
    : [process.execPath, [main]];
  const child = spawn(command, args, {
    cwd: options.repoRoot,
    // Each service logs in to the broker as its own principal, with only its own grants (issue #20).
    env: {
      ...options.env,
      ...localKafkaEnv(options.repoRoot, `tessera-${options.service}`, { ...process.env, ...options.env }),
      HOST: '127.0.0.1',
      PORT: String(options.port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGINT closes at once; SIGTERM would first drain (TESSERA_SHUTDOWN_DRAIN_SECONDS) for a gateway.
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 150_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `${name} exited with ${child.exitCode} before it was ready (see .tessera/logs/test-${name}.log)`,
      );
    }
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 150_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, process: child, stop };
}
