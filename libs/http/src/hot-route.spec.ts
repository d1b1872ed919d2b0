import type { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '@app/oauth';
import { registerHotRoute } from './hot-route';
import { registerRawBodyParsers } from './raw-body';

/**
 * A hot route reads its own body (hot-body.ts) instead of going through fastify's content-type
 * parser: these pin that it accepts and refuses exactly what the other routes do, with the same
 * statuses, on a real fastify instance (in-process requests, no socket).
 */
describe('registerHotRoute', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify({ bodyLimit: 200 });
    registerRawBodyParsers(fastify);
    const host = { httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost;
    registerHotRoute(host, '/echo', (params) => {
      if (params.has('fail')) return Promise.reject(new InvalidRequestError('asked to fail'));
      return Promise.resolve({ token: params.get('token') ?? null });
    });
    // The same parsing through fastify's own parsers, to compare with.
    fastify.post('/parsed', (request, reply) => reply.send({ body: request.body }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    fastify.inject({ method: 'POST', url: '/echo', payload, headers });

  it('reads a form, with or without a charset parameter', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
    ]) {
      const response = await post('token=abc', { 'content-type': type });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ token: 'abc' });
    }
  });

  it('reads JSON', async () => {
    const response = await post('{"token":"abc"}', { 'content-type': 'application/json' });
    expect(response.json()).toEqual({ token: 'abc' });
  });

  it('treats a request without a body as no parameters', async () => {
    const response = await fastify.inject({ method: 'POST', url: '/echo' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ token: null });
  });

  it('answers 415 for another media type and 413 for a body over the limit, closing the connection', async () => {
    const unsupported = await post('token=abc', { 'content-type': 'text/plain' });
    expect(unsupported.statusCode).toBe(415);
    expect(unsupported.json()).toMatchObject({ error: 'invalid_request' });
    expect(unsupported.headers.connection).toBe('close');

    const large = await post(`token=${'a'.repeat(300)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(large.statusCode).toBe(413);
    expect(large.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 for raw control characters in a form, as the content-type parser does', async () => {
    const body = Buffer.from('token=a\u0000b');
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const hot = await post(body, headers);
    const parsed = await fastify.inject({ method: 'POST', url: '/parsed', payload: body, headers });
    expect(hot.statusCode).toBe(400);
    expect(parsed.statusCode).toBe(400);
  });

  it('decodes non-UTF-8 bytes to U+FFFD rather than failing', async () => {
    const body = Buffer.concat([Buffer.from('token='), Buffer.from([0xff, 0xfe])]);
    const response = await post(body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ token: '\ufffd\ufffd' });
  });

  it("renders the handler's OAuth errors with the shared filter", async () => {
    const response = await post('fail=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'asked to fail' });
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
