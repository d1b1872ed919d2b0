import { z } from 'zod';
import { databaseEnv, issuanceInternalApiEnv, jwksEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const revocationEnv = serviceEnv
  .extend(jwksEnv.shape)
  .extend(databaseEnv.shape)
  .extend(portEnv(3003).shape)
  // /oauth/revoke confirms each client of its projection with issuance before it authenticates (issue #20 §4).
  .extend(issuanceInternalApiEnv.shape)
  .extend({
    /**
     * How long after a revoked token's expiry the janitor tombstones its revocation (issue #15 §2):
     * the most a validator's clock may run behind revocation's. A validator whose clock is further
     * behind would, after a restart, accept a revoked token for that long before its own expiry check.
     */
    TESSERA_REVOCATION_TOMBSTONE_SKEW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** How often the janitor looks for expired revocations to tombstone. */
    TESSERA_REVOCATION_JANITOR_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  });

export type RevocationConfig = z.output<typeof revocationEnv>;
export const REVOCATION_CONFIG = Symbol('REVOCATION_CONFIG');

export function loadRevocationConfig(env: NodeJS.ProcessEnv = process.env): RevocationConfig {
  return loadConfig(revocationEnv, env);
}
