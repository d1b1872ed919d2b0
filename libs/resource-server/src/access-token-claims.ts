/** The claims of a Tessera JWT access token, in either dialect (Auth0 profile or RFC 9068). */
export interface TesseraAccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  /** Space-delimited scopes (RFC 8693 §4.2); absent when none were granted. */
  readonly scope?: string;
  /** The client the token was issued to: `azp` in Auth0's profile, `client_id` in RFC 9068. */
  readonly azp?: string;
  readonly client_id?: string;
  readonly [claim: string]: unknown;
}

/**
 * Why a token was refused. `reason` is for the API's own logs only: the adapters never tell the
 * caller why a token is invalid (RFC 6750 §3.1 `invalid_token` covers every case).
 */
export type TokenRejection =
  | {
      readonly kind: 'invalid_token';
      readonly reason: 'malformed' | 'unverified' | 'audience' | 'not_an_access_token' | 'revoked';
    }
  | { readonly kind: 'insufficient_scope'; readonly requiredScopes: readonly string[] }
  /** The validator has not replayed the revocation stream yet: it cannot vouch for any token. */
  | { readonly kind: 'not_ready' };

export type ValidationResult =
  | { readonly ok: true; readonly claims: TesseraAccessTokenClaims }
  | { readonly ok: false; readonly rejection: TokenRejection };

/** The scopes a token grants, from its space-delimited `scope` claim. */
export function grantedScopes(claims: TesseraAccessTokenClaims): Set<string> {
  return new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
}
