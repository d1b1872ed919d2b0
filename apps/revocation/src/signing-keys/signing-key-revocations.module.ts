import { Module } from '@nestjs/common';
import { RevocationsModule } from '../revocations/revocations.module';
import { SigningKeyRevocationsConsumer } from './signing-key-revocations.consumer';

@Module({ imports: [RevocationsModule], controllers: [SigningKeyRevocationsConsumer] })
export class SigningKeyRevocationsModule {}
