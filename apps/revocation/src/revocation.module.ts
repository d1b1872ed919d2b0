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
import { REVOCATION_CONFIG, type RevocationConfig } from './config/revocation.config';
import { REVOCATION_SCHEMA, revocationDatabase } from './database/revocation-database';
import { AccountsModule } from './accounts/accounts.module';
import { GrantsModule } from './grants/grants.module';
import { JanitorModule } from './janitor/janitor.module';
import { RefreshTokensModule } from './refresh-tokens/refresh-tokens.module';
import { SessionsModule } from './sessions/sessions.module';
import { RegistryModule } from './registry/registry.module';
import { RevocationsModule } from './revocations/revocations.module';
import { SigningKeyRevocationsModule } from './signing-keys/signing-key-revocations.module';

/**
 * Revocation: `/oauth/revoke` and `/api/v2/token-revocations` over a durable revocation list broadcast
 * on Kafka, fed also by `client.deleted` and `signing_key.revoked` (DESIGN §1).
 */
@Module({})
export class RevocationModule {
  static forConfig(config: RevocationConfig): DynamicModule {
    return {
      module: RevocationModule,
      global: true,
      imports: [
        HealthModule,
        PostgresModule.forRoot(revocationDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: 'tessera-revocation',
          security: kafkaSecurityFrom(config),
        }),
        RedisModule.forRoot(config.REDIS_URL),
        OutboxModule.forSchema(REVOCATION_SCHEMA),
        TokenVerificationModule.forRoot({
          issuer: config.TESSERA_ISSUER,
          ...jwksSettings(config),
          consumerName: 'revocation',
          maxStreamLagMs: config.TESSERA_MAX_STREAM_LAG_SECONDS * 1000,
          acknowledgedPoison: config.TESSERA_ACKNOWLEDGED_POISON,
        }),
        // Management API tokens are verified with the same key set (`/api/v2/token-revocations`).
        ManagementModule.forRoot({ audience: managementAudience(config.TESSERA_ISSUER) }),
        RegistryModule,
        RevocationsModule,
        SigningKeyRevocationsModule,
        AccountsModule,
        RefreshTokensModule,
        GrantsModule,
        SessionsModule,
        JanitorModule,
      ],
      providers: [{ provide: REVOCATION_CONFIG, useValue: config }],
      exports: [REVOCATION_CONFIG],
    };
  }
}
