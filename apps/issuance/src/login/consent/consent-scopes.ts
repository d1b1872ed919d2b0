import type { ResourceServerEntity } from '../../resource-servers/resource-server.entity';

/**
 * What the consent page says for the OpenID Connect scopes. Auth0 asks a third-party client's user
 * for these as well as for the API's scopes (its consent dialog lists "profile", "email", …): they
 * hand the user's identity and profile to someone else's application.
 */
const OIDC_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Know who you are (your user id)',
  profile: 'Your profile: name, nickname and picture',
  email: 'Your email address',
  address: 'Your postal address',
  phone: 'Your phone number',
  offline_access: 'Keep access while you are not using the application (offline access)',
};

/** One line of the consent page: a scope and what it lets the application do. */
export interface ScopeLine {
  readonly scope: string;
  readonly description: string;
}

/**
 * The audience a consent is kept under: the API asked for, or — for OpenID Connect scopes alone —
 * `{issuer}userinfo`, the audience Auth0 gives such grants.
 */
export function consentAudience(audience: string | undefined, issuer: string): string {
  return audience ?? `${issuer}userinfo`;
}

/**
 * What the user still has to consent to, of the scopes the token would get: null when an existing
 * consent covers them all. Without any consent yet, the user is asked even for no scope at all
 * (Auth0: third-party applications always need consent; the code alone tells who the user is).
 */
export function scopesToConsent(
  wanted: readonly string[],
  consented: readonly string[] | null,
): string[] | null {
  if (consented === null) return [...wanted];
  const missing = wanted.filter((scope) => !consented.includes(scope));
  return missing.length > 0 ? missing : null;
}

/** The consent page's lines: an API scope's own description (Auth0's `scopes[].description`), else its name. */
export function describeScopes(scopes: readonly string[], api: ResourceServerEntity | null): ScopeLine[] {
  return scopes.map((scope) => ({
    scope,
    description: OIDC_SCOPE_DESCRIPTIONS[scope] ?? (api?.scopeDescriptions[scope] || scope),
  }));
}
