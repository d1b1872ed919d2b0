import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { startService, type RunningService, type StackInfo } from '@app/testing';

/** Ports above the stack's own for the instances e2e files start (files run one at a time: `fileParallelism: false`). */
// poison, keyTrust and clientTrust share +8 with failClosed: files run one at a time and each stops its instance in afterAll.
export const EXTRA_INSTANCE_PORTS = {
  noRedis: 7,
  failClosed: 8,
  poison: 8,
  keyTrust: 8,
  clientTrust: 8,
  drain: 9,
} as const;

/**
 * Starts one more introspection instance against the running stack's broker and issuer — a fresh
 * process that replays the topics itself — for a file that needs one of its own (a restart, another
 * setting). `env` adds or overrides settings. Resolves once it is ready (`startService`).
 */
export function startExtraIntrospection(
  stack: StackInfo,
  options: { name: string; port: keyof typeof EXTRA_INSTANCE_PORTS; env?: NodeJS.ProcessEnv },
): Promise<RunningService> {
  return startService({
    service: 'introspection',
    instance: `introspection-${options.name}`,
    port: extraInstancePort(stack, options.port),
    repoRoot: resolve(process.cwd()),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      TESSERA_ISSUER: stack.issuer,
      KAFKA_BROKERS: stack.brokers.join(','),
      KAFKA_GROUP_PREFIX: `tessera-test-${options.name}-${randomBytes(4).toString('hex')}`,
      TESSERA_JWKS_URL: `${stack.urls.issuance}/.well-known/jwks.json`,
      TESSERA_JWKS_ALLOW_HTTP: 'true',
      TESSERA_ISSUANCE_URL: stack.urls.issuance,
      ...options.env,
    },
  });
}

export function extraInstancePort(stack: StackInfo, port: keyof typeof EXTRA_INSTANCE_PORTS): number {
  return Number(new URL(stack.urls.issuance).port) + EXTRA_INSTANCE_PORTS[port];
}
