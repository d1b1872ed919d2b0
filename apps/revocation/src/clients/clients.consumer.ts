import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { ClientsRepository } from './clients.repository';

/** Keeps this service's client projection in step with issuance's `client.*` events. */
@Injectable()
export class ClientsConsumer extends EventStreamSubscriber<typeof TOPICS.clients.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(REVOCATION_CONFIG) config: RevocationConfig,
    private readonly clients: ClientsRepository,
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
    return this.clients.applyOnce(event.id, async (manager) => {
      switch (event.type) {
        case 'client.created':
        case 'client.updated':
          return this.clients.upsert(manager, event.payload);
        case 'client.deleted':
          return this.clients.delete(manager, event.payload.client_id);
      }
    });
  }
}
