import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody } from '@app/http';
import { ClientAuthenticator, OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';

@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class IntrospectController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly introspection: IntrospectionService,
  ) {}

  /**
   * RFC 7662 §2.1: the caller authenticates as a client; any authenticated client may introspect any
   * token (docs/adr/0003). `token_type_hint` is accepted and not needed: the token's shape tells.
   */
  @Post('introspect')
  @HttpCode(200)
  async introspect(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntrospectionResponse> {
    await this.authenticator.authenticate(authorization, params);
    const token = params.require('token');
    void reply.header('cache-control', 'no-store');
    return this.introspection.introspect(token);
  }
}
