import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { BrowserErrorPageFilter, RequestId } from '@app/http';
import { loginErrorPage } from './error-page';
import { LoginError } from './login-error';
import { loginCallbackQuery, loginStartQuery } from './login.schemas';
import { LoginService } from './login.service';

/**
 * The browser's side of an upstream login (routed by the gateway): `/login/start`, where issuance's
 * `/authorize?connection=…` sends it, and `/login/callback`, where the provider returns it. A login
 * that cannot go on gets a 400 HTML page saying why, never a 500 (a malformed query too).
 */
@Controller('login')
@UseFilters(new BrowserErrorPageFilter(loginErrorPage))
export class LoginController {
  constructor(private readonly logins: LoginService) {}

  @Get('start')
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answer(reply, async () => {
      const query = parse(loginStartQuery, request.query, 'The sign-in link is incomplete or malformed');
      return this.logins.start(query.connection, query.transaction, {
        clientId: query.client_id,
        expiresAt: query.expires,
        binding: query.binding,
      });
    });
  }

  @Get('callback')
  async callback(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
  ): Promise<void> {
    await answer(reply, async () => {
      const query = parse(loginCallbackQuery, request.query, 'The identity provider’s answer is malformed');
      return this.logins.callback(query, { correlationId: requestId });
    });
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, problem: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new LoginError(problem);
  return parsed.data;
}

/** 302 to the URL the work returns, or the error page; neither may be cached or framed. */
async function answer(reply: FastifyReply, work: () => Promise<string>): Promise<void> {
  void reply.header('cache-control', 'no-store').header('x-frame-options', 'DENY');
  let location: string;
  try {
    location = await work();
  } catch (error) {
    if (!(error instanceof LoginError)) throw error;
    await reply.status(400).type('text/html; charset=utf-8').send(loginErrorPage(error.message));
    return;
  }
  await reply.status(302).header('location', location).send();
}
