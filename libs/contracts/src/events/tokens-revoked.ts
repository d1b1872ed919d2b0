import { z } from 'zod';
import { defineEvent, type EventContext } from '../envelope';

/** What a revocation covers. Each kind is a different key on the compacted revocation topic. */
export const revocationTarget = z.discriminatedUnion('kind', [
  /** One JWT access token, by its `jti`. */
  z.object({ kind: z.literal('jti'), jti: z.string().min(1) }),
  /** One refresh token only (the client's "revocation deletes grant" is off), by its id. */
  z.object({ kind: z.literal('refresh_token'), refresh_token_id: z.string().min(1) }),
  /**
   * A login session: the hosted login page no longer honours it, and unless it was a logout, the
   * tokens carrying its `sid` are revoked with it (`sessionRevocationEndsTokens`).
   */
  z.object({ kind: z.literal('session'), session_id: z.string().min(1) }),
  /** A grant: its refresh-token family and every access token issued from it. */
  z.object({ kind: z.literal('grant'), grant_id: z.string().min(1) }),
  /** Every token of a user issued before `not_before` (epoch seconds). */
  z.object({ kind: z.literal('subject'), sub: z.string().min(1), not_before: z.number().int() }),
  /** Every token of a client issued before `not_before` (epoch seconds). */
  z.object({ kind: z.literal('client'), client_id: z.string().min(1), not_before: z.number().int() }),
  /** Every token signed by a signing key. */
  z.object({ kind: z.literal('signing_key'), kid: z.string().min(1) }),
]);
export type RevocationTarget = z.output<typeof revocationTarget>;

export const revocationReason = z.enum([
  'client_request',
  'refresh_token_reuse',
  'identity_linked',
  'user_deleted',
  'client_deleted',
  'signing_key_revoked',
  'admin',
  'session_deleted',
  /** An authorization code presented twice: RFC 6749 §4.1.2 revokes the grant it started. */
  'authorization_code_reuse',
  /** The user was blocked (`PATCH /api/v2/users/{id}` `{"blocked": true}`). */
  'user_blocked',
  /** The user's password was changed: their sessions and refresh tokens end. */
  'password_changed',
  /** A new login in the same browser replaced the login session (`login_session.started`'s `replaced_session_id`). */
  'session_replaced',
  /** The user logged out (`/v2/logout`, `/oidc/logout`): issuance's `login_session.ended`. */
  'logout',
]);

export type RevocationReason = z.output<typeof revocationReason>;

/**
 * A revocation's reason as consumers read it: one of `revocationReason`, or one a newer producer
 * added (a snake_case word). The reason only explains; what is revoked is the type and target, which
 * stay strict. So a new reason is a minor change (issue #15 §3): validators apply the revocation
 * instead of dead-lettering it and failing closed on every instance until they are upgraded.
 * Producers build reasons from `RevocationReason`, which stays the closed list.
 */
const readableReason = z.union([revocationReason, z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)]);

export const revokedBy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('client'), client_id: z.string().min(1) }),
  z.object({ kind: z.literal('admin'), sub: z.string().min(1) }),
  z.object({ kind: z.literal('system') }),
]);

/**
 * Whom a revocation concerns, beside its target, where the revocation service's registry knows it
 * (payload 1.1, issue #16): the user, the client, the audiences, the grant and the login session.
 * Optional and additive: a subscriber that predates them reads the events as before.
 */
export const revocationConcerns = z.object({
  sub: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  aud: z.array(z.string().min(1)).optional(),
  grant_id: z.string().min(1).optional(),
  session_id: z.string().min(1).optional(),
  /**
   * A session revocation (payload 1.2): every client that had tokens from the session, as far as the
   * registry knows (back-channel logout notifies each).
   */
  client_ids: z.array(z.string().min(1)).optional(),
});
export type RevocationConcerns = z.output<typeof revocationConcerns>;

