import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { AccountRevocationsService } from './account-revocations.service';

/**
 * Revokes the tokens of users that account-linking merged away (`identity.linked`, the secondary user)
 * or deleted (`user.deleted`). One consumer group for all instances; redeliveries are no-ops.
 */
@Injectable()
export class AccountRevocationsConsumer extends EventStreamSubscriber<typeof TOPICS.accounts.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly accountRevocations: AccountRevocationsService,
  ) {
    super(kafka, {
      name: 'revocation.account-revocations',
      topic: TOPICS.accounts.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.account-revocations` },
    });
  }

  protected handle(event: EventOnTopic<typeof TOPICS.accounts.name>): Promise<void> {
    return this.accountRevocations.apply(event);
  }
}
