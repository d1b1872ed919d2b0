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
    /**
     * How long a log stream may keep failing to deliver (seconds) before it is suspended: it stops
     * trying, keeps its position, and delivers from there once `PATCH {status: "active"}` resumes it.
     */
    TESSERA_LOG_STREAM_SUSPEND_AFTER_SECONDS: z.coerce.number().int().min(1).max(604_800).default(86_400),
    /** The longest wait between two delivery attempts of a failing log stream (ms). */
    TESSERA_LOG_STREAM_MAX_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
    /** One delivery request, connect to last byte (ms). */
    TESSERA_LOG_STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** How often each instance reads the log streams' settings, to start, stop or reconfigure them (ms). */
    TESSERA_LOG_STREAM_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    /**
     * Log stream endpoints may point at loopback and private addresses, and at loopback over plain
     * http (development and tests). Off, they must be https to public addresses, as back-channel
     * logout receivers' (security review #6); link-local and special-use addresses are refused either way.
     */
    TESSERA_LOG_STREAM_ALLOW_PRIVATE_NETWORKS: z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  });

export type AuditConfig = z.output<typeof auditEnv>;
export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return loadConfig(auditEnv, env);
}
