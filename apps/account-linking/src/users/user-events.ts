import { TOPICS, userUpdated, type EventContext, type userCreated, type userDeleted } from '@app/contracts';
import type { OutboxEvent } from '@app/outbox';
import type { IdentityEntity } from './identity.entity';
import type { UserEntity } from './user.entity';
import { toUserSnapshot } from './user.view';

type EventDefinition = typeof userCreated | typeof userUpdated | typeof userDeleted;

/**
 * A `user.*` event with the user's full snapshot, keyed by user id: the accounts topic is compacted,
 * so the last event of each user must be enough to rebuild its profile.
 */
export function userEvent(
  definition: EventDefinition,
  user: UserEntity,
  identities: readonly IdentityEntity[],
  context: EventContext,
): OutboxEvent {
  return {
    topic: TOPICS.accounts.name,
    key: user.userId,
    event: definition.create(toUserSnapshot(user, identities), context),
  };
}

/**
 * `user.updated` for an update that set a new password: it says so (never with the password or its
 * hash), and revocation ends the user's sessions and refresh tokens.
 */
export function passwordChangedEvent(
  user: UserEntity,
  identities: readonly IdentityEntity[],
  context: EventContext,
): OutboxEvent {
  return {
    topic: TOPICS.accounts.name,
    key: user.userId,
    event: userUpdated.create({ ...toUserSnapshot(user, identities), credentials_changed: true }, context),
  };
}