export const revocationPayload = z.object({
  target: revocationTarget,
  /** Epoch seconds after which the revocation no longer matters (the token expired); null = forever. */
  expires_at: z.number().int().nullable(),
  reason: readableReason,
  revoked_by: revokedBy,
  revoked_at: z.iso.datetime({ offset: true }),
  ...revocationConcerns.shape,
});
export type RevocationPayload = z.output<typeof revocationPayload>;

/** The longest any token Tessera issues can live: an API's `token_lifetime` maximum (Auth0's 30 days). */
export const MAX_TOKEN_LIFETIME_SECONDS = 2_592_000;

/**
 * Whether a session revocation also ends every token issued in the session (the tokens carrying its
 * `sid`). A logout does not: Auth0 keeps a logged-out session's tokens, and a client that wants its
 * refresh tokens gone has its grants revoked with their own events. Every other reason (deletion,
 * replacement by a new login, blocking, a password change) does, at once on every validator, so a
 * token issued moments before the revocation cannot slip past a registry that has not seen it yet.
 */
export function sessionRevocationEndsTokens(payload: RevocationPayload): boolean {
  return payload.target.kind === 'session' && payload.reason !== 'logout';
}

/** One event type per kind of target, named `<entity>.<past-tense verb>` (DESIGN §5). */
const revocationTypeByKind = {
  jti: 'access_token.revoked',
  refresh_token: 'refresh_token.revoked',
  session: 'session.revoked',
  grant: 'grant.revoked',
  subject: 'user_tokens.revoked',
  client: 'client_tokens.revoked',
  signing_key: 'signing_key.revoked',
} as const satisfies Record<RevocationTarget['kind'], string>;

export const accessTokenRevoked = defineEvent(revocationTypeByKind.jti, revocationPayload);
export const refreshTokenRevoked = defineEvent(revocationTypeByKind.refresh_token, revocationPayload);
export const sessionRevoked = defineEvent(revocationTypeByKind.session, revocationPayload);
export const grantRevoked = defineEvent(revocationTypeByKind.grant, revocationPayload);
export const userTokensRevoked = defineEvent(revocationTypeByKind.subject, revocationPayload);
export const clientTokensRevoked = defineEvent(revocationTypeByKind.client, revocationPayload);
export const signingKeyTokensRevoked = defineEvent(revocationTypeByKind.signing_key, revocationPayload);

export const tokensRevokedEvents = [
  accessTokenRevoked,
  refreshTokenRevoked,
  sessionRevoked,
  grantRevoked,
  userTokensRevoked,
  clientTokensRevoked,
  signingKeyTokensRevoked,
] as const;

export type RevocationEvent = ReturnType<(typeof tokensRevokedEvents)[number]['create']>;

/** Builds the revocation event whose type matches the target's kind. */
export function createRevocationEvent(payload: RevocationPayload, context: EventContext): RevocationEvent {
  const definition = tokensRevokedEvents.find(
    (event) => event.type === revocationTypeByKind[payload.target.kind],
  );
  if (!definition) throw new Error(`no revocation event for ${payload.target.kind}`);
  return definition.create(payload, context);
}

/** True when an event's type agrees with its target (a consumer refuses a contradictory event). */
export function isConsistentRevocation(event: RevocationEvent): boolean {
  return event.type === revocationTypeByKind[event.payload.target.kind];
}

/** The Kafka key of a revocation: one key per target so compaction keeps the latest fact per target. */
export function revocationKey(target: RevocationTarget): string {
  switch (target.kind) {
    case 'jti':
      return `jti:${target.jti}`;
    case 'refresh_token':
      return `rt:${target.refresh_token_id}`;
    case 'session':
      return `session:${target.session_id}`;
    case 'grant':
      return `grant:${target.grant_id}`;
    case 'subject':
      return `sub:${target.sub}`;
    case 'client':
      return `client:${target.client_id}`;
    case 'signing_key':
      return `kid:${target.kid}`;
  }
}
