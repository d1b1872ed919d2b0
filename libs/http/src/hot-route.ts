import type { HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthExceptionFilter, OAuthParams, type RawBody } from '@app/oauth';
import { readHotBody } from './hot-body';

/** Handles one request of a hot route: its parsed OAuth parameters, and fastify's request and reply. */
export type HotRouteHandler = (
  params: OAuthParams,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

/**
 * Registers a `POST` endpoint on fastify directly rather than as a Nest controller: for the hottest
 * routes there are (`/oauth/introspect`, `/oauth/revoke`; DESIGN §1), where Nest's per-request
 * routing pipeline (execution context, parameter decorators, filter lookup) and fastify's body
 * parsing are a measurable share of the request. The request is answered from the route's
 * `onRequest` hook, which fastify lets a hook do: the body is read by `readHotBody` (same limits, same
 * `RawBody`, same errors as the content-type parsers of the other routes), the parameters follow the
 * same rules (`OAuthParams`), and errors are rendered by the same `OAuthExceptionFilter`. fastify's
 * own hooks before it (request id, Nest's onRequest hooks) and after it (onSend, onResponse) still
 * run. The handler answers with what it returns (fastify serializes it) or sends the reply itself.
 */
export function registerHotRoute(adapterHost: HttpAdapterHost, path: string, handle: HotRouteHandler): void {
  const errors = new OAuthExceptionFilter();
  const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
  const fail = (error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    errors.catch(error, new ExecutionContextHost([request, reply]));
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    let body: RawBody;
    try {
      body = await readHotBody(request);
    } catch (error) {
      // As fastify does after a body error: the client may still be sending, so don't reuse the connection.
      void reply.header('connection', 'close');
      fail(error, request, reply);
      return;
    }
    try {
      const result = await handle(OAuthParams.parse(body), request, reply);
      if (!reply.sent) await reply.send(result);
    } catch (error) {
      fail(error, request, reply);
    }
  };
  fastify.route({
    method: 'POST',
    url: path,
    // A callback-style hook that never calls `done` ends fastify's lifecycle here: the reply is ours.
    onRequest: (request, reply, done) => {
      answer(request, reply).catch(done);
    },
    // Never reached: the onRequest hook above always answers.
    handler: (_request, reply) => reply,
  });
}
