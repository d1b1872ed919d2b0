import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, isConsistentRevocation, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { RevocationList, VerificationKeySet } from '@app/jwt';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';

const PRUNE_INTERVAL_MS = 60_000;

/**
 * This instance's revocation list, read whole from `tessera.tokens.revoked.v1` (every instance reads
 * every revocation; no shared consumer group). The instance is not ready until it has replayed the
 * topic, so a fresh instance never reports a revoked token active (DESIGN §6).
 */
@Injectable()
export class RevocationState extends EventStreamSubscriber<typeof TOPICS.tokensRevoked.name> {
  readonly list = new RevocationList();
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    readiness: ReadinessRegistry,
    private readonly keys: VerificationKeySet,
  ) {
    super(kafka, {
      name: 'introspection.revocations',
      topic: TOPICS.tokensRevoked.name,
      mode: { kind: 'broadcast' },
    });
    readiness.register('revocations replayed', () => this.caughtUp);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.tokensRevoked.name>): Promise<void> {
    if (!isConsistentRevocation(event)) return Promise.resolve();
    this.list.apply(event.payload);
    // A revoked key leaves the key set too, so nothing it signed verifies any more.
    if (event.payload.target.kind === 'signing_key') this.keys.revoke(event.payload.target.kid);
    return Promise.resolve();
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    this.pruneTimer = setInterval(() => this.list.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await super.beforeApplicationShutdown();
  }
}
