import { z } from 'zod';
import { databaseEnv, encryptionKeyEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const accountLinkingEnv = serviceEnv
  .extend(databaseEnv.shape)
  .extend(encryptionKeyEnv.shape)
  .extend(portEnv(3004).shape);

export type AccountLinkingConfig = z.output<typeof accountLinkingEnv>;
export const ACCOUNT_LINKING_CONFIG = Symbol('ACCOUNT_LINKING_CONFIG');

export function loadAccountLinkingConfig(env: NodeJS.ProcessEnv = process.env): AccountLinkingConfig {
  return loadConfig(accountLinkingEnv, env);
}
