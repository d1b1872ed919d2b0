import { Injectable, Module, Optional, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { HealthModule, ReadinessRegistry } from '@app/http';
import { Metrics } from '@app/metrics';
import { postgresPoolMetrics } from './postgres-pool-metrics';

/** Longer than a healthy round trip by far; short enough that readiness never hangs on a dead server. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Readiness counts PostgreSQL (issue #22 §4): a service whose database does not answer `SELECT 1`
 * within a second is not ready, so a gateway or orchestrator stops sending it work it would fail.
 */
@Injectable()
class PostgresReadiness {
  constructor(dataSource: DataSource, readiness: ReadinessRegistry, @Optional() metrics?: Metrics) {
    postgresReadiness(dataSource, readiness);
    if (metrics) postgresPoolMetrics(metrics, dataSource);
  }
}

/** Registers the `postgresql` readiness check of a data source. */
export function postgresReadiness(dataSource: DataSource, readiness: ReadinessRegistry): void {
  readiness.register('postgresql', () => answers(dataSource));
}

async function answers(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([dataSource.query('SELECT 1').then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A service's TypeORM connection (its own schema, `postgresOptions`) with its readiness probe. */
@Module({})
export class PostgresModule {
  static forRoot(options: PostgresConnectionOptions): DynamicModule {
    return {
      module: PostgresModule,
      imports: [HealthModule, TypeOrmModule.forRoot(options)],
      providers: [PostgresReadiness],
    };
  }
}
