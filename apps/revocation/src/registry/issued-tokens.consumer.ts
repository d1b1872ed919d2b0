import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { AuditStreamRevocations } from '../revocations/audit-stream-revocations.service';
import { IssuedTokensRepository } from './issued-tokens.repository';
import { RegistryProjectionService } from './registry-projection.service';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

type AuditEvent = EventOnTopic<typeof TOPICS.tokensIssued.name>;

/**
 * Reads the audit stream: projects it into the registry of issued tokens (so this service knows every
 * token by grant, user, client and session), then applies the revocations it calls for (reused
 * refresh tokens, tokens issued from a grant already revoked).
 */
@Injectable()
export class IssuedTokensConsumer extends EventStreamSubscriber<typeof TOPICS.tokensIssued.name> {
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly projection: RegistryProjectionService,
    private readonly auditRevocations: AuditStreamRevocations,
    private readonly issuedTokens: IssuedTokensRepository,
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

  protected handle(event: AuditEvent): Promise<void> {
    return this.handleBatch([event]);
  }

  protected override async handleBatch(events: AuditEvent[]): Promise<void> {
    // The projection first: a revocation of a late token finds what the registry knows of its grant.
    await this.projection.apply(events);
    await this.auditRevocations.apply(events);
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    this.pruneTimer = setInterval(
      () => void this.issuedTokens.pruneExpired(Math.floor(Date.now() / 1000)).catch(() => undefined),
      PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await super.beforeApplicationShutdown();
  }
}
