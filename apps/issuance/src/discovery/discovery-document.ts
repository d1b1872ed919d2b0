import type { SigningAlg } from '@app/contracts';

/**
 * The authorization server metadata served at both `/.well-known/openid-configuration` (OIDC
 * Discovery 1.0) and `/.well-known/oauth-authorization-server` (RFC 8414), as Auth0 does
 * (reference/auth0-api.md §2.8). It lists only what Tessera implements today: an endpoint or a
 * value appears here in the same change that makes it work, so SDKs never discover a promise.
 */
export interface DiscoveryDocument {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly userinfo_endpoint: string;
  readonly jwks_uri: string;
  readonly introspection_endpoint: string;
  readonly revocation_endpoint: string;
  readonly end_session_endpoint: string;
  readonly backchannel_logout_supported: boolean;
  readonly backchannel_logout_session_supported: boolean;
  readonly grant_types_supported: readonly string[];
  readonly response_types_supported: readonly string[];
  readonly response_modes_supported: readonly string[];
  readonly code_challenge_methods_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly claims_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly introspection_endpoint_auth_methods_supported: readonly string[];
  readonly revocation_endpoint_auth_methods_supported: readonly string[];
  readonly subject_types_supported: readonly string[];
  readonly id_token_signing_alg_values_supported: readonly SigningAlg[];
  readonly introspection_signing_alg_values_supported: readonly SigningAlg[];
}

/** What ClientAuthenticator accepts from confidential clients (libs/oauth). */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

export function discoveryDocument(issuer: string, signingAlgs: readonly SigningAlg[]): DiscoveryDocument {
  // The issuer keeps its trailing slash (SDKs compare `iss` exactly); endpoints hang off it.
  const endpoint = (path: string) => new URL(path, issuer).href;
  return {
    issuer,
    authorization_endpoint: endpoint('authorize'),
    token_endpoint: endpoint('oauth/token'),
    // Served by introspection (GET and POST), behind the same origin.
    userinfo_endpoint: endpoint('userinfo'),
    jwks_uri: endpoint('.well-known/jwks.json'),
    // Auth0 publishes no introspection endpoint; we have one (RFC 7662), and openid-client's
    // tokenIntrospection() finds it only through this field.
    introspection_endpoint: endpoint('oauth/introspect'),
    revocation_endpoint: endpoint('oauth/revoke'),
    // OIDC RP-Initiated Logout 1.0 §2.1 (Auth0 advertises its /oidc/logout the same way).
    end_session_endpoint: endpoint('oidc/logout'),
    // OIDC Back-Channel Logout 1.0 §2.1: logout tokens are POSTed, and always carry `sid`.
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    // RFC 8414 §2: when omitted, clients must assume ["authorization_code", "implicit"], which
    // would be wrong today, so unlike Auth0 we say it.
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'refresh_token',
      'password',
      'http://auth0.com/oauth/grant-type/password-realm',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    // Only the code flow with PKCE S256 (OAuth 2.1 drops implicit and `plain`).
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: [
      'aud',
      'auth_time',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'name',
      'nickname',
      'nonce',
      'picture',
      'sid',
      'sub',
      'updated_at',
    ],
    // The token endpoint also takes private_key_jwt assertions (RFC 7523) and public clients.
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    subject_types_supported: ['public'],
    // express-oauth2-jwt-bearer takes this list as its allow-list of ACCESS-token algorithms
    // (reference/auth0-api.md §5.3), so it must name every algorithm we sign tokens with.
    id_token_signing_alg_values_supported: signingAlgs,
    // RFC 9701 §7: signed introspection answers (Accept: application/token-introspection+jwt) use
    // the ES256 key in libs/jwt introspection-response-key.ts, published in the JWKS.
    introspection_signing_alg_values_supported: ['ES256'],
  };
}
