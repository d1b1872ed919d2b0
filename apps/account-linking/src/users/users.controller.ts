import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementBody,
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { readOptionsFor } from './read-options';
import {
  createUserBody,
  listUsersQuery,
  updateUserBody,
  type CreateUserBody,
  type ListUsersQuery,
  type UpdateUserBody,
} from './user.schemas';
import { UsersService } from './users.service';

/** Management API v2 `/api/v2/users`; `{id}` is the URL-encoded user id, e.g. `auth0%7C…`. */
@ManagementController('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:users')
  create(@ManagementBody(createUserBody) body: CreateUserBody, @RequestId() requestId: string) {
    return this.users.create(body, { correlationId: requestId });
  }

  @Get()
  @RequireScopes('read:users')
  list(
    @ManagementQuery(listUsersQuery) query: ListUsersQuery,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ) {
    return this.users.list(query, readOptionsFor(caller, { correlationId: requestId }));
  }

  @Get(':id')
  @RequireScopes('read:users')
  get(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ) {
    return this.users.get(id, readOptionsFor(caller, { correlationId: requestId }));
  }

  @Patch(':id')
  @RequireScopes('update:users')
  update(
    @Param('id') id: string,
    @ManagementBody(updateUserBody) body: UpdateUserBody,
    @RequestId() requestId: string,
  ) {
    return this.users.update(id, body, { correlationId: requestId });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:users')
  async delete(@Param('id') id: string, @RequestId() requestId: string): Promise<void> {
    await this.users.delete(id, { correlationId: requestId });
  }
}
