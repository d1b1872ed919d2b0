import { z } from 'zod';
import { defineEvent } from '../envelope';

export const tokenEndpointAuthMethod = z.enum([
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
  'none',
]);
export type TokenEndpointAuthMethod = z.output<typeof tokenEndpointAuthMethod>;

/**
 * What other services need to authenticate a client: its auth method and the SHA-256 digest of its
 * secret (hex). Secrets are ≥256-bit random strings, so a digest cannot be reversed (DESIGN §8);
 * the secret itself never leaves issuance.
 */
export const clientCredentialsSnapshot = z.object({
  client_id: z.string().min(1),
  name: z.string(),
  token_endpoint_auth_method: tokenEndpointAuthMethod,
  secret_digests: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  /** Auth0's "refresh token revocation deletes grant": revoking one refresh token revokes its grant. */
  revocation_deletes_grant: z.boolean(),
  /** Public keys of a `private_key_jwt` client (public material; absent in events older than them). */
  public_keys: z
    .array(
      z.object({
        id: z.string().min(1),
        alg: z.enum(['RS256', 'RS384', 'PS256']),
        pem: z.string().min(1).max(8192),
      }),
    )
    .default([]),
});
export type ClientCredentialsSnapshot = z.output<typeof clientCredentialsSnapshot>;

export const clientCreated = defineEvent('client.created', clientCredentialsSnapshot);
export const clientUpdated = defineEvent('client.updated', clientCredentialsSnapshot);
export const clientDeleted = defineEvent('client.deleted', z.object({ client_id: z.string().min(1) }));

export const clientEvents = [clientCreated, clientUpdated, clientDeleted] as const;
