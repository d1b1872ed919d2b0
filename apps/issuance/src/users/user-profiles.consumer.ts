import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, userCreated, userDeleted, userUpdated, type EventOnTopic } from '@app/contracts';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { UserProfilesRepository } from './user-profiles.repository';

/** Projects `user.*` snapshots from the (compacted) accounts topic into `user_profiles`. */
@Injectable()
export class UserProfilesConsumer extends EventStreamSubscriber<typeof TOPICS.accounts.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
    private readonly profiles: UserProfilesRepository,
  ) {
    super(kafka, {
      name: 'issuance.user-profiles',
      topic: TOPICS.accounts.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.issuance.user-profiles` },
    });
  }

  protected async handle(event: EventOnTopic<typeof TOPICS.accounts.name>): Promise<void> {
    switch (event.type) {
      case userCreated.type:
      case userUpdated.type:
        return this.profiles.apply(event.payload, false);
      case userDeleted.type:
        return this.profiles.apply(event.payload, true);
      case 'identity.linked':
      case 'identity.unlinked':
        // Always followed by the snapshots of the users they changed, which carry what we need.
        return;
    }
  }
}
