import { postgresOptions } from '@app/persistence';
import { LogStore1766200000000 } from './migrations/1766200000000-log-store';
import { LogStreams1766300000000 } from './migrations/1766300000000-log-streams';

export const AUDIT_SCHEMA = 'audit';

/** The audit service's schema: the log store, its Kafka positions and the log streams (no entities: SQL repositories). */
export function auditDatabase(url: string) {
  return postgresOptions({
    url,
    schema: AUDIT_SCHEMA,
    entities: [],
    migrations: [LogStore1766200000000, LogStreams1766300000000],
  });
}
