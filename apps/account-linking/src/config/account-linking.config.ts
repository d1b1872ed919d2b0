import { availableParallelism } from 'node:os';
import { z } from 'zod';
import {
  addressRanges,
  databaseEnv,
  encryptionKeyEnv,
  loadConfig,
  portEnv,
  serviceEnv,
  jwksEnv,
} from '@app/config';

const accountLinkingEnv = serviceEnv
  .extend(jwksEnv.shape)
  .extend(databaseEnv.shape)
  .extend(encryptionKeyEnv.shape)
  .extend(portEnv(3004).shape)
  .extend({
    /**
     * Shared secret that callers of the internal API (`/internal/v1/…`) present as a Bearer token.
     * Unset: only loopback callers that did not come through a proxy are served (docs/adr/0005).
     */
    TESSERA_INTERNAL_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
    /**
     * Development and tests only: lets upstream OIDC connections point at loopback and private
     * addresses, and at loopback over plain http (a provider on 127.0.0.1). Off, they must be https
     * to public addresses (security review #6). Link-local and special-use addresses are refused either way.
     */
    TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS: z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    /**
     * argon2id hashes running at once (docs/adr/0013). Default: one per core, but leaving one thread
     * of libuv's pool to the DNS and file work that shares it.
     */
    TESSERA_PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
    /** Password checks that may wait for a hash in the normal lane; beyond it: 503 + Retry-After. */
    TESSERA_PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(100_000).default(32),
    /** The same for the priority lane (logins from the user's last address, administrators). */
    TESSERA_PASSWORD_HASH_PRIORITY_QUEUE: z.coerce.number().int().min(0).max(100_000).default(16),
    /** Node's own setting, read here only for the default above: the size of libuv's thread pool. */
    UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
    /**
     * Brute-force protection (Auth0's default: 10): after this many consecutive failed logins of one
     * login identifier from one address, that address may not log in as that identifier until an
     * unblock (`DELETE /api/v2/user-blocks…`) or a successful login resets it.
     */
    TESSERA_BRUTE_FORCE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
    /**
     * Suspicious-IP throttling, a token bucket per address across all accounts: the failed logins an
     * address may make in a burst (Auth0's `max_attempts`, default 100) …
     */
    TESSERA_SUSPICIOUS_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    /** … and the interval after which it gets one more (Auth0's `rate`, default 864000 ms: 100 a day). */
    TESSERA_SUSPICIOUS_IP_RATE_MS: z.coerce.number().int().min(1).max(86_400_000).default(864_000),
    /**
     * Addresses and CIDR ranges that neither brute-force protection nor suspicious-IP throttling
     * applies to (Auth0's allowlist), e.g. an office's NAT or a trusted back end. Default: none.
     */
    TESSERA_ATTACK_PROTECTION_ALLOWLIST: addressRanges,
  })
  .transform(({ TESSERA_PASSWORD_HASH_CONCURRENCY, ...config }) => ({
    ...config,
    TESSERA_PASSWORD_HASH_CONCURRENCY:
      TESSERA_PASSWORD_HASH_CONCURRENCY ??
      Math.max(1, Math.min(availableParallelism(), config.UV_THREADPOOL_SIZE - 1)),
  }));

export type AccountLinkingConfig = z.output<typeof accountLinkingEnv>;
export const ACCOUNT_LINKING_CONFIG = Symbol('ACCOUNT_LINKING_CONFIG');

export function loadAccountLinkingConfig(env: NodeJS.ProcessEnv = process.env): AccountLinkingConfig {
  return loadConfig(accountLinkingEnv, env);
}
