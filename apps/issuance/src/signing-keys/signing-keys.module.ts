import { Module } from '@nestjs/common';
import { JwksController } from './jwks.controller';
import { SigningKeyFactory } from './signing-key.factory';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [JwksController],
  providers: [SigningKeysRepository, SigningKeyFactory, SigningKeysService],
  exports: [SigningKeysService, SigningKeysRepository, SigningKeyFactory],
})
export class SigningKeysModule {}
