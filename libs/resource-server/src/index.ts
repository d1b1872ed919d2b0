export * from './access-token-claims';
export * from './tessera-token-validator';
export * from './bearer-token';
export * from './bearer-response';
export * from './request-claims';
export * from './express-middleware';
export * from './fastify-hook';
export * from './nest-guard';
// How the API logs in to a secured broker (a subscriber principal's TLS and SCRAM settings).
export { kafkaSecurityFrom, type KafkaSecurity } from '../../kafka/src/kafka-security';
// Tessera's events for a Nest API: the transport, its decorators and the events' types.
export * from './tessera-events';
export {
  EventHandlerErrors,
  EventStreamContext,
  EventStreamTransport,
  OnEvent,
  TESSERA_EVENTS,
  type EventSubscription,
} from '@app/kafka';
export { TOPICS, type EventOnTopic, type TesseraEvent, type TesseraEventType } from '@app/contracts';
