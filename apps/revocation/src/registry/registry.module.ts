import { Module } from '@nestjs/common';
import { GrantsRepository } from './grants.repository';
import { IssuedTokensRepository } from './issued-tokens.repository';
import { KnownUsersRepository } from './known-users.repository';
import { LoginSessionsRepository } from './login-sessions.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RegistryProjectionService } from './registry-projection.service';
import { UserGrantRevocationsRepository } from './user-grant-revocations.repository';

const repositories = [
  IssuedTokensRepository,
  RefreshTokensRepository,
  GrantsRepository,
  LoginSessionsRepository,
  UserGrantRevocationsRepository,
  KnownUsersRepository,
];

/** The registry of issued tokens, grants and login sessions (its consumer lives with the revocations it triggers). */
@Module({
  providers: [...repositories, RegistryProjectionService],
  exports: [...repositories, RegistryProjectionService],
})
export class RegistryModule {}
