export * from './service-processes';
export * from './event-collector';
export * from './oauth-client';
export * from './stack';
export * from './throwaway-database';
export * from './gateway';
export * from './test-kafka';
export * from './http-receiver';
