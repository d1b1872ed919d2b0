import { z } from 'zod';
import { defineEvent, IP_MAX_LENGTH, type RequestOrigin } from '../envelope';

/**
 * Auth0 log type codes, so the audit stream reads like Auth0's log stream
 * (reference/auth0-api.md; e.g. `seccft` = success exchange of client credentials for an access token).
 */
export const auth0LogType = z.enum([
  'seccft',
  'feccft',
  'seacft',
  'feacft',
  'sepft',
  'fepft',
  'sertft',
  'fertft',
  'ferrt',
  'secte',
  'fecte',
  'sd',
  'fd',
  's',
  'f',
  'fp',
  'fu',
  'fcoa',
  'limit_wc',
  'limit_mu',
  /** Auth0's "Success Logout" (`/v2/logout`, `/oidc/logout`). */
  'slo',
  /** Auth0's back-channel logout outcomes (OIDC Back-Channel Logout 1.0, ADR 0020). */
  'oidc_backchannel_logout_succeeded',
  'oidc_backchannel_logout_failed',
]);

export const grantType = z.enum([
  'client_credentials',
  'authorization_code',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

export const accessTokenDialect = z.enum(['access_token', 'rfc9068_profile']);

const epochSeconds = z.number().int().nonnegative();

/** Whose token it is: every event about a grant's tokens names the grant, its client and its subject. */
const grantOwner = {
  grant_id: z.string().min(1),
  client_id: z.string().min(1),
  sub: z.string().min(1),
};

/** An access token was issued. Identifiers only: never the token itself (DESIGN §5). */
export const accessTokenIssued = defineEvent(
  'access_token.issued',
  z.object({
    jti: z.string().min(1),
    ...grantOwner,
    aud: z.array(z.string().min(1)),
    scope: z.string(),
    grant_type: grantType,
    format: z.enum(['jwt', 'opaque']),
    dialect: accessTokenDialect.optional(),
    kid: z.string().optional(),
    /** The login session behind a user's token (absent for client credentials). */
    session_id: z.string().min(1).optional(),
    /** RFC 8693 delegation: who acts on behalf of `sub`. */
    act: z.object({ sub: z.string().min(1) }).optional(),
    /**
     * RFC 8693 exchange: the jti of the subject token this one was made from. Revoking that jti
     * revokes this token too (docs/adr/0009); its grant and session are the source's already.
     */
    source_jti: z.string().min(1).optional(),
    issued_at: epochSeconds,
    expires_at: epochSeconds,
    log_type: auth0LogType,
  }),
);

/**
 * Where the request that obtained a token or session came from. Optional: events from before these
 * fields, and requests without a `User-Agent`, have none. Producers bound the user agent to
 * `USER_AGENT_MAX_LENGTH`; the schema accepts up to 512 because older `login_session.started`
 * events were cut there.
 */
const requestOriginFields = {
  ip: z.string().max(IP_MAX_LENGTH).optional(),
  user_agent: z.string().max(512).optional(),
};

/** The payload fields of a request's origin (`EventContext.origin`), for the events that have them. */
export function originFields(origin: RequestOrigin | undefined): { ip?: string; user_agent?: string } {
  return {
    ...(origin?.ip ? { ip: origin.ip } : {}),
    ...(origin?.userAgent ? { user_agent: origin.userAgent } : {}),
  };
}

/**
 * What every refresh-token event says about the token. The id is `refresh_token_id` (the `jti` of its
 * opaque-token record in Redis), never the token. A grant is one refresh-token family (DESIGN §3).
 */
const refreshTokenFacts = z.object({
  refresh_token_id: z.string().min(1),
  ...grantOwner,
  aud: z.array(z.string().min(1)),
  scope: z.string(),
  grant_type: grantType,
  session_id: z.string().min(1).optional(),
  /** The client's rotation setting: a rotating token is single-use. */
  rotating: z.boolean(),
  /** Name of the device, when the client sent Auth0's `device` parameter. */
  device: z.string().optional(),
  /** The `/oauth/token` request that obtained this token (Auth0's `device.initial_*` / `last_*`). */
  ...requestOriginFields,
  issued_at: epochSeconds,
  /** Absolute expiry of the family; null = infinite. */
  expires_at: epochSeconds.nullable(),
  /** Idle expiry of this token; null = infinite. */
  idle_expires_at: epochSeconds.nullable(),
  log_type: auth0LogType,
});

/** A refresh token was issued with a new grant (first token of a family). */
export const refreshTokenIssued = defineEvent('refresh_token.issued', refreshTokenFacts);

/** A rotating refresh token was exchanged: the family's latest token is now `refresh_token_id`. */
export const refreshTokenRotated = defineEvent(
  'refresh_token.rotated',
  refreshTokenFacts.extend({ previous_refresh_token_id: z.string().min(1) }),
);

/** A grant found compromised: who it belonged to, and when it was noticed. */
const grantCompromise = z.object({
  ...grantOwner,
  detected_at: epochSeconds,
  log_type: auth0LogType,
});

/**
 * An already-rotated refresh token was presented outside the leeway: the family is compromised.
 * Issuance has already invalidated the family in Redis; revocation records the grant revocation.
 */
export const refreshTokenReuseDetected = defineEvent(
  'refresh_token.reuse_detected',
  grantCompromise.extend({ refresh_token_id: z.string().min(1) }),
);

/**
 * An authorization code was presented a second time (RFC 6749 §4.1.2: the grant it started must be
 * revoked). Issuance has already invalidated the grant's opaque tokens; revocation revokes the grant.
 */
export const authorizationCodeReused = defineEvent('authorization_code.reused', grantCompromise);

/** An ID token was issued (OIDC). */
export const idTokenIssued = defineEvent(
  'id_token.issued',
  z.object({
    jti: z.string().min(1),
    ...grantOwner,
    session_id: z.string().min(1).optional(),
    grant_type: grantType,
    issued_at: epochSeconds,
    expires_at: epochSeconds,
    log_type: auth0LogType,
  }),
);

/**
 * A login session started at the hosted login page (Auth0's "session"): revocation lists and deletes
 * sessions (`/api/v2/users/{id}/sessions`); deleting one revokes target `session`. Keyed by session id.
 * `session_id` is the session's public id, never the value of its cookie.
 */
export const loginSessionStarted = defineEvent(
  'login_session.started',
  z.object({
    session_id: z.string().min(1),
    user_id: z.string().min(1),
    connection: z.string().min(1),
    client_id: z.string().min(1),
    authenticated_at: epochSeconds,
    expires_at: epochSeconds,
    idle_expires_at: epochSeconds,
    /** The session this login replaced in the same browser, which ended with it (optional: newer). */
    replaced_session_id: z.string().min(1).optional(),
    ...requestOriginFields,
    log_type: auth0LogType,
  }),
);

/**
 * A browser logged out at `/v2/logout` or `/oidc/logout` (Auth0 `slo`): issuance ended the login
 * session in the same transaction; the revocation service revokes it (`session.revoked`, reason
 * `logout`) and, when `revoke_grants`, the session's grants with it. `client_id` is the application
 * that asked, when the request named one. Keyed by session id, like `login_session.started`.
 */
export const loginSessionEnded = defineEvent(
  'login_session.ended',
  z.object({
    session_id: z.string().min(1),
    user_id: z.string().min(1),
    client_id: z.string().min(1).optional(),
    /** The asking client's `logout_revokes_refresh_tokens`: the session's refresh tokens end too. */
    revoke_grants: z.boolean(),
    ended_at: epochSeconds,
    ...requestOriginFields,
    log_type: z.literal('slo'),
  }),
);

/**
 * A back-channel logout token's delivery ended (ADR 0020): the client's `backchannel_logout_uri`
 * answered 2xx (Auth0 `oidc_backchannel_logout_succeeded`), or it was given up after retrying until
 * `TESSERA_BACKCHANNEL_LOGOUT_GIVE_UP_SECONDS` (`oidc_backchannel_logout_failed`, with the last
 * failure). `attempts` counts the POSTs made. Keyed by session id, like `login_session.ended`.
 */
export const backchannelLogoutFinished = defineEvent(
  'backchannel_logout.finished',
  z.object({
    session_id: z.string().min(1),
    client_id: z.string().min(1),
    user_id: z.string().min(1).nullable(),
    attempts: z.number().int().nonnegative(),
    /** The last failure (`HTTP 503`, a timeout, a refused address), when given up. */
    last_error: z.string().max(500).optional(),
    finished_at: epochSeconds,
    log_type: z.enum(['oidc_backchannel_logout_succeeded', 'oidc_backchannel_logout_failed']),
  }),
);

/**
 * A user consented to a third-party client's request (Auth0's user grant, `/api/v2/grants`): the
 * client may have tokens for `audience` with these scopes. `scope` is every scope the consent now
 * covers (a consent only grows; asking for more adds to it). Keyed by the consent's grant id
 * (`cgr_…`), so all its events are in order on one partition. Withdrawn by revoking that grant.
 */
export const consentGranted = defineEvent(
  'consent.granted',
  z.object({
    grant_id: z.string().min(1),
    client_id: z.string().min(1),
    user_id: z.string().min(1),
    /** The API's identifier, or `{issuer}userinfo` for OpenID Connect scopes alone (as Auth0 does). */
    audience: z.string().min(1),
    scope: z.string(),
    granted_at: epochSeconds,
    ...requestOriginFields,
  }),
);

/**
 * A token request or login was refused: the audit stream records failures too (Auth0's `f*` log
 * codes). Keyed by client id (or `anonymous`). Never the credentials, only what was asked and why.
 */
export const tokenRequestRefused = defineEvent(
  'token_request.refused',
  z.object({
    client_id: z.string().max(256).nullable(),
    grant_type: z.string().max(256).nullable(),
    sub: z.string().nullable(),
    error: z.string().min(1),
    error_description: z.string().max(1000).optional(),
    occurred_at: epochSeconds,
    log_type: auth0LogType,
  }),
);

/**
 * Brute-force protection (Auth0's `limit_wc`): consecutive failed logins of one login identifier
 * from one address reached the limit, and that address may no longer log in as that identifier
 * until an unblock (`DELETE /api/v2/user-blocks…`). Written by account-linking in the transaction
 * that records the block, once per block. `user_id` is the account the identifier names, `null` when
 * it names none (unknown identifiers are blocked the same way). Keyed by the address.
 */
export const userBlockCreated = defineEvent(
  'user_block.created',
  z.object({
    connection: z.string().min(1),
    /** The email or username as it was typed (lowercased), Auth0's `user_name`. */
    identifier: z.string().min(1).max(320),
    ip: z.string().max(IP_MAX_LENGTH),
    user_id: z.string().min(1).nullable(),
    client_id: z.string().min(1).max(128),
    failed_attempts: z.number().int().positive(),
    blocked_at: epochSeconds,
    log_type: z.literal('limit_wc'),
  }),
);

/**
 * A brute-force block was lifted: by the Management API (`DELETE /api/v2/user-blocks…`, reason
 * `admin`, with the caller's `sub`) or by a new password for the user (`password_changed`). One
 * event per block lifted, written with the deletion; keyed by the address, like its creation.
 */
export const userBlockDeleted = defineEvent(
  'user_block.deleted',
  z.object({
    connection: z.string().min(1),
    identifier: z.string().min(1).max(320),
    ip: z.string().max(IP_MAX_LENGTH),
    user_id: z.string().min(1).nullable(),
    reason: z.enum(['admin', 'password_changed']),
    /** The Management API caller (its token's `sub`), for `admin`. */
    deleted_by: z.string().min(1).nullable(),
    deleted_at: epochSeconds,
  }),
);

/**
 * Suspicious-IP throttling (Auth0's `limit_mu`): an address ran out of failed-login attempts across
 * all accounts, and its logins are refused until its bucket refills. One event when the throttling
 * starts (the first refused attempt), not one per refused attempt. Keyed by the address.
 */
export const loginAddressThrottled = defineEvent(
  'login_address.throttled',
  z.object({
    ip: z.string().max(IP_MAX_LENGTH),
    connection: z.string().min(1),
    client_id: z.string().min(1).max(128),
    throttled_at: epochSeconds,
    log_type: z.literal('limit_mu'),
  }),
);

export const tokensIssuedEvents = [
  accessTokenIssued,
  refreshTokenIssued,
  refreshTokenRotated,
  refreshTokenReuseDetected,
  authorizationCodeReused,
  idTokenIssued,
  loginSessionStarted,
  loginSessionEnded,
  backchannelLogoutFinished,
  tokenRequestRefused,
  consentGranted,
  userBlockCreated,
  userBlockDeleted,
  loginAddressThrottled,
] as const;
