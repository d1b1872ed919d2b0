import { Controller, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody } from '@app/http';
import { OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { TokenInfoService, type TokenInfo } from './tokeninfo.service';

/** Auth0's legacy `POST /tokeninfo` (JSON or form body `{id_token}`); 401 `invalid_token` for a bad token. */
@Controller()
@UseFilters(OAuthExceptionFilter)
export class TokenInfoController {
  constructor(private readonly tokenInfo: TokenInfoService) {}

  @Post('tokeninfo')
  @HttpCode(200)
  async post(
    @OAuthBody() params: OAuthParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenInfo> {
    const info = await this.tokenInfo.tokenInfo(params.require('id_token'));
    void reply.header('cache-control', 'no-store');
    return info;
  }
}
