import { Injectable, Inject } from '@nestjs/common';
import { TOPICS, type EventOnTopic, type UserSnapshot } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';

/**
 * Every user's profile, held in memory and rebuilt from the compacted `tessera.accounts.v1` topic,
 * which every instance reads whole (no shared consumer group), like the revocation stream: `/userinfo`
 * and `/tokeninfo` answer from it without calling account-linking (DESIGN §1: no hot path calls
 * another service). Each change to a user ends with its snapshot event, so the latest snapshot per user
 * is the whole profile; `user.deleted` removes it. The instance is not ready until it has replayed it.
 */
@Injectable()
export class ProfileDirectory extends EventStreamSubscriber<typeof TOPICS.accounts.name> {
  private readonly profiles = new Map<string, UserSnapshot>();

  constructor(@Inject(KAFKA) kafka: KafkaClient, readiness: ReadinessRegistry) {
    super(kafka, {
      name: 'introspection.profiles',
      topic: TOPICS.accounts.name,
      mode: { kind: 'broadcast' },
    });
    readiness.register('profiles replayed', () => this.caughtUp);
  }

  /** The user's current profile; undefined for an unknown or deleted user (or a client's `…@clients`). */
  find(userId: string): UserSnapshot | undefined {
    return this.profiles.get(userId);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.accounts.name>): Promise<void> {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
        this.profiles.set(event.payload.user_id, event.payload);
        break;
      case 'user.deleted':
        this.profiles.delete(event.payload.user_id);
        break;
      case 'identity.linked':
      case 'identity.unlinked':
        // The users' own snapshot events follow a link or unlink; these facts add nothing to a profile.
        break;
    }
    return Promise.resolve();
  }
}
