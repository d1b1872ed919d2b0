import { z } from 'zod';
import { databaseEnv, loadConfig, portEnv, serviceEnv, jwksEnv } from '@app/config';

const revocationEnv = serviceEnv.extend(jwksEnv.shape).extend(databaseEnv.shape).extend(portEnv(3003).shape);

export type RevocationConfig = z.output<typeof revocationEnv>;
export const REVOCATION_CONFIG = Symbol('REVOCATION_CONFIG');

export function loadRevocationConfig(env: NodeJS.ProcessEnv = process.env): RevocationConfig {
  return loadConfig(revocationEnv, env);
}
