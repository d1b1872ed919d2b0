import { z } from 'zod';
import { TOPICS } from '@app/contracts';
import {
  encryptionKeyEnv,
  issuanceInternalApiEnv,
  jwksEnv,
  loadConfig,
  portEnv,
  serviceEnv,
} from '@app/config';

const introspectionEnv = serviceEnv
  .extend(jwksEnv.shape)
  .extend(portEnv(3002).shape)
  .extend(issuanceInternalApiEnv.shape)
  .extend({
    /**
     * The deployment's encryption key, from which introspection derives the key it signs RFC 9701
     * answers with (issuance derives the same and publishes it). Optional: without it, signed answers
     * are refused with 406 and plain JSON answers work as ever.
     */
    TESSERA_ENCRYPTION_KEY: encryptionKeyEnv.shape.TESSERA_ENCRYPTION_KEY.optional(),
    /**
     * Where this instance reads revocations from. Always the default in a deployment; an isolated test
     * on a shared broker points one instance at a topic of its own (test/e2e/poison-revocations.spec.ts)
     * so what it writes there reaches no other validator.
     */
    TESSERA_REVOCATION_TOPIC: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .default(TOPICS.tokensRevoked.name),
  });

export type IntrospectionConfig = z.output<typeof introspectionEnv>;
export const INTROSPECTION_CONFIG = Symbol('INTROSPECTION_CONFIG');

export function loadIntrospectionConfig(env: NodeJS.ProcessEnv = process.env): IntrospectionConfig {
  return loadConfig(introspectionEnv, env);
}
