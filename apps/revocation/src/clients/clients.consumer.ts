import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { ClientsProjectionService } from './clients-projection.service';

/**
 * Keeps this service's client projection in step with issuance's `client.*` events, and revokes the
 * tokens of deleted clients.
 */
@Injectable()
export class ClientsConsumer extends EventStreamSubscriber<typeof TOPICS.clients.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly projection: ClientsProjectionService,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, {
      name: 'revocation.clients',
      topic: TOPICS.clients.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.revocation.clients` },
    });
    // Not ready before the clients that existed at start are known: they could not authenticate.
    readiness.register('clients projected', () => this.caughtUp);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.clients.name>): Promise<void> {
    return this.projection.apply(event);
  }
}
