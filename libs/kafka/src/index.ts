export * from './kafka-client';
export * from './topic-admin';
export * from './event-publisher';
export * from './event-stream-consumer';
export * from './stream-currency';
export * from './kafka.module';
export * from './event-stream-subscriber';
