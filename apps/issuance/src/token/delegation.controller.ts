import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody, RequestId } from '@app/http';
import { OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { TokenService } from './token.service';

/** Auth0's legacy `POST /delegation` (JSON or form), answered like the token endpoint. */
@Controller('delegation')
@UseFilters(OAuthExceptionFilter)
export class DelegationController {
  constructor(private readonly tokens: TokenService) {}

  @Post()
  @HttpCode(200)
  async delegate(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response = await this.tokens.delegate(params, authorization, { correlationId: requestId });
    void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
    return response;
  }
}
