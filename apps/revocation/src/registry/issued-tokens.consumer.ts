import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { accessTokenIssued, TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { IssuedTokensRepository } from './issued-tokens.repository';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Projects the audit stream into the registry of issued tokens, so this service knows every token by
 * grant, user, client and audience (what a grant, user or client revocation has to cover).
 */
@Injectable()
export class IssuedTokensConsumer extends EventStreamSubscriber<typeof TOPICS.tokensIssued.name> {
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly registry: IssuedTokensRepository,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, {
      name: 'revocation.issued-tokens',
      topic: TOPICS.tokensIssued.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.issued-tokens` },
      // The audit stream is long (30 days); replaying it one INSERT per event would take far too long.
      batched: true,
    });
    // Grant, user and client revocations need the registry: not ready until it has replayed the stream.
    readiness.register('issued tokens projected', () => this.caughtUp);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.tokensIssued.name>): Promise<void> {
    return this.registry.record(accessTokensIn([event]));
  }

  protected override handleBatch(events: EventOnTopic<typeof TOPICS.tokensIssued.name>[]): Promise<void> {
    return this.registry.record(accessTokensIn(events));
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    this.pruneTimer = setInterval(
      () => void this.registry.pruneExpired(Math.floor(Date.now() / 1000)),
      PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await super.beforeApplicationShutdown();
  }
}

/** The registry records access tokens; the other audit facts are not revocable by themselves. */
function accessTokensIn(events: readonly EventOnTopic<typeof TOPICS.tokensIssued.name>[]) {
  return events.filter(
    (event): event is ReturnType<typeof accessTokenIssued.create> => event.type === accessTokenIssued.type,
  );
}
