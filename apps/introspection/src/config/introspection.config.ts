import { z } from 'zod';
import { encryptionKeyEnv, loadConfig, portEnv, serviceEnv, jwksEnv } from '@app/config';

const introspectionEnv = serviceEnv.extend(jwksEnv.shape).extend(portEnv(3002).shape).extend({
  /**
   * The deployment's encryption key, from which introspection derives the key it signs RFC 9701
   * answers with (issuance derives the same and publishes it). Optional: without it, signed answers
   * are refused with 406 and plain JSON answers work as ever.
   */
  TESSERA_ENCRYPTION_KEY: encryptionKeyEnv.shape.TESSERA_ENCRYPTION_KEY.optional(),
});

export type IntrospectionConfig = z.output<typeof introspectionEnv>;
export const INTROSPECTION_CONFIG = Symbol('INTROSPECTION_CONFIG');

export function loadIntrospectionConfig(env: NodeJS.ProcessEnv = process.env): IntrospectionConfig {
  return loadConfig(introspectionEnv, env);
}
