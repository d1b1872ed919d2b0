import { get } from 'node:https';
import type { ManagedProcess } from './prefixed-process';

const POLL_MS = 200;

/**
 * Waits until `url` answers 200 (a service's /health/ready: migrations done, Kafka topics
 * replayed). Fails early, with the process's last lines, if it exits first.
 */
export async function waitUntilReady(url: string, process: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process.hasExited()) {
      throw new Error(
        `${process.name} exited before it was ready:\n  ${process.tail().slice(-10).join('\n  ')}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${process.name} was not ready within ${timeoutMs / 1000} s (${url})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * GETs JSON over HTTPS trusting only `ca` (the local CA), the way a client with
 * NODE_EXTRA_CA_CERTS would: proves the certificate chain, the routing and the service at once.
 * The launcher cannot set NODE_EXTRA_CA_CERTS for itself (Node reads it at process start).
 */
export function httpsGetJson(url: string, ca: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca, timeout: 3000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`timed out: ${url}`)));
    request.on('error', reject);
  });
}

/** Retries `httpsGetJson` until it answers 200 or the gateway process exits. */
export async function waitForGateway(
  url: string,
  ca: Buffer,
  gateway: ManagedProcess,
  timeoutMs: number,
): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (gateway.hasExited()) {
      throw new Error(`the gateway exited:\n  ${gateway.tail().slice(-10).join('\n  ')}`);
    }
    try {
      const { status, body } = await httpsGetJson(url, ca);
      if (status === 200) return body;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`the gateway did not answer ${url} within ${timeoutMs / 1000} s: ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
