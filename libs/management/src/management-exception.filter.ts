import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidCharacterError } from '@app/oauth';
import { invalidBody, invalidQueryString, invalidPathParameter, ManagementError } from './management-error';

/**
 * Renders every failure of a Management API route as `{statusCode, error, message, errorCode}`.
 * Expected errors keep their status and code; anything unexpected is a 500 whose only detail is the
 * request id, with the stack trace in the log (CONVENTIONS §4).
 */
@Catch()
export class ManagementExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ManagementApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = this.toManagementError(exception, request);
    void reply
      .status(error.statusCode)
      .headers({ ...error.headers, 'cache-control': 'no-store' })
      .type('application/json')
      .send(error.toBody());
  }

  private toManagementError(exception: unknown, request: FastifyRequest): ManagementError {
    if (exception instanceof ManagementError) return exception;
    if (exception instanceof InvalidCharacterError) return characterError(exception);
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      // Framework errors (unknown route, body too large…): same shape, the reason phrase as message.
      const status = exception.getStatus();
      return new ManagementError(status, STATUS_CODES[status] ?? 'Error');
    }
    this.logger.error(
      `internal error on ${request.method} ${request.routeOptions.url ?? '?'} request_id=${request.id}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return new ManagementError(500, `Internal error (request id ${request.id})`);
  }
}

/** A query string, path or body that `ParameterTextGuard` or the body parser refused, as Auth0 names each. */
function characterError(error: InvalidCharacterError): ManagementError {
  const problem = `'Text must not contain control characters or unpaired surrogates'.`;
  switch (error.location) {
    case 'query':
      return invalidQueryString(problem);
    case 'path':
      return invalidPathParameter(problem);
    case 'body':
      return invalidBody(problem);
  }
}
