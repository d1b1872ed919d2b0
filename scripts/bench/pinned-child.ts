import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pinnedNode } from './cpu-pinning';

/**
 * Runs one of the bench's worker scripts (`dist/scripts/bench/<script>.js`) in a fresh process pinned
 * to `cpus`, sends it one job over IPC and resolves with its one answer.
 */
export function runPinnedChild<Job, Result>(cpus: string, script: string, job: Job): Promise<Result> {
  const [command, args] = pinnedNode(cpus, join(__dirname, `${script}.js`));
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return new Promise<Result>((resolve, reject) => {
    let answered = false;
    child.once('message', (result: Result) => {
      answered = true;
      resolve(result);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`${script} exited with ${code} without a result`));
    });
    child.send(job as object);
  });
}
