import { STATUS_CODES } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isManagementPath } from '@app/oauth';

const logger = new Logger('Router');

/** What the router refused before any route (or Nest filter) saw the request. */
interface RouterRefusal {
  readonly status: number;
  /** The OAuth `error_description` and, after "Path validation error: ", the Management `message`. */
  readonly description: string;
}

/**
 * fastify's `frameworkErrors`: the router's own refusals — a path that is not valid percent-encoded
 * UTF-8 (`FST_ERR_BAD_URL`), a path parameter over `maxParamLength` (`FST_ERR_MAX_PARAM_LENGTH`) —
 * answered in the service's documented error shape, as an unknown path is: Auth0's Management body
 * under `/api/v2`, an RFC 6749 §5.2 body elsewhere. fastify's default body quotes the path back; these
 * name the problem only, never the input.
 */
export function answerRouterRefusal(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const refusal = routerRefusal(error, request);
  const body = isManagementPath(request.url)
    ? {
        statusCode: refusal.status,
        error: STATUS_CODES[refusal.status] ?? 'Error',
        message:
          refusal.status === 500 ? refusal.description : `Path validation error: ${refusal.description}`,
        errorCode: refusal.status === 500 ? 'server_error' : 'invalid_uri',
      }
    : {
        error: refusal.status === 500 ? 'server_error' : 'invalid_request',
        error_description: refusal.description,
      };
  void reply
    .status(refusal.status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .type('application/json')
    .send(body);
}

function routerRefusal(error: FastifyError, request: FastifyRequest): RouterRefusal {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return { status: 400, description: 'The path is not valid percent-encoded UTF-8' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // 414 URI Too Long, as fastify answers it (a longer limit is a service's `maxParamLength`).
      return { status: 414, description: 'A path segment is too long' };
    default:
      // Async route constraints, which no service uses: a fault of ours, not the caller's.
      logger.error(`router error ${error.code} request_id=${request.id}`);
      return { status: 500, description: `Internal error (request id ${request.id})` };
  }
}
