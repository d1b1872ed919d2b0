import { z } from 'zod';
import { databaseEnv, loadConfig, portEnv, serviceEnv, jwksEnv } from '@app/config';

const auditEnv = serviceEnv
  .extend(jwksEnv.shape)
  .extend(databaseEnv.shape)
  .extend(portEnv(3005).shape)
  .extend({
    /**
     * Days of log events kept: whole days older than this are dropped (their partitions), and events
     * older than it are not stored. 30 is Auth0's longest plan.
     */
    TESSERA_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /**
     * Longest a log search may run in PostgreSQL (ms). A query string can ask for a scan of the
     * whole retention (`q=description:*x*`); past this it is refused with a 400 instead of holding
     * a connection and the disk for as long as it takes.
     */
    TESSERA_AUDIT_QUERY_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  });

export type AuditConfig = z.output<typeof auditEnv>;
export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return loadConfig(auditEnv, env);
}
