import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody } from '@app/http';
import { OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { IntrospectionCallerAuthenticator } from '../callers/introspection-caller';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';
import { INTROSPECTION_JWT_MEDIA_TYPE, SignedIntrospection, wantsSignedAnswer } from './signed-introspection';

@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class IntrospectController {
  constructor(
    private readonly callers: IntrospectionCallerAuthenticator,
    private readonly introspection: IntrospectionService,
    private readonly signed: SignedIntrospection,
  ) {}

  /**
   * RFC 7662 §2.1: the caller authenticates as a confidential client or with a Management API token;
   * what it may see is decided in callers/introspection-policy.ts. `token_type_hint` is accepted and
   * not needed: the token's shape tells. With `Accept: application/token-introspection+jwt` the
   * answer is the same, signed (RFC 9701).
   */
  @Post('introspect')
  @HttpCode(200)
  async introspect(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntrospectionResponse | string> {
    const caller = await this.callers.authenticate(authorization, params);
    const token = params.require('token');
    const answer = await this.introspection.introspect(token, caller);
    void reply.header('cache-control', 'no-store');
    if (!wantsSignedAnswer(accept)) return answer;
    const jwt = this.signed.sign(answer, caller.clientId);
    void reply.type(INTROSPECTION_JWT_MEDIA_TYPE);
    return jwt;
  }
}
