import type { ResourceServerEntity } from '../resource-servers/resource-server.entity';

/** The OpenID Connect scopes, granted to any client that asks (they gate claims, not APIs). */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

export interface UserScopeContext {
  /** The API asked for (`audience`), or null for a token only good at `/userinfo`. */
  readonly api: ResourceServerEntity | null;
  /** Whether the client may use refresh tokens (its `grant_types` include `refresh_token`). */
  readonly clientMayRefresh: boolean;
}

/**
 * What a user's token gets (Auth0 without RBAC): the OIDC scopes asked for and the asked-for scopes
 * the API defines; anything else is dropped silently, as Auth0 does. Without a `scope` parameter,
 * every scope of the API (Auth0's password grant). `offline_access` only when a refresh token may
 * follow: the client has the refresh_token grant and the API allows offline access.
 */
export function grantedUserScopes(requested: string | undefined, context: UserScopeContext): string[] {
  const apiScopes = new Set(context.api?.scopes ?? []);
  const asked = requested === undefined ? [...apiScopes] : requested.split(' ').filter(Boolean);
  const offlineAllowed = context.clientMayRefresh && (context.api === null || context.api.allowOfflineAccess);
  const granted = asked.filter((scope) =>
    scope === 'offline_access' ? offlineAllowed : OIDC_SCOPES.has(scope) || apiScopes.has(scope),
  );
  return [...new Set(granted)];
}

/** Narrowing on refresh (RFC 6749 §6): only scopes of the original grant; none = all of them. */
export function narrowedScopes(requested: string | undefined, original: readonly string[]): string[] | null {
  if (requested === undefined) return [...original];
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  return asked.every((scope) => original.includes(scope)) ? asked : null;
}
