import { Module } from '@nestjs/common';
import { RevocationsModule } from '../revocations/revocations.module';
import { SigningKeyRevocationsConsumer } from './signing-key-revocations.consumer';

@Module({ imports: [RevocationsModule], providers: [SigningKeyRevocationsConsumer] })
export class SigningKeyRevocationsModule {}
