import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RawBody } from '@app/oauth';
import { isBodyMediaType, rawBodyFrom, type BodyMediaType } from './raw-body';

/**
 * Reads a hot route's body (`registerHotRoute`) straight from the request stream, as fastify's
 * content-type parser would, with the same limits and the same errors for what it refuses: too
 * large (413), a length that differs from Content-Length (400), a media type other than a form or
 * JSON (415), as the Nest exceptions the OAuth filter renders for them. Resolves to the same `RawBody` as `registerRawBodyParsers` gives other routes.
 *
 * Why not fastify's parser: on Node 20 it wraps every request's callback in `AsyncResource.bind`,
 * which builds two deprecation wrappers per call (DEP0172), about 28 µs a request here, a sixth of
 * an introspection (docs/benchmarks.md). The hot routes use no async context, so they skip it.
 * fastify 5.12.5 calls `runInAsyncScope` instead, but `@nestjs/platform-fastify` 11 pins 5.11.3:
 * on a fastify with that fix, the hot routes can go back to the content-type parsers.
 */
export function readHotBody(request: FastifyRequest): Promise<RawBody> {
  const stream = request.raw;
  const headers = stream.headers;
  const contentType = headers['content-type'];
  if (contentType === undefined && hasNoBody(headers)) return Promise.resolve({ kind: 'none' });
  const given = mediaTypeOf(contentType ?? '');
  if (!isBodyMediaType(given)) {
    return Promise.reject(new UnsupportedMediaTypeException());
  }
  const mediaType: BodyMediaType = given;
  const limit = request.routeOptions.bodyLimit;
  const declaredLength = Number(headers['content-length']);
  if (declaredLength > limit) return Promise.reject(new PayloadTooLargeException());

  return new Promise<RawBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stopListening = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > limit) {
        stopListening();
        reject(new PayloadTooLargeException());
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      stopListening();
      if (!Number.isNaN(declaredLength) && received !== declaredLength) {
        reject(new BadRequestException('Content-Length does not match the body'));
        return;
      }
      try {
        resolve(rawBodyFrom(mediaType, joined(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    function onError() {
      stopListening();
      // A broken upload (e.g. the client went away mid-body) is the client's fault, as in fastify.
      reject(new BadRequestException('The request body could not be read'));
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** fastify's rule: no Transfer-Encoding and no (or a zero) Content-Length means no body. */
function hasNoBody(headers: IncomingHttpHeaders): boolean {
  const contentLength = headers['content-length'];
  return headers['transfer-encoding'] === undefined && (contentLength === undefined || contentLength === '0');
}

/** `type/subtype` of a Content-Type, without parameters, lower-cased (RFC 9110 §8.3.1). */
function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
