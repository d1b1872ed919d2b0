import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import {
  createConnectionBody,
  listConnectionsQuery,
  updateConnectionBody,
  type CreateConnectionBody,
  type ListConnectionsQuery,
  type UpdateConnectionBody,
} from './connection.schemas';
import { ConnectionsService } from './connections.service';

/** Management API v2 `/api/v2/connections`. */
@ManagementController('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:connections')
  create(@ManagementBody(createConnectionBody) body: CreateConnectionBody) {
    return this.connections.create(body);
  }

  @Get()
  @RequireScopes('read:connections')
  list(@ManagementQuery(listConnectionsQuery) query: ListConnectionsQuery) {
    return this.connections.list(query);
  }

  @Get(':id')
  @RequireScopes('read:connections')
  get(@Param('id') id: string) {
    return this.connections.get(id);
  }

  @Patch(':id')
  @RequireScopes('update:connections')
  update(@Param('id') id: string, @ManagementBody(updateConnectionBody) body: UpdateConnectionBody) {
    return this.connections.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:connections')
  async delete(@Param('id') id: string): Promise<void> {
    await this.connections.delete(id);
  }
}
