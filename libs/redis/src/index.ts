export * from './redis.module';
export * from './assertion-replay-guard';
