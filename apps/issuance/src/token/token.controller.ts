import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestOrigin } from '@app/contracts';
import { OAuthBody, Origin, RequestId } from '@app/http';
import { OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { TokenService } from './token.service';

@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  /** RFC 6749 §5.1: tokens are never cached by anyone along the way. */
  @Post('token')
  @HttpCode(200)
  async token(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @RequestId() requestId: string,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response = await this.tokens.exchange(params, authorization, { correlationId: requestId, origin });
    void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
    return response;
  }
}
