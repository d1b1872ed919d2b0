import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthParams, type RawBody } from '@app/oauth';

/**
 * Bodies reach handlers as text tagged with their media type (`RawBody`), not pre-parsed objects, so
 * that a malformed, duplicated or structured parameter is ours to answer with the documented OAuth
 * error instead of a framework 400/500.
 */
export function registerRawBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, text, done) => done(null, { kind: 'form', text: text as string } satisfies RawBody),
  );
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) =>
    done(null, { kind: 'json', text: text as string } satisfies RawBody),
  );
}

export function rawBodyOf(request: FastifyRequest): RawBody {
  const body = request.body as RawBody | undefined;
  return body && typeof body === 'object' && 'kind' in body ? body : { kind: 'none' };
}

/** The OAuth parameters of the request body (form or JSON); throws `invalid_request` when malformed. */
export const OAuthBody = createParamDecorator((_data: unknown, context: ExecutionContext): OAuthParams => {
  return OAuthParams.parse(rawBodyOf(context.switchToHttp().getRequest<FastifyRequest>()));
});

/** The request id: the caller's `x-request-id` when it is sane, otherwise one we made. */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<FastifyRequest>().id,
);
