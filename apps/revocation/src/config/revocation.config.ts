import { z } from 'zod';
import { databaseEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const revocationEnv = serviceEnv
  .extend(databaseEnv.shape)
  .extend(portEnv(3003).shape)
  .extend({
    /** Issuance's JWKS on the internal network, for a kid no signing-key event has announced yet. */
    TESSERA_JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  });

export type RevocationConfig = z.output<typeof revocationEnv>;
export const REVOCATION_CONFIG = Symbol('REVOCATION_CONFIG');

export function loadRevocationConfig(env: NodeJS.ProcessEnv = process.env): RevocationConfig {
  return loadConfig(revocationEnv, env);
}
