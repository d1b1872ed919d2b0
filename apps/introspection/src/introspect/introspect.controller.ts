import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody } from '@app/http';
import { OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { IntrospectionCallerAuthenticator } from '../callers/introspection-caller';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';

@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class IntrospectController {
  constructor(
    private readonly callers: IntrospectionCallerAuthenticator,
    private readonly introspection: IntrospectionService,
  ) {}

  /**
   * RFC 7662 §2.1: the caller authenticates as a confidential client or with a Management API token;
   * what it may see is decided in callers/introspection-policy.ts. `token_type_hint` is accepted and
   * not needed: the token's shape tells.
   */
  @Post('introspect')
  @HttpCode(200)
  async introspect(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntrospectionResponse> {
    const caller = await this.callers.authenticate(authorization, params);
    const token = params.require('token');
    void reply.header('cache-control', 'no-store');
    return this.introspection.introspect(token, caller);
  }
}
