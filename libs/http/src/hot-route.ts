import type { HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthExceptionFilter, OAuthParams } from '@app/oauth';
import { rawBodyOf } from './raw-body';

/** Handles one request of a hot route: its parsed OAuth parameters, and fastify's request and reply. */
export type HotRouteHandler = (
  params: OAuthParams,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

/**
 * Registers a `POST` endpoint on fastify directly rather than as a Nest controller: for the hottest
 * routes there are (`/oauth/introspect`, `/oauth/revoke`; DESIGN §1), where Nest's per-request
 * routing pipeline (execution context, parameter decorators, filter lookup) is a measurable share of
 * the request. Everything else is as for the other endpoints: the same raw-body parsing and parameter
 * rules (`OAuthParams`), and errors rendered by the same `OAuthExceptionFilter`. The handler answers
 * with what it returns (fastify serializes it) or sends the reply itself.
 */
export function registerHotRoute(adapterHost: HttpAdapterHost, path: string, handle: HotRouteHandler): void {
  const errors = new OAuthExceptionFilter();
  const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
  fastify.post(path, async (request, reply) => {
    try {
      return await handle(OAuthParams.parse(rawBodyOf(request)), request, reply);
    } catch (error) {
      errors.catch(error, new ExecutionContextHost([request, reply]));
      return reply;
    }
  });
}
