import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasControlCharacter } from '@app/contracts';
import { OAuthParams, type RawBody } from '@app/oauth';

const FORM = 'application/x-www-form-urlencoded';
const JSON_MEDIA_TYPE = 'application/json';

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
  // mangled client id fails authentication, each with the endpoint's documented answer. Raw control
  // bytes are another matter: no urlencoded serializer emits them (WHATWG URL §5.2) and they must not
  // reach a database (PostgreSQL refuses NUL in text), so such a form is a malformed request (400).
  for (const mediaType of [FORM, JSON_MEDIA_TYPE] as const) {
    fastify.addContentTypeParser(mediaType, { parseAs: 'buffer' }, (_req, bytes, done) => {
      try {
        done(null, rawBodyFrom(mediaType, bytes));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
}

export type BodyMediaType = typeof FORM | typeof JSON_MEDIA_TYPE;

/** The media types a body may have: the urlencoded form of RFC 6749 and JSON (Auth0 accepts both). */
export function isBodyMediaType(mediaType: string): mediaType is BodyMediaType {
  return mediaType === FORM || mediaType === JSON_MEDIA_TYPE;
}

/**
 * A received body as `RawBody`. A form with raw control characters throws (400 invalid_request);
 * JSON.parse itself refuses them inside strings (RFC 8259 §7), so JSON is checked when parsed.
 */
export function rawBodyFrom(mediaType: BodyMediaType, bytes: string | Buffer): RawBody {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (mediaType === JSON_MEDIA_TYPE) return { kind: 'json', text };
  if (hasControlCharacter(text)) throw malformedBody();
  return { kind: 'form', text };
}

/** Rendered by the global OAuthExceptionFilter as 400 `invalid_request`, like fastify's own body errors. */
function malformedBody(): Error {
  return new BadRequestException('The request body contains control characters');
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
