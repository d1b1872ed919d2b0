import { cpuSeconds } from './cpu-pinning';
import type { LoadJob, LoadResult } from './load-job';
import { runLoad } from './run-load';

/** One timed run of one contender. */
export interface Measurement {
  /** Successful operations per second (2xx responses, or verifications). */
  readonly rate: number;
  readonly count: number;
  readonly durationSeconds: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Server CPU time per successful operation, in µs: where a slow row spends its core. */
  readonly serverCpuUsPerOp?: number;
  /** Share of its core the server (and the load generator) used during the run. */
  readonly serverCpuShare?: number;
  readonly loadgenCpuShare?: number;
  /** A distinct-token run that used up its tokens before the duration ended. */
  readonly exhausted?: boolean;
  readonly load?: LoadResult;
}

/** Something the interleaved reps measure: the bare app, a service endpoint, jose's raw verify rate. */
export interface Contender {
  readonly name: string;
  measure(durationSeconds: number): Promise<Measurement>;
}

export interface HttpContenderOptions {
  readonly name: string;
  /** The process whose CPU time is charged to the requests. */
  readonly serverPid: number;
  /** Builds the job for one run (a distinct-token job takes the next unused tokens here). */
  readonly job: (durationSeconds: number) => LoadJob;
  /** Told how the run went, e.g. to mark its tokens used. */
  readonly after?: (result: LoadResult) => void;
}

/** A contender measured by the pinned autocannon load generator, charging the server's CPU time. */
export function httpContender(options: HttpContenderOptions): Contender {
  return {
    name: options.name,
    async measure(durationSeconds) {
      const job = options.job(durationSeconds);
      const cpuBefore = cpuSeconds(options.serverPid);
      const load = await runLoad(job);
      const serverCpu = cpuSeconds(options.serverPid) - cpuBefore;
      options.after?.(load);
      const seconds = load.durationSeconds || durationSeconds;
      return {
        rate: load.ok / seconds,
        count: load.ok,
        durationSeconds: seconds,
        p50Ms: load.latencyMs.p50,
        p99Ms: load.latencyMs.p99,
        maxMs: load.latencyMs.max,
        non2xx: load.non2xx,
        errors: load.errors + load.timeouts,
        serverCpuUsPerOp: load.ok > 0 ? (serverCpu / load.ok) * 1e6 : undefined,
        serverCpuShare: serverCpu / seconds,
        loadgenCpuShare: load.cpuSeconds / seconds,
        exhausted: load.exhausted,
        load,
      };
    },
  };
}
