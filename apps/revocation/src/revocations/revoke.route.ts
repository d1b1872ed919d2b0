import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { registerHotRoute } from '@app/http';
import { ClientAuthenticator } from '@app/oauth';
import { PresentedTokenRevocations } from './presented-token-revocations.service';

/**
 * `POST /oauth/revoke` (RFC 7009), a hot route (libs/http `registerHotRoute`): registered on fastify
 * directly, with the same parsing, parameter rules and error filter as every endpoint.
 *
 * Authenticate the client, then revoke. 200 with an empty body for every token, known or not
 * (§2.2), and only once the revocation is committed. `token_type_hint` is accepted and, as §2.1
 * allows, not needed: we find out what the token is ourselves.
 */
@Injectable()
export class RevokeRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: ClientAuthenticator,
    private readonly revocations: PresentedTokenRevocations,
  ) {}

  onModuleInit(): void {
    registerHotRoute(this.adapterHost, '/oauth/revoke', async (params, request, reply) => {
      const caller = await this.authenticator.authenticate(request.headers.authorization, params);
      const token = params.require('token');
      await this.revocations.revoke(caller, token, { correlationId: request.id });
      return reply.header('cache-control', 'no-store').code(200).send();
    });
  }
}
