import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pinnedNode } from './cpu-pinning';

export interface BareServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** For messages: "the bare app", "oidc-provider". */
  readonly name: string;
  /** A compiled script of scripts/bench, e.g. `bare-nest-app.js`. */
  readonly script: string;
  readonly port: number;
  readonly cpus: string;
  readonly env?: NodeJS.ProcessEnv;
  /** A POST that answers 2xx once the server is ready. */
  readonly readyPath: string;
  readonly readyBody: string;
}

/** Starts a bench script pinned to `cpus` and waits until its `readyPath` answers. */
export async function startBenchServer(options: BenchServerOptions): Promise<BareServer> {
  const [command, args] = pinnedNode(options.cpus, join(__dirname, options.script));
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(options.port), ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}${options.readyPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: options.readyBody,
        signal: AbortSignal.timeout(1000),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not answer within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, stop };
}

/** Starts `bare-nest-app` pinned to `cpus` and waits until its POST /token answers. */
export function startBareServer(
  port: number,
  cpus: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BareServer> {
  return startBenchServer({
    name: 'the bare app',
    script: 'bare-nest-app.js',
    port,
    cpus,
    env: extraEnv,
    readyPath: '/token',
    readyBody: 'grant_type=client_credentials',
  });
}
