import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module';
import { TokenModule } from '../token/token.module';
import { RevocationsConsumer } from './revocations.consumer';

/** Applies the revocation stream to issuance's refresh-token families and login sessions. */
@Module({ imports: [TokenModule, LoginModule], providers: [RevocationsConsumer] })
export class RevocationsModule {}
