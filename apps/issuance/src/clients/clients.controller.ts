import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { RequestId } from '@app/http';
import { ManagementBody, ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import {
  createClientBody,
  listClientsQuery,
  updateClientBody,
  type CreateClientBody,
  type ListClientsQuery,
  type UpdateClientBody,
} from './client.schemas';
import { ClientsManagementService } from './clients-management.service';

/** Management API v2 `/api/v2/clients`. */
@ManagementController('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsManagementService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:clients')
  create(@ManagementBody(createClientBody) body: CreateClientBody, @RequestId() requestId: string) {
    return this.clients.create(body, { correlationId: requestId });
  }

  @Get()
  @RequireScopes('read:clients', 'read:client_keys')
  list(@ManagementQuery(listClientsQuery) query: ListClientsQuery) {
    return this.clients.list(query);
  }

  @Get(':id')
  @RequireScopes('read:clients', 'read:client_keys')
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  @RequireScopes('update:clients', 'update:client_keys')
  update(
    @Param('id') id: string,
    @ManagementBody(updateClientBody) body: UpdateClientBody,
    @RequestId() requestId: string,
  ) {
    return this.clients.update(id, body, { correlationId: requestId });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:clients')
  async delete(@Param('id') id: string, @RequestId() requestId: string): Promise<void> {
    await this.clients.delete(id, { correlationId: requestId });
  }

  /** Auth0: `update:client_keys`. The new secret is in this answer and nowhere else. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScopes('update:client_keys')
  rotateSecret(@Param('id') id: string, @RequestId() requestId: string) {
    return this.clients.rotateSecret(id, { correlationId: requestId });
  }
}
