export * from './postgres-options';
export * from './migrate';
export * from './ttl-cache';
export * from './postgres.module';
