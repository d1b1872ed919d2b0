import { createKafka, EventStreamTransport, type DefaultSubscription } from '@app/kafka';
import type { TesseraTokenValidatorOptions } from './tessera-token-validator';

export interface TesseraEventsOptions {
  /** The broker and the API's subscriber login, as for the token validator. */
  readonly kafka: TesseraTokenValidatorOptions['kafka'];
  /**
   * The reader of handlers declared with a bare `@EventPattern('session.revoked')`: with `shared`
   * (the default), one consumer group `<name>.<topic>` for all instances of the API, so each event is
   * handled once by the API; with `broadcast`, by every instance (state it keeps in memory).
   */
  readonly name: string;
  readonly mode?: DefaultSubscription['mode'];
  /**
   * Where an event whose handler keeps throwing is parked. A subscriber login may not write Tessera's
   * dead-letter topic: without one of the API's own, such an event is retried until it applies (nothing
   * is committed past it, so nothing is lost).
   */
  readonly deadLetterTopic?: string;
}

/**
 * Tessera's events for an API built with Nest (issue #16 §4): a `@nestjs/microservices` transport, so a
 * controller reacts to a revocation with a decorated method:
 *
 *   app.connectMicroservice({ strategy: tesseraEvents({ kafka, name: 'orders-api' }) })
 *      .useGlobalFilters(new EventHandlerErrors());
 *   await app.startAllMicroservices();
 *
 *   @EventPattern('session.revoked')
 *   signOut(@Payload() event: TesseraEvent<'session.revoked'>, @Ctx() where: EventStreamContext) { … }
 *
 * `@OnEvent(subscription, …types)` declares other readers (a topic, `shared` or `broadcast`).
 */
export function tesseraEvents(options: TesseraEventsOptions): EventStreamTransport {
  const clientId = options.kafka.clientId ?? `${options.name}-events`;
  return new EventStreamTransport({
    kafka: createKafka({ brokers: options.kafka.brokers, clientId, security: options.kafka.security }),
    defaultSubscription: { name: options.name, mode: options.mode ?? 'shared' },
    ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : {}),
  });
}
