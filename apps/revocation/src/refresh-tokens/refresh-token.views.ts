import type { RefreshTokenRecord } from '../registry/refresh-tokens.repository';
import { deviceView } from '../management/device-view';
import { isoDate } from '../management/management-params';

/**
 * Auth0's device credential (`GET /api/v2/device-credentials`): a refresh token and the device it was
 * given to. `device_name` is the `device` parameter the client sent to `/oauth/token`. `device_id` is
 * left out: Auth0 fills it for `public_key` credentials (whose creator supplies it) and "generally not"
 * for refresh tokens, and nothing in the token request or the audit stream identifies a device.
 */
export function deviceCredentialView(token: RefreshTokenRecord) {
  return {
    id: token.id,
    device_name: token.device ?? '',
    type: token.rotating ? 'rotating_refresh_token' : 'refresh_token',
    user_id: token.userId,
    client_id: token.clientId,
  };
}
export type DeviceCredentialView = ReturnType<typeof deviceCredentialView>;

/** Auth0's refresh-token object (`RefreshTokenResponseContent`); absent dates mean "never". */
export function refreshTokenView(token: RefreshTokenRecord) {
  return {
    id: token.id,
    user_id: token.userId,
    created_at: isoDate(token.createdAt),
    ...(token.idleExpiresAt !== null ? { idle_expires_at: isoDate(token.idleExpiresAt) } : {}),
    ...(token.expiresAt !== null ? { expires_at: isoDate(token.expiresAt) } : {}),
    // initial_* from the family's first token, last_* from its latest rotation; no ASN (device-view.ts).
    device: deviceView(token.seenFrom),
    client_id: token.clientId,
    ...(token.sessionId !== null ? { session_id: token.sessionId } : {}),
    rotating: token.rotating,
    resource_servers: token.audiences.map((audience) => ({ audience, scopes: token.scope })),
    refresh_token_metadata: token.metadata,
    ...(token.lastExchangedAt !== null ? { last_exchanged_at: isoDate(token.lastExchangedAt) } : {}),
  };
}

/** Auth0's `fields` / `include_fields`: keep (or drop) the named properties. */
export function selectFields<T extends object>(
  item: T,
  fields: string | undefined,
  include: boolean,
): Partial<T> {
  if (fields === undefined) return item;
  const named = new Set(fields.split(',').map((field) => field.trim()));
  return Object.fromEntries(Object.entries(item).filter(([key]) => named.has(key) === include)) as Partial<T>;
}
