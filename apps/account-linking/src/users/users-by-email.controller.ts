import { Get } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { usersByEmailQuery, type UsersByEmailQuery } from './user.schemas';
import { UsersService } from './users.service';

/** Management API v2 `GET /api/v2/users-by-email?email=…`: an array, empty when nobody has it. */
@ManagementController('users-by-email')
export class UsersByEmailController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireScopes('read:users')
  find(@ManagementQuery(usersByEmailQuery) query: UsersByEmailQuery) {
    return this.users.findByEmail(query.email);
  }
}
