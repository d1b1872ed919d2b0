import { Module } from '@nestjs/common';
import { ConsentModule } from '../login/consent/consent.module';
import { LoginModule } from '../login/login.module';
import { TokenModule } from '../token/token.module';
import { RevocationsConsumer } from './revocations.consumer';

/** Applies the revocation stream to issuance's refresh-token families and login sessions, and withdrawn consents. */
@Module({ imports: [TokenModule, LoginModule, ConsentModule], providers: [RevocationsConsumer] })
export class RevocationsModule {}
