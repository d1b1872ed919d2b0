import { z } from 'zod';
import { databaseEnv, encryptionKeyEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const issuanceEnv = serviceEnv
  .extend(databaseEnv.shape)
  .extend(encryptionKeyEnv.shape)
  .extend(portEnv(3001).shape)
  .extend({
    /** The management client created at start with every management scope (README: Bootstrap client). */
    TESSERA_BOOTSTRAP_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8–64 of [A-Za-z0-9_-]'),
    TESSERA_BOOTSTRAP_CLIENT_SECRET: z.string().min(32, 'expected at least 32 characters'),
    /** Optional JSON file of clients, APIs and client grants to create at start (idempotent). */
    TESSERA_SEED_FILE: z.string().min(1).optional(),
    /** Account-linking's internal API (password checks, login tickets); not routed by the gateway. */
    TESSERA_ACCOUNT_LINKING_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3004'),
    /** The bearer token of the internal API, when account-linking requires one (docs/adr/0005). */
    TESSERA_INTERNAL_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
    /** How often expired `/authorize` transactions, codes and login sessions are deleted (review #7). */
    TESSERA_LOGIN_PRUNE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /**
     * OIDC Back-Channel Logout (issue #16 §2): how long a logout token is retried before it is given up
     * (with a warning in the log), the longest wait between two tries, and each POST's timeout.
     */
    TESSERA_BACKCHANNEL_LOGOUT_GIVE_UP_SECONDS: z.coerce.number().int().min(1).max(604_800).default(86_400),
    TESSERA_BACKCHANNEL_LOGOUT_MAX_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    TESSERA_BACKCHANNEL_LOGOUT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /**
     * Back-channel logout URLs may point at loopback and private addresses, and at loopback over plain
     * http (development and tests). Off, they must be https to public addresses, as upstream
     * providers' (security review #6); link-local and special-use addresses are refused either way.
     */
    TESSERA_BACKCHANNEL_LOGOUT_ALLOW_PRIVATE_NETWORKS: z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  });

export type IssuanceConfig = z.output<typeof issuanceEnv>;
export const ISSUANCE_CONFIG = Symbol('ISSUANCE_CONFIG');

export function loadIssuanceConfig(env: NodeJS.ProcessEnv = process.env): IssuanceConfig {
  return loadConfig(issuanceEnv, env);
}
