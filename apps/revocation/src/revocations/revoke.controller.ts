import { Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthBody, RequestId } from '@app/http';
import { ClientAuthenticator, OAuthExceptionFilter, type OAuthParams } from '@app/oauth';
import { PresentedTokenRevocations } from './presented-token-revocations.service';

@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class RevokeController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly revocations: PresentedTokenRevocations,
  ) {}

  /**
   * RFC 7009: authenticate the client, then revoke. 200 with an empty body for every token, known or
   * not (§2.2), and only once the revocation is committed. `token_type_hint` is accepted and, as
   * §2.1 allows, not needed: we find out what the token is ourselves.
   */
  @Post('revoke')
  @HttpCode(200)
  async revoke(
    @OAuthBody() params: OAuthParams,
    @Headers('authorization') authorization: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const caller = await this.authenticator.authenticate(authorization, params);
    const token = params.require('token');
    await this.revocations.revoke(caller, token, { correlationId: requestId });
    void reply.header('cache-control', 'no-store');
  }
}
