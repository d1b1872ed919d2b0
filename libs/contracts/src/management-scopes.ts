/** Management API v2 scopes across the four services (reference/auth0-api.md §1.6). */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_keys',
  'update:client_keys',
  'read:resource_servers',
  'create:resource_servers',
  'update:resource_servers',
  'delete:resource_servers',
  'read:client_grants',
  'create:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
  'read:users',
  'create:users',
  'update:users',
  'delete:users',
  'read:user_idp_tokens',
  'read:connections',
  'create:connections',
  'update:connections',
  'delete:connections',
  'read:device_credentials',
  'delete:device_credentials',
  'read:refresh_tokens',
  'update:refresh_tokens',
  'delete:refresh_tokens',
  'read:sessions',
  'update:sessions',
  'delete:sessions',
  'read:grants',
  'delete:grants',
  'create:token_revocations',
  // Beyond Auth0: a Management API token with it may call `POST /oauth/introspect` for any token.
  'read:token_introspection',
  // The audit service's log API (`/api/v2/logs`, `/api/v2/users/{id}/logs`).
  'read:logs',
  'read:logs_users',
  // ... and its log streams (`/api/v2/log-streams`).
  'read:log_streams',
  'create:log_streams',
  'update:log_streams',
  'delete:log_streams',
] as const;

/**
 * The only Management API scopes a *user's* token may carry (Auth0 "Get Management API tokens for
 * single-page applications"): each acts on the calling user alone. Every other management scope is
 * for machine clients with a client grant, never for a user who logs in.
 */
export const CURRENT_USER_MANAGEMENT_SCOPES = [
  'read:current_user',
  'update:current_user_identities',
  'create:current_user_metadata',
  'update:current_user_metadata',
  'delete:current_user_metadata',
  'create:current_user_device_credentials',
  'delete:current_user_device_credentials',
] as const;

/** The Management API's audience for an issuer: `https://{host}/api/v2/`, trailing slash included. */
export function managementAudience(issuer: string): string {
  return `${issuer}api/v2/`;
}
