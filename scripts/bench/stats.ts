/** Small order statistics for reps and latency samples. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 50 && sorted.length % 2 === 0) {
    const upper = sorted.length / 2;
    return (sorted[upper - 1]! + sorted[upper]!) / 2;
  }
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Ratio of two contenders inside each rep, then the median over reps: robust to slow phases of the host. */
export function medianOfPerRepRatios(numerators: readonly number[], denominators: readonly number[]): number {
  const ratios = numerators.map((value, index) => value / denominators[index]!);
  return median(ratios);
}
