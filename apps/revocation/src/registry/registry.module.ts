import { Module } from '@nestjs/common';
import { IssuedTokensConsumer } from './issued-tokens.consumer';
import { IssuedTokensRepository } from './issued-tokens.repository';

@Module({ providers: [IssuedTokensRepository, IssuedTokensConsumer], exports: [IssuedTokensRepository] })
export class RegistryModule {}
