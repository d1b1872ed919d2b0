import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { RevocationsService } from '../revocations/revocations.service';
import { signingKeyRevocation } from '../revocations/system-revocations';

/**
 * Turns issuance's `signing_key.revoked` into a revocation on `tessera.tokens.revoked.v1`, so an API
 * that listens to the revocation stream only (and caches JWKS) stops accepting the key's tokens.
 * One consumer group for all instances: each revocation is recorded once, and recording it again
 * after a redelivery is a no-op (one row per kid).
 */
@Injectable()
export class SigningKeyRevocationsConsumer extends EventStreamSubscriber<typeof TOPICS.signingKeys.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly revocations: RevocationsService,
  ) {
    super(kafka, {
      name: 'revocation.signing-key-revocations',
      topic: TOPICS.signingKeys.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.signing-key-revocations` },
    });
  }

  protected async handle(event: EventOnTopic<typeof TOPICS.signingKeys.name>): Promise<void> {
    // The snapshot's state is the truth (every signing-key event carries the whole key), whatever the type.
    if (event.payload.state !== 'revoked') return;
    await this.revocations.record(signingKeyRevocation(event.payload.kid, event.occurred_at), {
      correlationId: event.correlation_id,
      causationId: event.id,
    });
  }
}
