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
  // Read as bytes, then decoded here: with `parseAs: 'string'` fastify compares the *decoded* length
  // with Content-Length, so one raw non-UTF-8 byte became a framework 400. Invalid sequences decode to
  // U+FFFD, which no parameter we accept contains: a hostile token is then simply inactive and a
  // mangled client id fails authentication, each with the endpoint's documented answer.
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (_req, bytes, done) => done(null, { kind: 'form', text: decode(bytes) } satisfies RawBody),
  );
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, bytes, done) =>
    done(null, { kind: 'json', text: decode(bytes) } satisfies RawBody),
  );
}

function decode(bytes: string | Buffer): string {
  return typeof bytes === 'string' ? bytes : bytes.toString('utf8');
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
