import { Module } from '@nestjs/common';
import { UserProfilesConsumer } from './user-profiles.consumer';
import { UserProfilesRepository } from './user-profiles.repository';

/** The user profiles issuance needs for ID-token claims, projected from account-linking's events. */
@Module({
  controllers: [UserProfilesConsumer],
  providers: [UserProfilesRepository],
  exports: [UserProfilesRepository],
})
export class UsersModule {}
