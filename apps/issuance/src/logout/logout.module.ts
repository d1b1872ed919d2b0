import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module';
import { LookupModule } from '../lookup/lookup.module';
import { TokenModule } from '../token/token.module';
import { IdTokenHintVerifier } from './id-token-hint.verifier';
import { LogoutController } from './logout.controller';
import { LogoutService } from './logout.service';

/** `/v2/logout` and `/oidc/logout` (issue #16 §2). */
@Module({
  imports: [LookupModule, LoginModule, TokenModule],
  controllers: [LogoutController],
  providers: [LogoutService, IdTokenHintVerifier],
})
export class LogoutModule {}
