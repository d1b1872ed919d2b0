import { z } from 'zod';
import { TOPICS } from '@app/contracts';
import { encryptionKeyEnv, jwksEnv, loadConfig, portEnv, serviceEnv } from '@app/config';

const introspectionEnv = serviceEnv
  .extend(jwksEnv.shape)
  .extend(portEnv(3002).shape)
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
    /**
     * Issuance's internal API, which confirms every client a `clients.v1` event announces before the
     * client may authenticate here (issue #20 §4); with `TESSERA_INTERNAL_TOKEN` as its Bearer token.
     */
    TESSERA_ISSUANCE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001'),
    TESSERA_INTERNAL_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
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
