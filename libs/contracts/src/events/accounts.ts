import { z } from 'zod';
import { defineEvent } from '../envelope';

/** `auth0|5f7c…`: `<provider>|<id at the provider>`, as Auth0 writes user ids. */
const userId = z.string().min(3).max(320);

/** One identity of a user, without its profile data or identity-provider tokens. */
export const identitySummary = z.object({
  provider: z.string().min(1),
  user_id: z.string().min(1),
  connection: z.string().min(1),
  isSocial: z.boolean(),
});

/**
 * What other services may know about a user: the profile claims issuance puts in ID tokens and what
 * revocation needs. Never a password hash, metadata or identity-provider token (DESIGN §5).
 */
export const userSnapshot = z.object({
  user_id: userId,
  email: z.string().nullable(),
  email_verified: z.boolean(),
  name: z.string().nullable(),
  nickname: z.string().nullable(),
  picture: z.string().nullable(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  blocked: z.boolean(),
  identities: z.array(identitySummary),
  updated_at: z.iso.datetime({ offset: true }),
});
export type UserSnapshot = z.output<typeof userSnapshot>;

export const userCreated = defineEvent('user.created', userSnapshot);
/**
 * The user's new snapshot. `credentials_changed` marks the update that set a new password (which,
 * like its hash, never travels): revocation then ends the user's sessions and refresh tokens.
 * Optional, so events from before it still parse.
 */
export const userUpdated = defineEvent(
  'user.updated',
  userSnapshot.extend({ credentials_changed: z.literal(true).optional() }),
);
/** The last snapshot of the user: revocation revokes every token whose `sub` is `user_id`. */
export const userDeleted = defineEvent('user.deleted', userSnapshot);

/**
 * A secondary user merged into a primary (Auth0 account linking): the secondary user is gone and its
 * identity now belongs to the primary, so revocation revokes the secondary user's tokens.
 */
export const identityLink = z.object({
  primary_user_id: userId,
  secondary_user_id: userId,
  provider: z.string().min(1),
  identity_user_id: z.string().min(1),
  connection: z.string().min(1),
});
export type IdentityLink = z.output<typeof identityLink>;

export const identityLinked = defineEvent('identity.linked', identityLink);
/** The identity left the primary and became the standalone user `secondary_user_id` again. */
export const identityUnlinked = defineEvent('identity.unlinked', identityLink);

export const accountEvents = [
  userCreated,
  userUpdated,
  userDeleted,
  identityLinked,
  identityUnlinked,
] as const;
