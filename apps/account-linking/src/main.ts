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
  // User ids reach 320 characters (`oidc|<connection>|<sub>`, a sub being up to 255), URL-encoded in
  // paths: fastify's default of 100 would answer 414 where Auth0 answers the user or 404/400.
  maxParamLength: 1024,
});
