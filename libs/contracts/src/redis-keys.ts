import { z } from 'zod';

/**
 * The shared opaque-token store in Redis (DESIGN §4): the one piece of state that several services
 * read and write, so its layout is a contract. Keys hold a SHA-256 hash of the token, never the token.
 */
export const redisKeys = {
  /** Metadata of an opaque token; TTL = the token's remaining lifetime. */
  opaqueToken: (tokenHashHex: string) => `tessera:opaque:${tokenHashHex}`,
  /**
   * Set of the opaque-token hashes (access and refresh) of one grant, so revoking a grant deletes
   * every opaque token of it at once. Issuance adds to it when it stores an opaque token; TTL = the
   * family's absolute lifetime (or none).
   */
  grantOpaqueTokens: (grantId: string) => `tessera:grant:${grantId}:opaque`,
  /**
   * A `private_key_jwt` client assertion's `jti`, kept until the assertion's `exp` so it is accepted
   * once only, by whichever service or instance sees it first (RFC 7523 §3).
   */
  usedClientAssertion: (clientId: string, jti: string) => `tessera:assertion:${clientId}:${jti}`,
  /**
   * Account-linking's own (no other service reads them): consecutive failed logins of one login
   * identifier from one address, keyed by a SHA-256 of connection, identifier and address (no email
   * in a key name). Brute-force protection; TTL refreshed by each failure.
   */
  loginFailures: (pairHashHex: string) => `tessera:login-failures:${pairHashHex}`,
  /**
   * Account-linking's own: the suspicious-IP token bucket of one address (an IPv6 address counts as
   * its /64), a hash `{tokens, ts, refused}`; gone once the bucket is full again.
   */
  loginAddressBucket: (addressKey: string) => `tessera:login-bucket:${addressKey}`,
  /** Fast-lookup marker of a revoked JWT access token; TTL until the token's `exp`. */
  revokedJti: (jti: string) => `tessera:revoked:jti:${jti}`,
} as const;

export const opaqueTokenRecord = z.object({
  jti: z.string(),
  kind: z.enum(['access_token', 'refresh_token']),
  client_id: z.string(),
  sub: z.string(),
  grant_id: z.string(),
  scope: z.string(),
  aud: z.array(z.string()),
  /** The login session behind it, if any. */
  session_id: z.string().optional(),
  exp: z.number().int(),
  iat: z.number().int(),
});
export type OpaqueTokenRecord = z.output<typeof opaqueTokenRecord>;
