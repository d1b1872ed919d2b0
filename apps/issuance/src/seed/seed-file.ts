import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_TOKEN_LIFETIME_SECONDS, signingAlg, tokenEndpointAuthMethod } from '@app/contracts';

/** The optional seed file (`TESSERA_SEED_FILE`): clients, APIs and client grants created at start. */
export const seedFile = z.object({
  resource_servers: z
    .array(
      z.object({
        identifier: z.string().min(1),
        name: z.string().min(1),
        scopes: z.array(z.string().min(1)).default([]),
        signing_alg: signingAlg.default('RS256'),
        token_dialect: z.enum(['access_token', 'rfc9068_profile']).default('access_token'),
        token_lifetime: z.number().int().min(60).max(MAX_TOKEN_LIFETIME_SECONDS).default(86_400),
        allow_offline_access: z.boolean().default(false),
      }),
    )
    .default([]),
  clients: z
    .array(
      z.object({
        client_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
        client_secret: z.string().min(32).optional(),
        name: z.string().min(1),
        app_type: z.enum(['non_interactive', 'regular_web', 'spa', 'native']).default('non_interactive'),
        token_endpoint_auth_method: tokenEndpointAuthMethod.default('client_secret_post'),
        grant_types: z.array(z.string()).default(['client_credentials']),
      }),
    )
    .default([]),
  client_grants: z
    .array(
      z.object({
        client_id: z.string().min(1),
        audience: z.string().min(1),
        scope: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});
export type SeedFile = z.output<typeof seedFile>;

export function readSeedFile(path: string): SeedFile {
  return seedFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}
