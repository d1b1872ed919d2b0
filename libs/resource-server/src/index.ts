export * from './access-token-claims';
export * from './tessera-token-validator';
export * from './bearer-token';
export * from './bearer-response';
export * from './request-claims';
export * from './express-middleware';
export * from './fastify-hook';
export * from './nest-guard';
