import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GatewayUpstreams {
  readonly issuance: string;
  readonly introspection: string;
  readonly revocation: string;
  readonly accountLinking: string;
  /** The audit service; without it the gateway's log routes answer 503. */
  readonly audit?: string;
}

export interface RunningGateway {
  /** `https://127.0.0.1:8443/`: the issuer the test stack is configured with. */
  readonly url: string;
  /** The local CA that signed the gateway's certificate (.tessera/tls/ca.pem). */
  readonly caPath: string;
  stop(): Promise<void>;
}

/**
 * Starts the real nginx gateway (scripts/gateway.sh, the same template as `npm start` and
 * docker-compose) on 127.0.0.1:8443 in front of a test stack's services. The issuer of every
 * stack is https://127.0.0.1:8443/, so only one gateway can run on a machine at a time; when the
 * port is taken, the script's error (which names the process holding it) is thrown as is.
 */
export async function startGateway(repoRoot: string, upstreams: GatewayUpstreams): Promise<RunningGateway> {
  const hostPort = (url: string) => new URL(url).host;
  const env = {
    ...process.env,
    // Its own directory, so a test gateway never touches the config or pid file of `npm start`'s.
    TESSERA_GATEWAY_DIR: join(repoRoot, '.tessera', 'nginx-test'),
    GATEWAY_LISTEN: '127.0.0.1:8443',
    ISSUANCE_UPSTREAM: hostPort(upstreams.issuance),
    INTROSPECTION_UPSTREAM: hostPort(upstreams.introspection),
    REVOCATION_UPSTREAM: hostPort(upstreams.revocation),
    ACCOUNT_LINKING_UPSTREAM: hostPort(upstreams.accountLinking),
    ...(upstreams.audit ? { AUDIT_UPSTREAM: hostPort(upstreams.audit) } : {}),
  };
  const script = join(repoRoot, 'scripts', 'gateway.sh');
  try {
    await run('bash', [script, 'start'], { env, cwd: repoRoot });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || (error instanceof Error ? error.message : String(error)));
  }
  const caPath = join(repoRoot, '.tessera', 'tls', 'ca.pem');
  return {
    url: 'https://127.0.0.1:8443/',
    caPath,
    stop: async () => {
      await run('bash', [script, 'stop'], { env, cwd: repoRoot });
    },
  };
}

/**
 * Node reads NODE_EXTRA_CA_CERTS once, at process start, so it cannot be set from a test: it must
 * already name the gateway's CA (scripts/test.sh exports it). Fails with the fix when it does not.
 */
export function assertTrustsGatewayCa(caPath: string): void {
  const configured = process.env.NODE_EXTRA_CA_CERTS;
  const expected = readFileSync(caPath, 'utf8');
  let actual = '';
  try {
    actual = configured ? readFileSync(configured, 'utf8') : '';
  } catch {
    actual = '';
  }
  if (actual.trim() !== expected.trim()) {
    throw new Error(
      `NODE_EXTRA_CA_CERTS must name the gateway's CA (${caPath}); it is ${configured ?? 'unset'}. ` +
        `Run the tests with npm test, or: NODE_EXTRA_CA_CERTS=${caPath} npx vitest ...`,
    );
  }
}
