import type { ClientEntity } from './client.entity';
import { DEFAULT_REFRESH_TOKEN_SETTINGS } from './client-settings';
import { exchangePolicyView } from './exchange-policy';

/**
 * A client in Auth0's Management API v2 shape. `client_secret` appears only in the answers to create
 * and rotate-secret: we keep no secret to show later, only its digest.
 */
export function toClientView(client: ClientEntity, secret?: string) {
  return {
    client_id: client.clientId,
    name: client.name,
    app_type: client.appType,
    is_first_party: client.isFirstParty,
    grant_types: [...client.grantTypes],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    callbacks: [...client.callbacks],
    allowed_logout_urls: [...client.allowedLogoutUrls],
    logout_revokes_refresh_tokens: client.logoutRevokesRefreshTokens,
    oidc_logout: { backchannel_logout_urls: [...client.backchannelLogoutUrls] },
    jwt_configuration: { alg: client.jwtAlg },
    refresh_token: { ...(client.refreshToken ?? DEFAULT_REFRESH_TOKEN_SETTINGS) },
    revoke_refresh_token_grant: client.revocationDeletesGrant,
    ...(client.publicKeys.length > 0
      ? {
          client_authentication_methods: {
            private_key_jwt: {
              credentials: client.publicKeys.map((key) => ({
                id: key.id,
                name: key.name,
                credential_type: key.credential_type,
                alg: key.alg,
                thumbprint: key.thumbprint,
                created_at: key.created_at,
              })),
            },
          },
        }
      : {}),
    ...exchangePolicyView(client),
    ...(secret !== undefined ? { client_secret: secret } : {}),
  };
}
export type ClientView = ReturnType<typeof toClientView>;
