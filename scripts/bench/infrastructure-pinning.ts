import { execFileSync } from 'node:child_process';
import { allowedCpus, pinProcess } from './cpu-pinning';

/** The machine's PostgreSQL (postmaster, its helpers and backends), Redis, and our Kafka broker. */
const INFRASTRUCTURE = [
  ['-x', 'postgres'],
  ['-x', 'redis-server'],
  ['-f', 'kafka\\.Kafka'],
] as const;

/**
 * Moves PostgreSQL, Redis and the Kafka broker to `cpus` for the duration of a bench, and back.
 *
 * On a 2-core machine they would otherwise run on the servers' core whenever a service wakes them:
 * each query or produce request lets a PostgreSQL backend or a broker thread preempt the service it
 * serves, so the core measured as "the service's" is in good part theirs. In any deployment they have
 * machines of their own. PostgreSQL forks a backend per connection from the postmaster, which hands
 * down its affinity, so later connections land on `cpus` too. `restore` gives every process back
 * the affinity it had (a crashed bench leaves them on `cpus`: slower, never wrong).
 */
export function pinInfrastructure(cpus: string): { pinned: string[]; restore: () => void } {
  const previous = new Map<number, string>();
  const pinned: string[] = [];
  for (const [flag, pattern] of INFRASTRUCTURE) {
    for (const pid of pidsOf(flag, pattern)) {
      try {
        previous.set(pid, allowedCpus(pid));
        pinProcess(pid, cpus);
        pinned.push(`${pattern.replace('\\', '')}:${pid}`);
      } catch {
        // Gone meanwhile (a backend that disconnected), or not ours to pin: nothing to restore.
        previous.delete(pid);
      }
    }
  }
  return {
    pinned,
    restore() {
      for (const [pid, original] of previous) {
        try {
          pinProcess(pid, original);
        } catch {
          // The process ended during the bench.
        }
      }
      // Backends forked during the bench inherited `cpus`; the postmaster's own affinity is restored
      // above, and those connections close with the bench's stack.
    },
  };
}

function pidsOf(flag: '-x' | '-f', pattern: string): number[] {
  try {
    return execFileSync('pgrep', [flag, pattern], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
