import 'reflect-metadata';
import { launchService } from '@app/http';
import { migrateSchema } from '@app/persistence';
import { loadRevocationConfig } from './config/revocation.config';
import { revocationDatabase } from './database/revocation-database';
import { RevocationModule } from './revocation.module';

launchService({
  name: 'revocation',
  loadConfig: () => loadRevocationConfig(),
  prepare: (config) => migrateSchema(revocationDatabase(config.DATABASE_URL)),
  module: (config) => RevocationModule.forConfig(config),
  eventGroupPrefix: (config) => config.KAFKA_GROUP_PREFIX,
});
