import { Module, type DynamicModule } from '@nestjs/common';
import { managementAudience } from '@app/contracts';
import { HealthModule } from '@app/http';
import { TokenVerificationModule } from '@app/jwt';
import { kafkaSecurityFrom, KafkaModule } from '@app/kafka';
import { PostgresModule } from '@app/persistence';
import { ManagementModule } from '@app/management';
import { OutboxModule } from '@app/outbox';
import { RedisModule } from '@app/redis';
import { ISSUANCE_CONFIG, type IssuanceConfig } from './config/issuance.config';
import { ISSUANCE_SCHEMA, issuanceDatabase } from './database/issuance-database';
import { DiscoveryModule } from './discovery/discovery.module';
import { ManagementApiModule } from './management-api.module';
import { SeedModule } from './seed/seed.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { LoginModule } from './login/login.module';
import { LogoutModule } from './logout/logout.module';
import { RevocationsModule } from './revocations/revocations.module';
import { TokenModule } from './token/token.module';
import { UsersModule } from './users/users.module';

/** Issuance: clients, APIs, grants, signing keys, and `/oauth/token` (DESIGN §1). */
@Module({})
export class IssuanceModule {
  static forConfig(config: IssuanceConfig): DynamicModule {
    return {
      module: IssuanceModule,
      global: true,
      imports: [
        PostgresModule.forRoot(issuanceDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: 'tessera-issuance',
          security: kafkaSecurityFrom(config),
        }),
        OutboxModule.forSchema(ISSUANCE_SCHEMA),
        // The shared opaque-token store (DESIGN §4): opaque access tokens and refresh tokens.
        RedisModule.forRoot(config.REDIS_URL),
        HealthModule,
        // Issuance verifies Management API tokens itself, with the keys it publishes: learnt from the
        // signing-keys topic like every validator, or from its own JWKS for a kid not yet seen.
        TokenVerificationModule.forRoot({
          issuer: config.TESSERA_ISSUER,
          jwksUrl: `http://127.0.0.1:${config.PORT}/.well-known/jwks.json`,
          // Its own JWKS, over loopback: no network between issuance and the keys it serves.
          jwksAllowHttp: true,
          consumerName: 'issuance',
          maxStreamLagMs: config.TESSERA_MAX_STREAM_LAG_SECONDS * 1000,
          acknowledgedPoison: config.TESSERA_ACKNOWLEDGED_POISON,
        }),
        ManagementModule.forRoot({ audience: managementAudience(config.TESSERA_ISSUER) }),
        SigningKeysModule,
        DiscoveryModule,
        SeedModule,
        UsersModule,
        LoginModule,
        LogoutModule,
        TokenModule,
        RevocationsModule,
        ManagementApiModule,
      ],
      providers: [{ provide: ISSUANCE_CONFIG, useValue: config }],
      exports: [ISSUANCE_CONFIG],
    };
  }
}
