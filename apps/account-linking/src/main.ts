import 'reflect-metadata';
import { launchService } from '@app/http';
import { migrateSchema } from '@app/persistence';
import { accountLinkingDatabase } from './database/account-linking-database';
import { loadAccountLinkingConfig } from './config/account-linking.config';
import { AccountLinkingModule } from './account-linking.module';

launchService({
  name: 'account-linking',
  loadConfig: () => loadAccountLinkingConfig(),
  prepare: (config) => migrateSchema(accountLinkingDatabase(config.DATABASE_URL)),
  module: (config) => AccountLinkingModule.forConfig(config),
});
