import { deviceView } from '../management/device-view';
import { isoDate } from '../management/management-params';
import type { LoginSessionRecord } from '../registry/login-sessions.repository';

/** Auth0's session object (`/api/v2/sessions/{id}`, `/api/v2/users/{id}/sessions`). */
export function sessionView(session: LoginSessionRecord) {
  // Only the login that started the session reports where the browser was: last_* = initial_*.
  const device = deviceView({
    initialIp: session.ip,
    initialUserAgent: session.userAgent,
    lastIp: session.ip,
    lastUserAgent: session.userAgent,
  });
  return {
    id: session.id,
    user_id: session.userId,
    created_at: isoDate(session.authenticatedAt),
    updated_at: isoDate(session.lastInteractedAt),
    authenticated_at: isoDate(session.authenticatedAt),
    idle_expires_at: isoDate(session.idleExpiresAt),
    expires_at: isoDate(session.expiresAt),
    last_interacted_at: isoDate(session.lastInteractedAt),
    device,
    clients: session.clientIds.map((clientId) => ({ client_id: clientId })),
    authentication: {
      methods: [{ name: 'pwd', timestamp: isoDate(session.authenticatedAt) }],
    },
    session_metadata: session.metadata,
  };
}
