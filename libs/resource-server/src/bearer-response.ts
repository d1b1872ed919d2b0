import type { TesseraAccessTokenClaims, TokenRejection } from './access-token-claims';
import { readBearerToken } from './bearer-token';
import type { TesseraTokenValidator } from './tessera-token-validator';

/** An HTTP refusal, the same for every adapter. */
export interface BearerRefusal {
  readonly status: 400 | 401 | 403 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error?: string; readonly error_description: string };
}

export type AuthorizationOutcome =
  | { readonly ok: true; readonly claims: TesseraAccessTokenClaims }
  | { readonly ok: false; readonly refusal: BearerRefusal; readonly rejection?: TokenRejection };

export interface AuthorizeOptions {
  /** Scopes this route needs on top of the validator's own. */
  readonly requiredScopes?: readonly string[];
  /** The `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3). */
  readonly realm?: string;
}

/** Auth0's wording (reference/auth0-api.md §2.6): the same for every invalid token, so it leaks nothing. */
const INVALID_TOKEN_DESCRIPTION = 'The access token is invalid or has expired';

/** Reads the bearer token of a request and decides; adapters only render the outcome. */
export async function authorizeRequest(
  validator: TesseraTokenValidator,
  authorization: string | readonly string[] | undefined,
  options: AuthorizeOptions = {},
): Promise<AuthorizationOutcome> {
  const realm = options.realm ?? 'api';
  const credentials = readBearerToken(authorization);
  switch (credentials.kind) {
    case 'missing':
      // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
      return {
        ok: false,
        refusal: {
          status: 401,
          headers: { 'www-authenticate': challenge(realm, {}) },
          body: { error_description: 'A bearer access token is required' },
        },
      };
    case 'malformed':
      return { ok: false, refusal: refusal(realm, 400, 'invalid_request', 'Malformed Authorization header') };
    case 'token':
      break;
  }
  const result = await validator.validate(credentials.token, options.requiredScopes);
  if (result.ok) return result;
  return { ok: false, rejection: result.rejection, refusal: refusalFor(result.rejection, realm) };
}

function refusalFor(rejection: TokenRejection, realm: string): BearerRefusal {
  switch (rejection.kind) {
    case 'invalid_token':
      return refusal(realm, 401, 'invalid_token', INVALID_TOKEN_DESCRIPTION);
    case 'insufficient_scope': {
      const scope = rejection.requiredScopes.join(' ');
      // RFC 6750 §3: the `scope` attribute tells the client which scopes to ask for.
      return refusal(realm, 403, 'insufficient_scope', `Insufficient scope, expected: ${scope}`, scope);
    }
    case 'not_ready':
      return {
        status: 503,
        headers: { 'retry-after': '1' },
        body: { error: 'temporarily_unavailable', error_description: 'Token validation is starting' },
      };
  }
}

function refusal(
  realm: string,
  status: 400 | 401 | 403,
  error: string,
  description: string,
  scope?: string,
): BearerRefusal {
  return {
    status,
    headers: { 'www-authenticate': challenge(realm, { error, error_description: description, scope }) },
    body: { error, error_description: description },
  };
}

/** `Bearer realm="api", error="invalid_token", …` (RFC 6750 §3), values as quoted strings. */
function challenge(realm: string, attributes: Record<string, string | undefined>): string {
  const parts = Object.entries({ realm, ...attributes })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`);
  return `Bearer ${parts.join(', ')}`;
}
