import type { EventOnTopic, TOPICS } from '@app/contracts';
import { LOG_TYPES, isLogType } from './log-types';
import { logRow, type LogRow } from './log-row';

type IssuedEvent = EventOnTopic<typeof TOPICS.tokensIssued.name>;
type RevokedEvent = EventOnTopic<typeof TOPICS.tokensRevoked.name>;
type AccountEvent = EventOnTopic<typeof TOPICS.accounts.name>;

function describe(type: string, fallback?: string): string {
  return fallback ?? (isLogType(type) ? LOG_TYPES[type] : type);
}

/**
 * The log event of an audit-stream event, or null for the events that are not one of their own.
 * One token response is one log event, as in Auth0: its `access_token.issued` (every response has an
 * access token). The `id_token.issued` and `refresh_token.issued`/`rotated` of the same response
 * would repeat it, so they are not logged; `consent.granted` has no Auth0 log code and is not either.
 */
export function logOfIssued(event: IssuedEvent): LogRow | null {
  switch (event.type) {
    case 'access_token.issued': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: describe(p.log_type),
        client_id: p.client_id,
        // A client-credentials token's subject is the client itself (`<client_id>@clients`), not a user.
        user_id: p.grant_type === 'client_credentials' ? null : p.sub,
        audience: p.aud[0] ?? null,
        scope: p.scope,
        details: {
          grant_id: p.grant_id,
          grant_type: p.grant_type,
          jti: p.jti,
          format: p.format,
          ...(p.session_id ? { session_id: p.session_id } : {}),
          ...(p.act ? { actor: p.act.sub } : {}),
          ...(p.source_jti ? { source_jti: p.source_jti } : {}),
          expires_at: p.expires_at,
        },
      });
    }
    case 'refresh_token.reuse_detected':
      return logRow(event, event.payload.log_type, {
        description: describe(event.payload.log_type),
        client_id: event.payload.client_id,
        user_id: event.payload.sub,
        details: { grant_id: event.payload.grant_id, refresh_token_id: event.payload.refresh_token_id },
      });
    case 'authorization_code.reused':
      return logRow(event, event.payload.log_type, {
        description: 'Authorization code reused: the grant it started is revoked',
        client_id: event.payload.client_id,
        user_id: event.payload.sub,
        details: { grant_id: event.payload.grant_id },
      });
    case 'login_session.started': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: describe(p.log_type),
        client_id: p.client_id,
        user_id: p.user_id,
        connection: p.connection,
        ip: p.ip ?? null,
        user_agent: p.user_agent ?? null,
        details: {
          session_id: p.session_id,
          ...(p.replaced_session_id ? { replaced_session_id: p.replaced_session_id } : {}),
        },
      });
    }
    case 'login_session.ended': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: describe(p.log_type),
        client_id: p.client_id ?? null,
        user_id: p.user_id,
        ip: p.ip ?? null,
        user_agent: p.user_agent ?? null,
        details: { session_id: p.session_id, revoke_grants: p.revoke_grants },
      });
    }
    case 'backchannel_logout.finished': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: p.last_error ? `${describe(p.log_type)}: ${p.last_error}` : describe(p.log_type),
        client_id: p.client_id,
        user_id: p.user_id,
        details: { session_id: p.session_id, attempts: p.attempts },
      });
    }
    case 'token_request.refused': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: p.error_description ?? p.error,
        client_id: p.client_id,
        user_id: p.sub,
        details: { error: p.error, ...(p.grant_type ? { grant_type: p.grant_type } : {}) },
      });
    }
    case 'user_block.created': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: `${describe(p.log_type)}: ${p.failed_attempts} consecutive failed logins from ${p.ip}`,
        client_id: p.client_id,
        user_id: p.user_id,
        user_name: p.identifier,
        connection: p.connection,
        ip: p.ip,
        details: { failed_attempts: p.failed_attempts, blocked_at: p.blocked_at },
      });
    }
    case 'login_address.throttled': {
      const p = event.payload;
      return logRow(event, p.log_type, {
        description: `${describe(p.log_type)}: suspicious login behavior from ${p.ip}`,
        client_id: p.client_id,
        connection: p.connection,
        ip: p.ip,
        details: { throttled_at: p.throttled_at },
      });
    }
    case 'user_block.deleted': {
      const p = event.payload;
      return logRow(event, 't_ubd', {
        description: `${describe('t_ubd')} (${p.reason})`,
        user_id: p.user_id,
        user_name: p.identifier,
        connection: p.connection,
        ip: p.ip,
        details: { reason: p.reason, deleted_by: p.deleted_by, deleted_at: p.deleted_at },
      });
    }
    case 'id_token.issued':
    case 'refresh_token.issued':
    case 'refresh_token.rotated':
    case 'consent.granted':
      return null;
  }
}

const REVOCATION_LOG_TYPE = {
  // Auth0 logs `srrt` for a refresh token revoked; a grant is a refresh-token family.
  'refresh_token.revoked': 'srrt',
  'grant.revoked': 'srrt',
  'access_token.revoked': 't_srat',
  'session.revoked': 't_srs',
  'user_tokens.revoked': 't_sru',
  'client_tokens.revoked': 't_src',
  'signing_key.revoked': 't_srk',
} as const satisfies Record<RevokedEvent['type'], keyof typeof LOG_TYPES>;

/** Every revocation is a log event: what was revoked, why, and by whom. */
export function logOfRevocation(event: RevokedEvent): LogRow {
  const { target, revoked_by: by, reason } = event.payload;
  const type = REVOCATION_LOG_TYPE[event.type];
  return logRow(event, type, {
    description: `${LOG_TYPES[type]} (${reason})`,
    client_id: target.kind === 'client' ? target.client_id : by.kind === 'client' ? by.client_id : null,
    user_id: target.kind === 'subject' ? target.sub : null,
    details: {
      target,
      reason,
      revoked_by: by,
      expires_at: event.payload.expires_at,
      ...(event.causation_id ? { causation_id: event.causation_id } : {}),
    },
  });
}

/**
 * Account changes, as Auth0 logs Management API operations (`sapi`), user deletions (`sdu`) and
 * password changes (`scp`). `user_name` is the user's email, as in Auth0's logs.
 */
export function logOfAccount(event: AccountEvent): LogRow {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
    case 'user.deleted': {
      const p = event.payload;
      const type =
        event.type === 'user.deleted'
          ? 'sdu'
          : event.type === 'user.updated' && 'credentials_changed' in p && p.credentials_changed
            ? 'scp'
            : 'sapi';
      const operation = {
        'user.created': 'Create a User',
        'user.updated': 'Update a User',
        'user.deleted': '',
      }[event.type];
      return logRow(event, type, {
        description: operation || LOG_TYPES.sdu,
        user_id: p.user_id,
        user_name: p.email,
        connection: p.identities[0]?.connection ?? null,
        details: { event: event.type, ...(p.blocked ? { blocked: true } : {}) },
      });
    }
    case 'identity.linked':
    case 'identity.unlinked': {
      const p = event.payload;
      return logRow(event, 'sapi', {
        description: event.type === 'identity.linked' ? 'Link a User Account' : 'Unlink a User Account',
        user_id: p.primary_user_id,
        connection: p.connection,
        details: {
          event: event.type,
          secondary_user_id: p.secondary_user_id,
          provider: p.provider,
          identity_user_id: p.identity_user_id,
        },
      });
    }
  }
}
