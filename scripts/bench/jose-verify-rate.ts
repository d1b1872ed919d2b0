/**
 * jose's raw `jwtVerify` rate on one pinned core: the ceiling an introspection endpoint that verifies
 * every token with jose could reach, measured next to it in the same invocation. Runs as a child
 * process (`taskset -c 0 node jose-verify-rate.js`), receives a `JoseVerifyJob` over IPC.
 *
 * Same call as the service's verifier (libs/jwt AccessTokenVerifier): an imported key, `issuer`,
 * the key's algorithm, `exp`/`iat` required; `inFlight` verifications at a time (1: each awaited
 * before the next), over distinct tokens (reused in a cycle if the run outlasts them: jose keeps no
 * cache, so reuse costs the same).
 */
import { readFileSync } from 'node:fs';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { allowedCpus } from './cpu-pinning';
import type { JoseVerifyJob, JoseVerifyResult } from './jose-verify-job';

const WARMUP_MS = 500;

async function run(job: JoseVerifyJob): Promise<JoseVerifyResult> {
  const tokens = readFileSync(job.tokens.file, 'utf8')
    .split('\n')
    .slice(job.tokens.from, job.tokens.to)
    .filter(Boolean);
  if (tokens.length === 0) throw new Error('no tokens to verify');
  const { keys } = (await (await fetch(job.jwksUrl)).json()) as { keys: (JWK & { kid: string })[] };
  const kid = decodeProtectedHeader(tokens[0]!).kid;
  const jwk = keys.find((key) => key.kid === kid);
  if (!jwk?.alg) throw new Error(`kid ${kid} is not in the JWKS`);
  const key = await importJWK(jwk, jwk.alg);
  const options = { issuer: job.issuer, algorithms: [jwk.alg], requiredClaims: ['exp', 'iat'] };

  let index = 0;
  const verifyFor = async (ms: number) => {
    let verified = 0;
    let failed = 0;
    const start = performance.now();
    const end = start + ms;
    const worker = async () => {
      while (performance.now() < end) {
        try {
          await jwtVerify(tokens[index++ % tokens.length]!, key, options);
          verified++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: job.inFlight }, worker));
    return { verified, failed, seconds: (performance.now() - start) / 1000 };
  };
  await verifyFor(WARMUP_MS);
  const cpuBefore = process.cpuUsage();
  const measured = await verifyFor(job.durationSeconds * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    verified: measured.verified,
    failed: measured.failed,
    durationSeconds: measured.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpus: allowedCpus(process.pid),
  };
}

process.once('message', (job: JoseVerifyJob) => {
  run(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(`jose verify rate failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
});
