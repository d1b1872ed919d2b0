import { Module } from '@nestjs/common';
import { BackchannelLogoutModule } from '../backchannel-logout/backchannel-logout.module';
import { ConsentModule } from '../login/consent/consent.module';
import { LoginModule } from '../login/login.module';
import { TokenModule } from '../token/token.module';
import { RevocationsConsumer } from './revocations.consumer';

/**
 * Applies the revocation stream to issuance's refresh-token families and login sessions, withdrawn
 * consents, and the back-channel logouts a session revocation calls for.
 */
@Module({
  imports: [TokenModule, LoginModule, ConsentModule, BackchannelLogoutModule],
  providers: [RevocationsConsumer],
})
export class RevocationsModule {}
