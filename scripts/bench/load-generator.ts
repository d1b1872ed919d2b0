/**
 * The load generator, run as a child process so it can be pinned to its own core
 * (`taskset -c 1 node load-generator.js`). It receives one `LoadJob` over IPC, runs autocannon, and
 * answers one `LoadResult`.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { allowedCpus } from './cpu-pinning';
import type { LoadJob, LoadResult } from './load-job';

async function run(job: LoadJob): Promise<LoadResult> {
  const tokens = job.distinctTokens ? readTokens(job.distinctTokens) : [];
  if (job.distinctTokens && tokens.length < job.connections) {
    throw new Error(
      `only ${tokens.length} tokens left for ${job.connections} connections: mint more (--max-pool)`,
    );
  }
  let next = 0;
  let exhausted = false;
  const cpuBefore = process.cpuUsage();

  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    pipelining: 1,
    duration: job.durationSeconds,
    method: 'POST',
    headers: job.headers,
    ...(job.overallRate !== undefined ? { overallRate: job.overallRate } : {}),
    ...(job.rotation
      ? { requests: [rotatingRequest(job.rotation)] }
      : job.distinctTokens
        ? {
            requests: [
              {
                method: 'POST',
                // Called for every request of every connection: each takes the next unused token.
                setupRequest: (request) => {
                  const token = tokens[next];
                  if (token === undefined) {
                    if (!exhausted) {
                      exhausted = true;
                      setImmediate(() => instance.stop());
                    }
                    // Keep the connection busy with a repeat until stop() lands; its answer is not counted
                    // as a distinct-token request by the runner (tokensUsed stays at the pool size).
                    return {
                      ...request,
                      body:
                        job.distinctTokens!.prefix + tokens[tokens.length - 1]! + job.distinctTokens!.suffix,
                    };
                  }
                  next++;
                  return {
                    ...request,
                    body: job.distinctTokens!.prefix + token + job.distinctTokens!.suffix,
                  };
                },
              },
            ],
          }
        : { body: job.body }),
  });
  const result = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(count);
  return {
    completed: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    tokensUsed: next,
    exhausted,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpus: allowedCpus(process.pid),
  };
}

/** The request of a rotation job: the next body, from the next address (see LoadJob.rotation). */
function rotatingRequest(rotation: NonNullable<LoadJob['rotation']>) {
  const { bodies, forwardedFor, paired } = rotation;
  let sent = 0;
  return {
    method: 'POST',
    setupRequest: (request: { headers?: Record<string, string> }) => {
      const body = bodies[sent % bodies.length]!;
      const address = forwardedFor[(paired ? sent % bodies.length : sent) % forwardedFor.length]!;
      sent++;
      return { ...request, body, headers: { ...request.headers, 'x-forwarded-for': address } };
    },
  };
}

function readTokens({ file, from, to }: NonNullable<LoadJob['distinctTokens']>): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(from, to).filter(Boolean);
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(`load generator failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
});
