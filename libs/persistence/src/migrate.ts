import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * Creates the service's schema and runs its pending migrations, under a PostgreSQL advisory lock so
 * that several instances starting at once (or `npm run infra:up` beside a running service) take turns.
 */
export async function migrateSchema(options: PostgresConnectionOptions): Promise<string[]> {
  const schema = options.schema;
  if (!schema || !/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema name ${String(schema)}`);
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`tessera:migrations:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`tessera:migrations:${schema}`])
      .catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
