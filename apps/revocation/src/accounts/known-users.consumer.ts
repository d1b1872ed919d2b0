import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { KnownUsersRepository } from '../registry/known-users.repository';

/**
 * Projects which users exist from the accounts topic (compacted: the last event of every user is its
 * full snapshot, `user.created` / `user.updated` / `user.deleted`). A group of its own, so it replays
 * the topic from the start rather than from where the revoking consumer of the same topic stands;
 * not ready until it has, since before that "User not found" would be a guess.
 */
@Injectable()
export class KnownUsersConsumer extends EventStreamSubscriber<typeof TOPICS.accounts.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly users: KnownUsersRepository,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, {
      name: 'revocation.known-users',
      topic: TOPICS.accounts.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.known-users` },
    });
    readiness.register('users projected', () => this.caughtUp);
  }

  protected async handle(event: EventOnTopic<typeof TOPICS.accounts.name>): Promise<void> {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
        return this.users.apply(event.payload.user_id, event.payload.updated_at, false);
      case 'user.deleted':
        return this.users.apply(event.payload.user_id, event.payload.updated_at, true);
      case 'identity.linked':
      case 'identity.unlinked':
        // Always followed by the snapshots of the users they changed (the merged-away one deleted).
        return;
    }
  }
}
