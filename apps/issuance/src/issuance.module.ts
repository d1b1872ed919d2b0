import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule } from '@app/http';
import { KafkaModule } from '@app/kafka';
import { OutboxModule } from '@app/outbox';
import { ISSUANCE_CONFIG, type IssuanceConfig } from './config/issuance.config';
import { ISSUANCE_SCHEMA, issuanceDatabase } from './database/issuance-database';
import { DiscoveryModule } from './discovery/discovery.module';
import { SeedModule } from './seed/seed.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { TokenModule } from './token/token.module';

/** Issuance: clients, APIs, grants, signing keys, and `/oauth/token` (DESIGN §1). */
@Module({})
export class IssuanceModule {
  static forConfig(config: IssuanceConfig): DynamicModule {
    return {
      module: IssuanceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(issuanceDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'tessera-issuance' }),
        OutboxModule.forSchema(ISSUANCE_SCHEMA),
        HealthModule,
        SigningKeysModule,
        DiscoveryModule,
        SeedModule,
        TokenModule,
      ],
      providers: [{ provide: ISSUANCE_CONFIG, useValue: config }],
      exports: [ISSUANCE_CONFIG],
    };
  }
}
