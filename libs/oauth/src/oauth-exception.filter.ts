import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './oauth-errors';

/**
 * Renders every failure of an OAuth endpoint as an RFC 6749 §5.2 body. Expected errors keep their
 * code; anything unexpected becomes `server_error` with no detail for the caller and the request id in
 * the log (CONVENTIONS §4), never a stack trace in the response.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const rendered = this.render(exception, request);
    const { status, headers } = rendered;
    // The Management API answers in its own shape, also for what fails before a route is found
    // (unknown path, oversized or unparsable body): Auth0's SDKs parse that shape on /api/v2.
    const body = isManagementPath(request.url)
      ? managementBody(status, rendered.body.error_description)
      : rendered.body;
    void reply
      .status(status)
      .headers({ ...headers, 'cache-control': 'no-store', pragma: 'no-cache' })
      .type('application/json')
      .send(body);
  }

  private render(exception: unknown, request: FastifyRequest) {
    if (exception instanceof OAuthError) {
      return {
        status: exception.status,
        headers: exception.headers,
        body: { error: exception.error, error_description: exception.description },
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const error = status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : 'invalid_request';
      return { status, headers: {}, body: { error, error_description: httpDescription(status) } };
    }
    this.logger.error(
      `server_error on ${request.method} ${request.routeOptions.url ?? '?'} request_id=${request.id}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      status: 500,
      headers: {},
      body: { error: 'server_error', error_description: `Internal error (request id ${request.id})` },
    };
  }
}

function httpDescription(status: number): string {
  switch (status) {
    case 404:
      return 'Not found';
    case 405:
      return 'Method not allowed';
    case 413:
      return 'Request body too large';
    case 415:
      return 'Unsupported content type: use application/x-www-form-urlencoded or application/json';
    default:
      return 'Bad request';
  }
}

const MANAGEMENT_ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'invalid_body',
  404: 'inexistent_path',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** A request to the Management API (`/api/v2…`), which answers in Auth0's Management error shape. */
export function isManagementPath(url: string): boolean {
  return url === '/api/v2' || url.startsWith('/api/v2/') || url.startsWith('/api/v2?');
}

/** Auth0's Management API error body: `{statusCode, error, message, errorCode}`. */
function managementBody(status: number, message: string) {
  return {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    errorCode: MANAGEMENT_ERROR_CODES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'),
  };
}
