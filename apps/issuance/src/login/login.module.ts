import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LookupModule } from '../lookup/lookup.module';
import { UsersModule } from '../users/users.module';
import { AuthorizationCodesRepository } from './authorization-codes.repository';
import { AuthorizationService } from './authorization.service';
import { AuthorizeTransactionsRepository } from './authorize-transactions.repository';
import { AuthorizeController } from './authorize.controller';
import { ConsentModule } from './consent/consent.module';
import { LoginSessionsRepository } from './login-sessions.repository';
import { LoginSessionsService } from './login-sessions.service';
import { LoginTablesJanitor } from './login-tables-janitor';

/** `/authorize`, the hosted login page, login sessions and authorization codes. */
@Module({
  imports: [LookupModule, AccountsModule, UsersModule, ConsentModule],
  controllers: [AuthorizeController],
  providers: [
    AuthorizationService,
    AuthorizeTransactionsRepository,
    AuthorizationCodesRepository,
    LoginSessionsRepository,
    LoginSessionsService,
    LoginTablesJanitor,
  ],
  exports: [AuthorizationCodesRepository, LoginSessionsRepository, LoginSessionsService],
})
export class LoginModule {}
