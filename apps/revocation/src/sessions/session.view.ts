import { isoDate } from '../management/management-params';
import type { LoginSessionRecord } from '../registry/login-sessions.repository';

/** Auth0's session object (`/api/v2/sessions/{id}`, `/api/v2/users/{id}/sessions`). */
export function sessionView(session: LoginSessionRecord) {
  const device = {
    ...(session.userAgent !== null
      ? { initial_user_agent: session.userAgent, last_user_agent: session.userAgent }
      : {}),
    ...(session.ip !== null ? { initial_ip: session.ip, last_ip: session.ip } : {}),
  };
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
