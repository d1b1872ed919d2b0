import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type TesseraEvent } from '@app/contracts';
import { OnEvent, type EventSubscription } from '@app/kafka';
import { KnownUsersRepository } from '../registry/known-users.repository';

/**
 * A group of its own, so it replays the accounts topic from the start rather than from where the
 * revoking consumer of the same topic stands; not ready until it has, since before that "User not
 * found" would be a guess.
 */
const KNOWN_USERS: EventSubscription<typeof TOPICS.accounts.name> = {
  topic: TOPICS.accounts.name,
  name: 'revocation.known-users',
  mode: 'shared',
  readiness: 'users projected',
};

/**
 * Projects which users exist from the accounts topic (compacted: the last event of every user is its
 * full snapshot). `identity.linked` / `identity.unlinked` are always followed by the snapshots of the
 * users they changed (the merged-away one deleted), so they are not read here.
 */
@Controller()
export class KnownUsersConsumer {
  constructor(private readonly users: KnownUsersRepository) {}

  @OnEvent(KNOWN_USERS, 'user.created', 'user.updated')
  userExists(@Payload() event: TesseraEvent<'user.created' | 'user.updated'>): Promise<void> {
    return this.users.apply(event.payload.user_id, event.payload.updated_at, false);
  }

  @OnEvent(KNOWN_USERS, 'user.deleted')
  userDeleted(@Payload() event: TesseraEvent<'user.deleted'>): Promise<void> {
    return this.users.apply(event.payload.user_id, event.payload.updated_at, true);
  }
}
