import { Get } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { readOptionsFor } from './read-options';
import { usersByEmailQuery, type UsersByEmailQuery } from './user.schemas';
import { UsersService } from './users.service';

/** Management API v2 `GET /api/v2/users-by-email?email=…`: an array, empty when nobody has it. */
@ManagementController('users-by-email')
export class UsersByEmailController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireScopes('read:users')
  find(
    @ManagementQuery(usersByEmailQuery) query: UsersByEmailQuery,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ) {
    return this.users.findByEmail(query.email, readOptionsFor(caller, { correlationId: requestId }));
  }
}
