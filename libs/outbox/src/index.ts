export * from './outbox-tables';
export * from './outbox-writer';
export * from './outbox-relay';
export * from './processed-events';
export * from './outbox.module';
export * from './outbox-batcher';
export * from './batch-queue';
export * from './group-commit';
