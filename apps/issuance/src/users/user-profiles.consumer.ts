import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type TesseraEvent } from '@app/contracts';
import { OnEvent, type EventSubscription } from '@app/kafka';
import { UserProfilesRepository } from './user-profiles.repository';

const USER_PROFILES: EventSubscription<typeof TOPICS.accounts.name> = {
  topic: TOPICS.accounts.name,
  name: 'issuance.user-profiles',
  mode: 'shared',
};

/**
 * Projects `user.*` snapshots from the (compacted) accounts topic into `user_profiles`.
 * `identity.linked` / `identity.unlinked` are always followed by the snapshots of the users they
 * changed, which carry what is needed, so they are not read here.
 */
@Controller()
export class UserProfilesConsumer {
  constructor(private readonly profiles: UserProfilesRepository) {}

  @OnEvent(USER_PROFILES, 'user.created', 'user.updated')
  profileChanged(@Payload() event: TesseraEvent<'user.created' | 'user.updated'>): Promise<void> {
    return this.profiles.apply(event.payload, false);
  }

  @OnEvent(USER_PROFILES, 'user.deleted')
  profileDeleted(@Payload() event: TesseraEvent<'user.deleted'>): Promise<void> {
    return this.profiles.apply(event.payload, true);
  }
}
