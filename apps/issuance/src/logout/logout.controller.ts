import { Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserErrorPageFilter, OAuthBody, originOf, RequestId } from '@app/http';
import type { OAuthParams } from '@app/oauth';
import { sendBrowserOutcome } from '../browser/browser-reply';
import { renderLogoutErrorPage } from './logout-page';
import { logoutParamsOfBody, logoutParamsOfQuery } from './logout-params';
import { LogoutService, OIDC_LOGOUT_PARAMETERS, type LogoutBrowser } from './logout.service';

/**
 * `GET /v2/logout` (Auth0) and `GET`/`POST /oidc/logout` (OIDC RP-Initiated Logout 1.0). Browser
 * endpoints: a bad request gets an error page (400), never a redirect; pages are never cached or framed.
 */
@Controller()
@UseFilters(new BrowserErrorPageFilter(renderLogoutErrorPage))
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @Get('v2/logout')
  async auth0Logout(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(
      reply,
      await this.logout.auth0Logout(logoutParamsOfQuery(query), browserOf(request, requestId)),
    );
  }

  @Get('oidc/logout')
  async oidcLogoutByGet(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(
      reply,
      await this.logout.oidcLogout(logoutParamsOfQuery(query), browserOf(request, requestId)),
    );
  }

  /** RP-Initiated Logout §2: POST with a form body; also the confirmation form's target. */
  @Post('oidc/logout')
  async oidcLogoutByPost(
    @OAuthBody() body: OAuthParams,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    const params = logoutParamsOfBody(body, OIDC_LOGOUT_PARAMETERS);
    sendBrowserOutcome(reply, await this.logout.oidcLogout(params, browserOf(request, requestId)));
  }
}

function browserOf(request: FastifyRequest, correlationId: string): LogoutBrowser {
  return { cookieHeader: request.headers.cookie, context: { correlationId, origin: originOf(request) } };
}
