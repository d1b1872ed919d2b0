import 'reflect-metadata';
import { launchService } from '@app/http';
import { migrateSchema } from '@app/persistence';
import { loadAuditConfig } from './config/audit.config';
import { auditDatabase } from './database/audit-database';
import { AuditModule } from './audit.module';

launchService({
  name: 'audit',
  loadConfig: () => loadAuditConfig(),
  prepare: (config) => migrateSchema(auditDatabase(config.DATABASE_URL)),
  module: (config) => AuditModule.forConfig(config),
});
