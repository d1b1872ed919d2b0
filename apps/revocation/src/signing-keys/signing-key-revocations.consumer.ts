import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { OnEvent, type EventSubscription } from '@app/kafka';
import { RevocationsService } from '../revocations/revocations.service';
import { signingKeyRevocation } from '../revocations/system-revocations';

/** One consumer group for all instances: each revocation is recorded once (one row per kid). */
const SIGNING_KEY_REVOCATIONS: EventSubscription<typeof TOPICS.signingKeys.name> = {
  topic: TOPICS.signingKeys.name,
  name: 'revocation.signing-key-revocations',
  mode: 'shared',
};

/**
 * Turns issuance's `signing_key.revoked` into a revocation on `tessera.tokens.revoked.v1`, so an API
 * that listens to the revocation stream only (and caches JWKS) stops accepting the key's tokens.
 * Recording it again after a redelivery is a no-op.
 */
@Controller()
export class SigningKeyRevocationsConsumer {
  constructor(private readonly revocations: RevocationsService) {}

  // Every signing-key event carries the whole key: its state is the truth, whatever the type.
  @OnEvent(SIGNING_KEY_REVOCATIONS, 'signing_key.created', 'signing_key.state_changed', 'signing_key.revoked')
  async keyChanged(@Payload() event: EventOnTopic<typeof TOPICS.signingKeys.name>): Promise<void> {
    if (event.payload.state !== 'revoked') return;
    await this.revocations.record(signingKeyRevocation(event.payload.kid, event.occurred_at), {
      correlationId: event.correlation_id,
      causationId: event.id,
    });
  }
}
