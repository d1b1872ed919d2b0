import { Controller, Get, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthExceptionFilter } from '@app/oauth';
import { bearerTokenOf } from '../callers/bearer-errors';
import { UserInfoService, type UserInfo } from './userinfo.service';

/**
 * OIDC Core §5.3 UserInfo, on GET and POST alike; the access token comes in the `Authorization: Bearer`
 * header (RFC 6750 §2.1, the one method every server must support). Failures are RFC 6750 errors with
 * a `WWW-Authenticate: Bearer error="…"` challenge, which Auth0's SDKs read.
 */
@Controller()
@UseFilters(OAuthExceptionFilter)
export class UserInfoController {
  constructor(private readonly userInfo: UserInfoService) {}

  @Get('userinfo')
  get(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserInfo> {
    return this.answer(authorization, reply);
  }

  @Post('userinfo')
  @HttpCode(200)
  post(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserInfo> {
    return this.answer(authorization, reply);
  }

  private async answer(authorization: string | undefined, reply: FastifyReply): Promise<UserInfo> {
    const info = await this.userInfo.userInfo(bearerTokenOf(authorization));
    void reply.header('cache-control', 'no-store');
    return info;
  }
}
