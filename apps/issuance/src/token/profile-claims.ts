import type { UserSnapshot } from '@app/contracts';

/**
 * The OIDC standard claims a scope releases (Auth0 "OpenID Connect Scopes"): `profile` → name and
 * picture claims, `email` → email claims. Null values are left out rather than sent as null. Shared
 * by ID tokens here and by `/userinfo` answers built from the same snapshot.
 */
export function profileClaims(user: UserSnapshot, scopes: ReadonlySet<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    if (value !== null && value !== undefined) claims[name] = value;
  };
  if (scopes.has('profile')) {
    put('name', user.name);
    put('given_name', user.given_name);
    put('family_name', user.family_name);
    put('nickname', user.nickname);
    put('picture', user.picture);
    // Auth0 sends updated_at as an ISO string, and its SDKs expect it so.
    put('updated_at', user.updated_at);
  }
  if (scopes.has('email')) {
    put('email', user.email);
    if (user.email !== null) put('email_verified', user.email_verified);
  }
  return claims;
}
