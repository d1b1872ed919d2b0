import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InvalidRequestError, OAuthExceptionFilter } from '@app/oauth';

const MALFORMED = 'The request is malformed. Go back to the application and sign in again.';

/**
 * The exception filter of the browser endpoints (`/authorize`, `/u/login`, `/authorize/resume`,
 * `/login/start`, `/login/callback`): a malformed request (`invalid_request`, e.g. a `%00` in the
 * query string that `ParameterTextGuard` refused, or in the login form) is answered with the
 * service's own 400 error page, which a person can read; anything else as `OAuthExceptionFilter` does.
 */
@Catch()
export class BrowserErrorPageFilter implements ExceptionFilter {
  private readonly fallback = new OAuthExceptionFilter();

  /** `render` makes the service's error page from a message (it escapes the message itself). */
  constructor(private readonly render: (message: string) => string) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (!(exception instanceof InvalidRequestError)) {
      this.fallback.catch(exception, host);
      return;
    }
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(400)
      .headers({
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      })
      .type('text/html; charset=utf-8')
      .send(this.render(MALFORMED));
  }
}
