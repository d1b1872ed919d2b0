import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import { InternalCallerGuard } from '@app/http';
import { toSnapshot } from './client-events';
import { ClientsRepository } from './clients.repository';

/**
 * `GET /internal/v1/clients/{id}/credentials`: what a client authenticates with (digests and public
 * keys, never a secret), as issuance's database has it. Introspection checks a `clients.v1` event
 * against it before it lets the client authenticate (issue #20 §4): a client forged or altered on the
 * broker is never trusted from the topic alone. Internal API (docs/adr/0005): not routed by the gateway.
 */
@Controller('internal/v1/clients')
@UseGuards(InternalCallerGuard)
export class ClientCredentialsController {
  constructor(@Inject(ClientsRepository) private readonly clients: ClientsRepository) {}

  @Get(':clientId/credentials')
  async credentials(
    @Param('clientId') clientId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClientCredentialsSnapshot | { error: string; error_description: string }> {
    const client = clientId.length <= 256 ? await this.clients.findById(clientId) : null;
    if (client) return toSnapshot(client);
    // The internal API answers in OAuth's error shape (docs/adr/0005), not the Management API's.
    void reply.status(404);
    return { error: 'not_found', error_description: 'The client does not exist' };
  }
}
