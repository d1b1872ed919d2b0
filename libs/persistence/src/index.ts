export * from './postgres-options';
export * from './migrate';
