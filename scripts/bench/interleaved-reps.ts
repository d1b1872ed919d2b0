import type { Contender, Measurement } from './contender';

export interface RepPlan {
  readonly reps: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface InterleavedResult {
  /** Unrecorded warm-up run of each contender (kept for bookkeeping such as issued-token counts). */
  readonly warmups: Record<string, Measurement>;
  /** `reps[name][i]`: the contender's measurement in rep i. */
  readonly reps: Record<string, Measurement[]>;
}

/**
 * Runs every contender once per rep, in turn (bare, service, bare, service…), so that a slow phase
 * of this shared, noisy host hits each of them about equally and ratios taken inside one rep hold up
 * (reference/baselines.md, "Noise"). Each contender first gets an unrecorded warm-up run (JIT, pools).
 */
export async function runInterleaved(
  contenders: readonly Contender[],
  plan: RepPlan,
  log: (line: string) => void,
): Promise<InterleavedResult> {
  const warmups: Record<string, Measurement> = {};
  const reps: Record<string, Measurement[]> = {};
  for (const contender of contenders) {
    if (plan.warmupSeconds > 0) warmups[contender.name] = await contender.measure(plan.warmupSeconds);
    reps[contender.name] = [];
  }
  for (let rep = 1; rep <= plan.reps; rep++) {
    for (const contender of contenders) {
      const measurement = await contender.measure(plan.durationSeconds);
      reps[contender.name]!.push(measurement);
      log(
        `  rep ${rep}/${plan.reps} ${contender.name.padEnd(34)} ${Math.round(measurement.rate)
          .toLocaleString('en-US')
          .padStart(7)} /s` +
          (measurement.p99Ms !== undefined
            ? `  p50 ${measurement.p50Ms} ms  p99 ${measurement.p99Ms} ms`
            : '') +
          (measurement.serverCpuShare !== undefined
            ? `  server CPU ${Math.round(measurement.serverCpuShare * 100)} %`
            : '') +
          (measurement.non2xx || measurement.errors
            ? `  !! non-2xx ${measurement.non2xx}, errors ${measurement.errors}`
            : '') +
          (measurement.exhausted ? `  (tokens ran out after ${measurement.durationSeconds} s)` : ''),
      );
    }
  }
  return { warmups, reps };
}
