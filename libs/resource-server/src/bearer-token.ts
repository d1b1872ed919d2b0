/** What an `Authorization` header holds, for a resource server (RFC 6750 §2.1). */
export type BearerCredentials =
  | { readonly kind: 'token'; readonly token: string }
  /** No header, or another scheme: the request carries no bearer token at all. */
  | { readonly kind: 'missing' }
  /** `Bearer` with no token, or with characters a token cannot have. */
  | { readonly kind: 'malformed' };

/** RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

export function readBearerToken(authorization: string | readonly string[] | undefined): BearerCredentials {
  if (authorization === undefined) return { kind: 'missing' };
  // Node joins nothing for `authorization`, but a framework may hand over an array: more than one is refused.
  if (typeof authorization !== 'string') return { kind: 'malformed' };
  const match = BEARER.exec(authorization);
  if (match) return { kind: 'token', token: match[1]! };
  return BEARER_SCHEME.test(authorization) ? { kind: 'malformed' } : { kind: 'missing' };
}
