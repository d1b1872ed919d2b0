import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Metrics } from '@app/metrics';

/**
 * The PostgreSQL pool on `/metrics` (issue #18 §1), read at scrape time from node-postgres' pool:
 * `tessera_pg_pool_waiting_requests` counts queries waiting for a free connection, the first sign
 * that a service is bound by its database round trips rather than its CPU (docs/benchmarks.md).
 */
export function postgresPoolMetrics(metrics: Metrics, dataSource: DataSource): void {
  const pool = () => (dataSource.driver as unknown as { master?: Pool }).master;
  metrics.gauge({
    name: 'tessera_pg_pool_waiting_requests',
    help: 'Queries waiting for a free PostgreSQL connection',
    collect() {
      this.set(pool()?.waitingCount ?? 0);
    },
  });
  metrics.gauge({
    name: 'tessera_pg_pool_connections',
    help: 'PostgreSQL connections of the pool, by state (idle or busy)',
    labelNames: ['state'],
    collect() {
      const current = pool();
      const total = current?.totalCount ?? 0;
      const idle = current?.idleCount ?? 0;
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'busy' }, total - idle);
    },
  });
}
