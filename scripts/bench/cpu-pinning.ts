import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU affinity and CPU time of processes, from taskset and /proc (Linux only). The benchmarks put the
 * server under test on one core and the load generator on the other, so every figure is per core and
 * the two never compete (reference/baselines.md, "pinning").
 */

/** Command and arguments that run `node <script>` pinned to `cpus` (taskset execs node in place). */
export function pinnedNode(cpus: string, script: string, args: readonly string[] = []): [string, string[]] {
  return ['taskset', ['-c', cpus, process.execPath, script, ...args]];
}

/** Pins every thread of a running process (`-a`: jose's WebCrypto work runs on libuv threads). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * Sets the scheduling priority (nice, -20…19) of every thread of a running process: Linux keeps a
 * nice value per thread, and node's threads (libuv pool, V8 helpers) would otherwise keep theirs.
 * Threads started later inherit the value of the thread that starts them.
 */
export function setNice(pid: number, nice: number): void {
  const threads = readdirSync(`/proc/${pid}/task`);
  execFileSync('renice', ['-n', String(nice), '-p', ...threads], { stdio: 'ignore' });
}

/** The CPUs a process may run on, as /proc reports them ("0", "0-1"): written to every result. */
export function allowedCpus(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? 'unknown';
}

/** The nice value of a process's main thread, from /proc. */
export function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** User + system CPU seconds a process has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** How many CPUs this machine has: pinning needs two (server on 0, load generator on 1). */
export function onlineCpus(): number {
  return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
}
