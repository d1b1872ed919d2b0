import { Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserErrorPageFilter, OAuthBody, originOf, RequestId } from '@app/http';
import type { OAuthParams } from '@app/oauth';
import { sendBrowserOutcome } from '../browser/browser-reply';
import { AuthorizationService, type BrowserContext } from './authorization.service';
import { renderErrorPage } from './login-page';

/**
 * Browser endpoints: `/authorize`, the hosted login page `/u/login`, its consent page `/u/consent`, and `/authorize/resume` (back from
 * an upstream provider). Pages are never cached, never framed (clickjacking) and leak no referrer.
 * A malformed request (e.g. a `%00` in the query or the form) gets the error page.
 */
@Controller()
@UseFilters(new BrowserErrorPageFilter(renderErrorPage))
export class AuthorizeController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get('authorize')
  async authorize(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(reply, await this.authorization.authorize(query, browserOf(request, requestId)));
  }

  @Get('authorize/resume')
  async resume(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(reply, await this.authorization.resume(query, browserOf(request, requestId)));
  }

  @Get('u/login')
  async loginPage(
    @Query('state') state: unknown,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    const transactionId = typeof state === 'string' ? state : undefined;
    sendBrowserOutcome(
      reply,
      await this.authorization.showLogin(transactionId, browserOf(request, requestId)),
    );
  }

  @Post('u/login')
  async login(
    @OAuthBody() params: OAuthParams,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(reply, await this.authorization.submitLogin(params, browserOf(request, requestId)));
  }

  /** The consent page of a third-party client (`is_first_party: false`). */
  @Get('u/consent')
  async consentPage(
    @Query('state') state: unknown,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    const promptId = typeof state === 'string' ? state : undefined;
    sendBrowserOutcome(reply, await this.authorization.showConsent(promptId, browserOf(request, requestId)));
  }

  @Post('u/consent')
  async consent(
    @OAuthBody() params: OAuthParams,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    sendBrowserOutcome(reply, await this.authorization.submitConsent(params, browserOf(request, requestId)));
  }
}

/** Every browser step may start a login session (the login form, or the return from a provider). */
function browserOf(request: FastifyRequest, correlationId: string): BrowserContext {
  return { cookieHeader: request.headers.cookie, correlationId, origin: originOf(request) };
}
