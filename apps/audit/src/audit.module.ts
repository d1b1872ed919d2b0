import { jwksSettings } from '@app/config';
import { Module, type DynamicModule } from '@nestjs/common';
import { managementAudience } from '@app/contracts';
import { HealthModule } from '@app/http';
import { TokenVerificationModule } from '@app/jwt';
import { kafkaSecurityFrom, KafkaModule } from '@app/kafka';
import { ManagementModule } from '@app/management';
import { PostgresModule } from '@app/persistence';
import { AUDIT_CONFIG, type AuditConfig } from './config/audit.config';
import { auditDatabase } from './database/audit-database';
import { IngestionModule } from './ingestion/ingestion.module';
import { LogStreamsModule } from './log-streams/log-streams.module';
import { LogsModule } from './logs/logs.module';

/**
 * Audit: the log store fed by the audit, revocation and accounts topics, Auth0's log API over it, and
 * log streams delivered from the same topics (DESIGN §1 wave 2, issue #17). A consumer only: it
 * scales apart from issuance, which never waits for it.
 */
@Module({})
export class AuditModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      imports: [
        HealthModule,
        PostgresModule.forRoot(auditDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: 'tessera-audit',
          security: kafkaSecurityFrom(config),
        }),
        TokenVerificationModule.forRoot({
          issuer: config.TESSERA_ISSUER,
          ...jwksSettings(config),
          consumerName: 'audit',
          maxStreamLagMs: config.TESSERA_MAX_STREAM_LAG_SECONDS * 1000,
          acknowledgedPoison: config.TESSERA_ACKNOWLEDGED_POISON,
        }),
        ManagementModule.forRoot({ audience: managementAudience(config.TESSERA_ISSUER) }),
        IngestionModule,
        LogsModule,
        LogStreamsModule,
      ],
      providers: [{ provide: AUDIT_CONFIG, useValue: config }],
      exports: [AUDIT_CONFIG],
    };
  }
}
