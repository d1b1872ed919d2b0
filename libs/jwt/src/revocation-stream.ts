import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, isConsistentRevocation, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';
import { RevocationList } from './revocation-list';
import { TokenStateGate } from './token-state-gate';
import { VerificationKeySet } from './verification-key-set';

const PRUNE_INTERVAL_MS = 60_000;

/**
 * Feeds this instance's revocation list from `tessera.tokens.revoked.v1`, read whole (every instance
 * reads every revocation; no shared consumer group). The service is not ready until it has replayed
 * the topic, so a fresh instance never accepts a revoked token (DESIGN §6).
 */
@Injectable()
export class RevocationStream extends EventStreamSubscriber<typeof TOPICS.tokensRevoked.name> {
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    readiness: ReadinessRegistry,
    private readonly list: RevocationList,
    private readonly keys: VerificationKeySet,
    gate: TokenStateGate,
    @Inject('TOKEN_VERIFICATION_OPTIONS')
    options: { consumerName: string; acknowledgedPoison?: readonly string[]; revocationTopic?: string },
  ) {
    super(kafka, {
      name: `${options.consumerName}.revocation-list`,
      topic: TOPICS.tokensRevoked.name,
      mode: { kind: 'broadcast' },
      // Issue #15 §3: a revocation this instance cannot read may be the one that matters, so it
      // halts (not ready; the TokenStateGate answers 503) rather than skip it.
      failClosed: true,
      acknowledged: new Set(options.acknowledgedPoison ?? []),
      ...(options.revocationTopic ? { sourceTopic: options.revocationTopic } : {}),
    });
    readiness.register('revocations replayed', () => this.caughtUp);
    gate.register('revocations', this);
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
