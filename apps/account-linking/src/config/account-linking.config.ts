import { z } from 'zod';
import { databaseEnv, encryptionKeyEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const accountLinkingEnv = serviceEnv
  .extend(databaseEnv.shape)
  .extend(encryptionKeyEnv.shape)
  .extend(portEnv(3004).shape)
  .extend({
    /** Issuance's JWKS on the internal network, for a kid no signing-key event has announced yet. */
    TESSERA_JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
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
  });

export type AccountLinkingConfig = z.output<typeof accountLinkingEnv>;
export const ACCOUNT_LINKING_CONFIG = Symbol('ACCOUNT_LINKING_CONFIG');

export function loadAccountLinkingConfig(env: NodeJS.ProcessEnv = process.env): AccountLinkingConfig {
  return loadConfig(accountLinkingEnv, env);
}
