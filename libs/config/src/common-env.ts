import { isIP } from 'node:net';
import { z } from 'zod';

/** Issuer URLs keep their trailing slash: Auth0 SDKs compare `iss` exactly (reference/auth0-api.md §0). */
export const issuerUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => value.endsWith('/'), 'must end with a slash, like https://127.0.0.1:8443/');

const port = z.coerce.number().int().min(1).max(65535);

/** An IP address, or a CIDR range of them (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A comma-separated variable as its non-empty, trimmed entries (`fallback` when it is unset). */
function commaSeparated(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
}

/**
 * The peers whose `X-Forwarded-For` a service believes (the gateway): comma-separated addresses or
 * CIDR ranges. Anyone else's header is ignored and the peer's own address is the client's, so a
 * client cannot choose the `ip` of its audit events or of brute-force counters.
 */
export const trustedProxies = commaSeparated('127.0.0.1,::1').pipe(
  z
    .array(z.string().refine(isAddressOrRange, 'expected IP addresses or CIDR ranges, comma-separated'))
    .min(1, 'expected at least one address (the gateway)'),
);

/**
 * A list of addresses and CIDR ranges, comma-separated, that may be empty (e.g. an allowlist that
 * attack protection never applies to).
 */
export const addressRanges = commaSeparated('')
  // Refined as a whole, so the error names the variable and its value, not an element of it.
  .refine(
    (entries) => entries.every(isAddressOrRange),
    'expected IP addresses or CIDR ranges, comma-separated',
  );

/** Variables every service reads. */
export const serviceEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  // `info` is pino's (and most people's) name for Nest's `log`; docker-compose's default is `info`.
  LOG_LEVEL: z
    .enum(['error', 'warn', 'info', 'log', 'debug', 'verbose'])
    .default('log')
    .transform((level) => (level === 'info' ? 'log' : level)),
  /** One JSON object per line (default, for log shippers) or coloured lines (`npm start`). */
  TESSERA_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  TESSERA_ISSUER: issuerUrl.default('https://127.0.0.1:8443/'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port[,host:port]')).min(1)),
  /**
   * How the service logs in to the broker (issue #20): `sasl_ssl` (TLS + SCRAM-SHA-512 as its own
   * principal, whose ACLs say what it may read and write) or `plaintext` (an open development broker).
   */
  KAFKA_SECURITY_PROTOCOL: z.enum(['sasl_ssl', 'plaintext']).default('sasl_ssl'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** The CA certificate (PEM file) that signed the broker's certificate. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  TESSERA_TRUSTED_PROXIES: trustedProxies,
  /**
   * How far (seconds) a validator may fall behind the revocation, key and client topics before its
   * token-deciding routes answer 503 (issue #15 §1); also how long it trusts its state while the
   * broker cannot be asked.
   */
  /** How long SIGTERM leaves a service answering but not ready, so gateways stop sending it work. */
  TESSERA_SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(300).default(5),
  TESSERA_MAX_STREAM_LAG_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * Undecodable records on the revocation or signing-key topic (`<topic>/<partition>@<offset>`,
   * comma-separated) an operator has inspected in the dead-letter topic and accepted to go without:
   * a validator skips them instead of halting (not ready) on them. docs/events.md "Dead letters".
   */
  TESSERA_ACKNOWLEDGED_POISON: commaSeparated('').pipe(
    z.array(z.string().regex(/^[A-Za-z0-9._-]+\/\d+@\d+$/, 'expected <topic>/<partition>@<offset>[,…]')),
  ),
  /** Prefix of durable consumer-group ids, so two stacks (say, dev and tests) can share one broker. */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default('tessera'),
});

export const databaseEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/tessera'),
});

const base64Key = z
  .string()
  .refine(
    (value) => Buffer.from(value, 'base64').length === 32,
    'expected 32 bytes, base64 (openssl rand -base64 32)',
  );

/**
 * The keys that encrypt private keys and secrets at rest. `TESSERA_ENCRYPTION_KEY` seals everything
 * new, under the version `TESSERA_ENCRYPTION_KEY_VERSION` (default v1). To rotate: give the new key a
 * new version and move the old one to `TESSERA_PREVIOUS_ENCRYPTION_KEYS` (`v1:<base64>,…`), so what
 * it sealed still opens.
 */
export const encryptionKeyEnv = z.object({
  TESSERA_ENCRYPTION_KEY: base64Key,
  TESSERA_ENCRYPTION_KEY_VERSION: z
    .string()
    .regex(/^v\d+$/, 'expected a version like v2')
    .default('v1'),
  TESSERA_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .transform((value, context) => {
      const keys: Record<string, string> = {};
      for (const entry of (value ?? '').split(',').filter(Boolean)) {
        const [version, key] = entry.split(/:(.*)/s);
        if (!version || !/^v\d+$/.test(version.trim()) || !base64Key.safeParse(key?.trim()).success) {
          context.addIssue({ code: 'custom', message: 'expected v<N>:<32 bytes base64>[,…]' });
          return z.NEVER;
        }
        keys[version.trim()] = key!.trim();
      }
      return keys;
    }),
});
export type EncryptionKeyEnv = z.output<typeof encryptionKeyEnv>;

export function portEnv(defaultPort: number) {
  return z.object({ PORT: port.default(defaultPort) });
}

export type ServiceEnv = z.output<typeof serviceEnv>;

/** What a Kafka client needs, for the scripts that are one (provision, `npm run events`, dead letters). */
export const kafkaEnv = serviceEnv.pick({
  KAFKA_BROKERS: true,
  KAFKA_SECURITY_PROTOCOL: true,
  KAFKA_SASL_USERNAME: true,
  KAFKA_SASL_PASSWORD: true,
  KAFKA_SSL_CA_FILE: true,
});

/**
 * Issuance's internal API, for the validators that confirm every client a `clients.v1` event
 * announces before the client may authenticate with them (introspection, revocation; issue #20 §4),
 * with `TESSERA_INTERNAL_TOKEN` as the Bearer token (docs/adr/0005).
 */
export const issuanceInternalApiEnv = z.object({
  TESSERA_ISSUANCE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001'),
  TESSERA_INTERNAL_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
});
