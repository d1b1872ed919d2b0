import type { ClientGrantEntity } from './client-grant.entity';

/** A client grant in Auth0's Management API v2 shape. */
export function toClientGrantView(grant: ClientGrantEntity) {
  return { id: grant.id, client_id: grant.clientId, audience: grant.audience, scope: [...grant.scope] };
}
export type ClientGrantView = ReturnType<typeof toClientGrantView>;
