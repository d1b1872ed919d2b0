import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pinnedNode } from './cpu-pinning';

export interface BareServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `bare-nest-app` pinned to `cpus` and waits until its POST /token answers. */
export async function startBareServer(
  port: number,
  cpus: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BareServer> {
  const [command, args] = pinnedNode(cpus, join(__dirname, 'bare-nest-app.js'));
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), ...extraEnv },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bare app exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(1000),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the bare app did not answer within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, stop };
}
