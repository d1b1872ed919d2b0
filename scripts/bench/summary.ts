import type { Measurement } from './contender';
import { median, medianOfPerRepRatios, spread, type Spread } from './stats';

export interface Target {
  /** What the ratio is taken to, e.g. "bare" or "jose jwtVerify". */
  readonly of: string;
  readonly atLeast: number;
}

/** One printed row: a contender's reps folded into medians and per-rep ratios. */
export interface SummaryRow {
  readonly label: string;
  readonly unit: string;
  readonly rate: Spread;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Median over reps of (this rep's rate ÷ bare's rate in the same rep). */
  readonly ratioToBare?: number;
  /** The same against other references, e.g. jose's raw verify rate. */
  readonly ratioToReferences?: readonly { readonly of: string; readonly value: number }[];
  readonly target?: Target & { readonly met: boolean };
  readonly non2xx: number;
  readonly errors: number;
  readonly serverCpuUsPerOp?: number;
  readonly note?: string;
}

export interface SummaryInput {
  readonly label: string;
  readonly unit: string;
  readonly reps: readonly Measurement[];
  readonly bare?: readonly Measurement[];
  readonly references?: readonly { readonly of: string; readonly reps: readonly Measurement[] }[];
  readonly target?: Target;
  readonly note?: string;
}

export function summarize(input: SummaryInput): SummaryRow {
  const rates = input.reps.map((rep) => rep.rate);
  const defined = (values: (number | undefined)[]) =>
    values.filter((value): value is number => value !== undefined);
  const latency50 = defined(input.reps.map((rep) => rep.p50Ms));
  const latency99 = defined(input.reps.map((rep) => rep.p99Ms));
  const cpu = defined(input.reps.map((rep) => rep.serverCpuUsPerOp));
  const ratioToBare = input.bare
    ? medianOfPerRepRatios(
        rates,
        input.bare.map((rep) => rep.rate),
      )
    : undefined;
  const ratioToReferences = input.references?.map((reference) => ({
    of: reference.of,
    value: medianOfPerRepRatios(
      rates,
      reference.reps.map((rep) => rep.rate),
    ),
  }));
  const targetRatio = input.target
    ? input.target.of === 'bare'
      ? ratioToBare
      : ratioToReferences?.find((reference) => reference.of === input.target?.of)?.value
    : undefined;
  const exhausted = input.reps.filter((rep) => rep.exhausted);
  const notes = [
    input.note,
    exhausted.length
      ? `${exhausted.length} rep(s) ran out of tokens early (${exhausted.map((rep) => `${rep.durationSeconds} s`).join(', ')})`
      : undefined,
  ].filter(Boolean);
  return {
    label: input.label,
    unit: input.unit,
    rate: spread(rates),
    ...(latency50.length ? { p50Ms: median(latency50), p99Ms: median(latency99) } : {}),
    ...(ratioToBare !== undefined ? { ratioToBare } : {}),
    ...(ratioToReferences ? { ratioToReferences } : {}),
    ...(input.target && targetRatio !== undefined
      ? { target: { ...input.target, met: targetRatio >= input.target.atLeast } }
      : {}),
    non2xx: sum(input.reps.map((rep) => rep.non2xx)),
    errors: sum(input.reps.map((rep) => rep.errors)),
    ...(cpu.length ? { serverCpuUsPerOp: median(cpu) } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
