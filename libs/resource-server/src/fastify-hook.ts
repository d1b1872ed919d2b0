import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizeRequest, type AuthorizeOptions } from './bearer-response';
import { attachAccessTokenClaims } from './request-claims';
import type { TesseraTokenValidator } from './tessera-token-validator';

/**
 * A Fastify `onRequest` hook (`app.addHook('onRequest', tesseraFastifyHook(validator))`, or per route
 * with `onRequest:`), answering refusals exactly as the Express middleware does.
 */
export function tesseraFastifyHook(validator: TesseraTokenValidator, options: AuthorizeOptions = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const outcome = await authorizeRequest(validator, request.headers.authorization, options);
    if (outcome.ok) {
      attachAccessTokenClaims(request, outcome.claims);
      return undefined;
    }
    // Fastify: an async hook that has sent a reply returns it, so the route handler does not run.
    return reply.code(outcome.refusal.status).headers(outcome.refusal.headers).send(outcome.refusal.body);
  };
}
