import { jwksSettings } from '@app/config';
import { Module, type DynamicModule } from '@nestjs/common';
import { managementAudience } from '@app/contracts';
import { HealthModule } from '@app/http';
import { TokenVerificationModule } from '@app/jwt';
import { kafkaSecurityFrom, KafkaModule } from '@app/kafka';
import { PostgresModule } from '@app/persistence';
import { ManagementModule } from '@app/management';
import { OutboxModule } from '@app/outbox';
import { RedisModule } from '@app/redis';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from './config/account-linking.config';
import { ACCOUNT_LINKING_SCHEMA, accountLinkingDatabase } from './database/account-linking-database';
import { UsersAndConnectionsModule } from './users-and-connections.module';

/** Account linking: users, connections, linked identities (DESIGN §1). */
@Module({})
export class AccountLinkingModule {
  static forConfig(config: AccountLinkingConfig): DynamicModule {
    return {
      module: AccountLinkingModule,
      global: true,
      imports: [
        HealthModule,
        PostgresModule.forRoot(accountLinkingDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: 'tessera-account-linking',
          security: kafkaSecurityFrom(config),
        }),
        OutboxModule.forSchema(ACCOUNT_LINKING_SCHEMA),
        // Brute-force counters and the suspicious-IP buckets (issue #14 §3).
        RedisModule.forRoot(config.REDIS_URL),
        // Management API tokens are verified locally with the keys learnt from the signing-keys topic.
        TokenVerificationModule.forRoot({
          issuer: config.TESSERA_ISSUER,
          ...jwksSettings(config),
          consumerName: 'account-linking',
          maxStreamLagMs: config.TESSERA_MAX_STREAM_LAG_SECONDS * 1000,
          acknowledgedPoison: config.TESSERA_ACKNOWLEDGED_POISON,
        }),
        ManagementModule.forRoot({ audience: managementAudience(config.TESSERA_ISSUER) }),
        UsersAndConnectionsModule,
      ],
      providers: [{ provide: ACCOUNT_LINKING_CONFIG, useValue: config }],
      exports: [ACCOUNT_LINKING_CONFIG],
    };
  }
}
