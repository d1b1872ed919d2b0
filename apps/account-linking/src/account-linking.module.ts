import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule } from '@app/http';
import { KafkaModule } from '@app/kafka';
import { OutboxModule } from '@app/outbox';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from './config/account-linking.config';
import { ACCOUNT_LINKING_SCHEMA, accountLinkingDatabase } from './database/account-linking-database';

/**
 * Account linking: users, connections, linked identities (DESIGN §1). This is the service's frame —
 * its schema, outbox and health; its endpoints are the Account-linking issue (#6).
 */
@Module({})
export class AccountLinkingModule {
  static forConfig(config: AccountLinkingConfig): DynamicModule {
    return {
      module: AccountLinkingModule,
      global: true,
      imports: [
        HealthModule,
        TypeOrmModule.forRoot(accountLinkingDatabase(config.DATABASE_URL)),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'tessera-account-linking' }),
        OutboxModule.forSchema(ACCOUNT_LINKING_SCHEMA),
      ],
      providers: [{ provide: ACCOUNT_LINKING_CONFIG, useValue: config }],
      exports: [ACCOUNT_LINKING_CONFIG],
    };
  }
}
