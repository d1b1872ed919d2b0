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
