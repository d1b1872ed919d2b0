import type { MixedList, EntitySchema } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { QueryErrorLogger } from './query-error-logger';

export interface ServiceDatabase {
  readonly url: string;
  /** Each service owns one schema (DESIGN §1): `issuance`, `revocation`, `account_linking`. */
  readonly schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolSize?: number;
}

/** TypeORM options for one service's schema. Migrations are checked in; `synchronize` is never used. */
export function postgresOptions(database: ServiceDatabase): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: database.url,
    schema: database.schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn'],
    logger: new QueryErrorLogger(database.schema),
    extra: { max: database.poolSize ?? 10, connectionTimeoutMillis: 5000 },
    applicationName: `tessera-${database.schema}`,
  };
}
