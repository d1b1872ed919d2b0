import 'reflect-metadata';
import { launchService } from '@app/http';
import { migrateSchema } from '@app/persistence';
import { loadIssuanceConfig } from './config/issuance.config';
import { issuanceDatabase } from './database/issuance-database';
import { IssuanceModule } from './issuance.module';

launchService({
  name: 'issuance',
  loadConfig: () => loadIssuanceConfig(),
  prepare: (config) => migrateSchema(issuanceDatabase(config.DATABASE_URL)),
  module: (config) => IssuanceModule.forConfig(config),
  eventGroupPrefix: (config) => config.KAFKA_GROUP_PREFIX,
});
