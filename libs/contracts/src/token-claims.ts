/**
 * Private claims (RFC 7519 §4.3) Tessera puts in the JWTs it issues to users.
 *
 * `grant_id`: the grant (refresh-token family, DESIGN §3) the token belongs to. Every user access
 * token and ID token carries it, and a token made from another one by RFC 8693 exchange or
 * `/delegation` carries its source's, so the source's grant revocation covers it and a validator can
 * match a `grant` revocation to a JWT without the issued-token registry (docs/adr/0009). A grant id is
 * an identifier, not a secret: revoking a grant takes Management API credentials.
 */
export const GRANT_ID_CLAIM = 'grant_id';
