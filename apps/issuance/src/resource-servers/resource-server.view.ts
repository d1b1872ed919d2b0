import type { ResourceServerEntity } from './resource-server.entity';

/** An API in Auth0's Management API v2 shape; `is_system` marks the Management API itself. */
export function toResourceServerView(server: ResourceServerEntity, managementAudience: string) {
  return {
    id: server.id,
    name: server.name,
    identifier: server.identifier,
    scopes: server.scopes.map((value) => ({
      value,
      description: server.scopeDescriptions[value] ?? '',
    })),
    signing_alg: server.signingAlg,
    token_lifetime: server.tokenLifetime,
    token_dialect: server.tokenDialect,
    allow_offline_access: server.allowOfflineAccess,
    is_system: server.identifier === managementAudience,
  };
}
export type ResourceServerView = ReturnType<typeof toResourceServerView>;
