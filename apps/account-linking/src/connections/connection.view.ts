import type { ConnectionEntity } from './connection.entity';

/**
 * A connection in Auth0's Management API v2 shape. The upstream client secret is never part of it:
 * it is sealed at rest and only the login flow unseals it.
 */
export function toConnectionView(connection: ConnectionEntity) {
  return {
    id: connection.id,
    name: connection.name,
    ...(connection.displayName !== null ? { display_name: connection.displayName } : {}),
    strategy: connection.strategy,
    options: connection.options,
    enabled_clients: connection.enabledClients,
    realms: connection.realms,
    is_domain_connection: false,
  };
}
export type ConnectionView = ReturnType<typeof toConnectionView>;
