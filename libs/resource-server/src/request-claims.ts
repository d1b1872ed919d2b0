import type { TesseraAccessTokenClaims } from './access-token-claims';

/**
 * The verified claims of each request, kept beside the request object rather than on it: no type
 * augmentation of Express, Fastify or Nest request types that could clash with another library's
 * (express-oauth2-jwt-bearer declares its own `req.auth`), and gone with the request.
 */
const claimsByRequest = new WeakMap<object, TesseraAccessTokenClaims>();

export function attachAccessTokenClaims(request: object, claims: TesseraAccessTokenClaims): void {
  claimsByRequest.set(request, claims);
}

/** The claims of the access token that authorized this request (set by the middleware, hook or guard). */
export function accessTokenClaimsOf(request: object): TesseraAccessTokenClaims | undefined {
  return claimsByRequest.get(request);
}
