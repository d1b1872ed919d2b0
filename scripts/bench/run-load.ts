import type { LoadJob, LoadResult } from './load-job';
import { runPinnedChild } from './pinned-child';

/** The core the load generator (and the runner itself) uses; servers get the other one. */
export const LOADGEN_CPUS = '1';
/** The core every server under test (services, bare app, jose's verify loop) is pinned to. */
export const SERVER_CPUS = '0';

/** Runs one autocannon job in a fresh load-generator process pinned to `LOADGEN_CPUS`. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return runPinnedChild<LoadJob, LoadResult>(LOADGEN_CPUS, 'load-generator', job);
}
