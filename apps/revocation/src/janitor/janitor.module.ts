import { Module } from '@nestjs/common';
import { ExpiredRevocationsRepository } from './expired-revocations.repository';
import { RevocationJanitor } from './revocation-janitor';

/** Tombstones expired revocations on the revocation topic (issue #15 §2). */
@Module({
  providers: [ExpiredRevocationsRepository, RevocationJanitor],
  exports: [RevocationJanitor],
})
export class JanitorModule {}
