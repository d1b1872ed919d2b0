import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
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
  ) {
    super(kafka, {
      name: 'revocation.issued-tokens',
      topic: TOPICS.tokensIssued.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.issued-tokens` },
    });
  }

  protected handle(event: EventOnTopic<typeof TOPICS.tokensIssued.name>): Promise<void> {
    return this.registry.record([event]);
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    this.pruneTimer = setInterval(
      () => void this.registry.pruneExpired(Math.floor(Date.now() / 1000)),
      PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  override async onApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await super.onApplicationShutdown();
  }
}
