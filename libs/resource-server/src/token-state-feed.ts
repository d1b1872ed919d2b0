import type { Kafka } from 'kafkajs';
import { isConsistentRevocation, TOPICS } from '@app/contracts';
import { EventStreamConsumer } from '@app/kafka';
// Single files rather than the `@app/jwt` barrel: the barrel also exports the Nest module for the
// services, which pulls in the HTTP stack of the services (fastify) that an API using this package
// must not be made to load.
import { RevocationList } from '../../jwt/src/revocation-list';
import type { JwksKeyConfirmation } from '../../jwt/src/jwks-key-confirmation';
import { VerificationKeySet } from '../../jwt/src/verification-key-set';

/**
 * What a validator learns from Kafka, read whole from the beginning by every validator (broadcast,
 * no shared group): the signing keys (`tessera.signing-keys.v1`) and every revocation
 * (`tessera.tokens.revoked.v1`, compacted so that it holds the complete revocation state).
 */
export class TokenStateFeed {
  private readonly signingKeys: EventStreamConsumer<typeof TOPICS.signingKeys.name>;
  private readonly revocationStream: EventStreamConsumer<typeof TOPICS.tokensRevoked.name>;

  constructor(
    kafka: Kafka,
    name: string,
    private readonly keys: VerificationKeySet,
    private readonly confirmation: JwksKeyConfirmation,
    private readonly revocations: RevocationList,
  ) {
    this.signingKeys = new EventStreamConsumer(kafka, {
      name: `${name}.signing-keys`,
      topic: TOPICS.signingKeys.name,
      mode: { kind: 'broadcast' },
      // An event it cannot read halts the feed (`haltReason`): the validator then refuses tokens.
      failClosed: true,
      handle: (event) => {
        // A new kid is only a candidate until Tessera's JWKS publishes the same key (issue #20 §4).
        if (this.keys.announce(event.payload)) this.confirmation.onAnnounced();
        return Promise.resolve();
      },
    });
    this.revocationStream = new EventStreamConsumer(kafka, {
      name: `${name}.revocations`,
      topic: TOPICS.tokensRevoked.name,
      mode: { kind: 'broadcast' },
      failClosed: true,
      handle: (event) => {
        // An event whose type contradicts its target is refused, as introspection refuses it.
        if (!isConsistentRevocation(event)) return Promise.resolve();
        this.revocations.apply(event.payload);
        // A revoked key leaves the key set too, so nothing it signed verifies any more.
        if (event.payload.target.kind === 'signing_key') this.keys.revoke(event.payload.target.kid);
        return Promise.resolve();
      },
    });
  }

  /** Starts reading both topics; resolves once everything that was on them at start has been applied. */
  async start(): Promise<void> {
    await Promise.all([this.signingKeys.start(), this.revocationStream.start()]);
    await Promise.all([this.signingKeys.whenCaughtUp(), this.revocationStream.whenCaughtUp()]);
  }

  /** Why the feed cannot be trusted (an event it could not apply: issue #15 §3), or null. */
  get haltReason(): string | null {
    return this.signingKeys.haltReason ?? this.revocationStream.haltReason;
  }

  async stop(): Promise<void> {
    await Promise.all([this.signingKeys.stop(), this.revocationStream.stop()]);
  }
}
