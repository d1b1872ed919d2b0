import type { BenchEnvironment } from './bench-environment';
import type { BenchOptions } from './bench-options';
import { httpContender, type Contender, type Measurement } from './contender';
import { runInterleaved, type InterleavedResult, type RepPlan } from './interleaved-reps';
import { summarize, type SummaryRow, type Target } from './summary';
import type { PoolProvider } from './pool-provider';
import type { TokenCursor } from './token-pool';

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  readonly env: BenchEnvironment;
  readonly options: BenchOptions;
  readonly pools: PoolProvider;
  readonly log: (line: string) => void;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function repPlan(options: BenchOptions): RepPlan {
  return {
    reps: options.reps,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
}

export function formBody(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** The yardstick: the bare Nest app's POST /token under the same load generator and pinning. */
export function bareContender(context: ScenarioContext): Contender {
  return httpContender({
    name: 'bare NestJS+fastify POST',
    serverPid: context.env.bare.process.pid!,
    job: (durationSeconds) => ({
      url: `${context.env.bare.url}/token`,
      connections: context.options.connections,
      durationSeconds,
      headers: FORM,
      body: formBody({ grant_type: 'client_credentials', client_id: 'bare', client_secret: 'bare-secret' }),
    }),
  });
}

/**
 * A service endpoint sent a different pool token on every request (`token=<jwt>&…params`). Every run
 * takes tokens no earlier run used, so the service never sees one twice. The pool is shared out in
 * proportion to each run's planned seconds: if it is too small for the whole plan, every rep (not
 * just the last) stops early, at the same point of its share, and its rate is taken over the seconds
 * it actually ran.
 */
export function distinctTokenContender(
  context: ScenarioContext,
  options: {
    name: string;
    /** The stack instance charged with the CPU time, or a pid (the peer). */
    instance: string | { pid: number };
    url: string;
    tokens: TokenCursor;
    params: Record<string, string>;
  },
): Contender {
  const plan = repPlan(context.options);
  let plannedSecondsLeft = plan.warmupSeconds + plan.reps * plan.durationSeconds;
  return httpContender({
    name: options.name,
    serverPid:
      typeof options.instance === 'string'
        ? context.env.service(options.instance).process.pid!
        : options.instance.pid,
    job: (durationSeconds) => {
      const share = Math.floor(
        (options.tokens.remaining * durationSeconds) / Math.max(plannedSecondsLeft, durationSeconds),
      );
      plannedSecondsLeft -= durationSeconds;
      return {
        url: options.url,
        connections: context.options.connections,
        durationSeconds,
        headers: FORM,
        distinctTokens: {
          ...options.tokens.peek(share),
          prefix: 'token=',
          suffix: `&${formBody(options.params)}`,
        },
      };
    },
    after: (result) => options.tokens.consume(result.tokensUsed),
  });
}

/**
 * The usual comparison: `contender` interleaved with the bare endpoint; rows for both (the contender's
 * with its ratio to bare and target), every run of the contender — warm-up included — for
 * bookkeeping such as counting the events it caused, and the raw result for the JSON report.
 */
export async function versusBare(
  context: ScenarioContext,
  contender: Contender,
  row: { unit: string; target: Target },
): Promise<{ rows: SummaryRow[]; runs: Measurement[]; result: InterleavedResult }> {
  const bare = bareContender(context);
  const result = await runInterleaved([bare, contender], repPlan(context.options), context.log);
  const rows = [
    summarize({ label: bare.name, unit: 'req/s', reps: result.reps[bare.name]! }),
    summarize({
      label: contender.name,
      unit: row.unit,
      reps: result.reps[contender.name]!,
      bare: result.reps[bare.name]!,
      target: row.target,
    }),
  ];
  const runs = [result.warmups[contender.name], ...result.reps[contender.name]!].filter(
    (run): run is Measurement => run !== undefined,
  );
  return { rows, runs, result };
}

/** The peer's name in rows and targets. */
export const PEER = 'oidc-provider';

/**
 * `contender` interleaved with the bare endpoint and with the same operation on node-oidc-provider
 * (the in-memory peer, oidc-provider-app.ts): rows for all three, the contender's with its ratio to
 * bare and to the peer, and its target (usually on the peer).
 */
export async function versusBareAndPeer(
  context: ScenarioContext,
  contender: Contender,
  peer: Contender,
  row: { unit: string; target: Target; note?: string },
): Promise<{ rows: SummaryRow[]; runs: Measurement[]; result: InterleavedResult }> {
  const bare = bareContender(context);
  const result = await runInterleaved([bare, contender, peer], repPlan(context.options), context.log);
  const bareReps = result.reps[bare.name]!;
  const peerReps = result.reps[peer.name]!;
  const rows = [
    summarize({ label: bare.name, unit: 'req/s', reps: bareReps }),
    summarize({ label: peer.name, unit: row.unit, reps: peerReps, bare: bareReps }),
    summarize({
      label: contender.name,
      unit: row.unit,
      reps: result.reps[contender.name]!,
      bare: bareReps,
      references: [{ of: PEER, reps: peerReps }],
      target: row.target,
      ...(row.note ? { note: row.note } : {}),
    }),
  ];
  const runs = [result.warmups[contender.name], ...result.reps[contender.name]!].filter(
    (run): run is Measurement => run !== undefined,
  );
  return { rows, runs, result };
}
