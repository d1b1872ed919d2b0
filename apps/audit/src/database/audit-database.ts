import { postgresOptions } from '@app/persistence';
import { LogStore1766200000000 } from './migrations/1766200000000-log-store';

export const AUDIT_SCHEMA = 'audit';

/** The audit service's schema: the log store and its Kafka positions (no entities: SQL repositories). */
export function auditDatabase(url: string) {
  return postgresOptions({
    url,
    schema: AUDIT_SCHEMA,
    entities: [],
    migrations: [LogStore1766200000000],
  });
}
