import { z } from 'zod';

/**
 * How a validator reaches the issuer's JWKS, the only source that makes a signing key trusted
 * (issue #20 §4, docs/adr/0017-validators-trust-the-jwks.md).
 */
export const jwksEnv = z.object({
  /** Default: `{TESSERA_ISSUER}.well-known/jwks.json`, the issuer's own TLS origin (the gateway). */
  TESSERA_JWKS_URL: z.url().optional(),
  /** `true` accepts an http JWKS URL: development and test stacks without a gateway, never production. */
  TESSERA_JWKS_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** At most one JWKS fetch that a token or an event can cause per this many seconds. */
  TESSERA_JWKS_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(10),
});

export interface JwksSettings {
  readonly jwksUrl: string;
  readonly jwksAllowHttp: boolean;
  readonly jwksMinIntervalMs: number;
}

/** The TokenVerificationModule settings for a service's parsed configuration. */
export function jwksSettings(config: z.output<typeof jwksEnv> & { TESSERA_ISSUER: string }): JwksSettings {
  return {
    jwksUrl: config.TESSERA_JWKS_URL ?? new URL('.well-known/jwks.json', config.TESSERA_ISSUER).href,
    jwksAllowHttp: config.TESSERA_JWKS_ALLOW_HTTP,
    jwksMinIntervalMs: config.TESSERA_JWKS_MIN_INTERVAL_SECONDS * 1000,
  };
}
