import type { Contender } from './contender';
import type { JoseVerifyJob, JoseVerifyResult } from './jose-verify-job';
import { runPinnedChild } from './pinned-child';

const MAX_SECONDS = 4;

/** jose's raw verify rate as a contender, measured in a fresh process pinned to the servers' core. */
export function joseVerifyContender(
  name: string,
  cpus: string,
  job: Omit<JoseVerifyJob, 'durationSeconds'>,
): Contender {
  return {
    name,
    async measure(durationSeconds) {
      // A verify loop is steady within a second or two: shorter runs keep the whole bench short.
      const seconds = Math.min(durationSeconds, MAX_SECONDS);
      const result = await runJoseVerify(cpus, { ...job, durationSeconds: seconds });
      return {
        rate: result.verified / result.durationSeconds,
        count: result.verified,
        durationSeconds: result.durationSeconds,
        // A failed verification would mean the comparison is not like for like: counted as an error.
        non2xx: 0,
        errors: result.failed,
        serverCpuShare: result.cpuSeconds / result.durationSeconds,
      };
    },
  };
}

function runJoseVerify(cpus: string, job: JoseVerifyJob): Promise<JoseVerifyResult> {
  return runPinnedChild<JoseVerifyJob, JoseVerifyResult>(cpus, 'jose-verify-rate', job);
}
