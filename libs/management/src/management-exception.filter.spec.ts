import { Controller, Get, Module, Param, Post, Query, UseFilters } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServiceApp } from '@app/http';
import { ManagementBody } from './management-body';
import { ManagementExceptionFilter } from './management-exception.filter';

@Controller('api/v2/things')
@UseFilters(ManagementExceptionFilter)
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string, @Query() query: unknown) {
    return { id, query };
  }

  @Post()
  create(@ManagementBody(z.object({}).passthrough()) body: unknown) {
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class TestModule {}

/** What `ParameterTextGuard` and the body parser refuse, in Auth0's Management shape with Auth0's codes. */
describe('ManagementExceptionFilter and refused characters', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(TestModule, { name: 'test', host: '127.0.0.1', port: 0, logLevel: 'fatal' });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it.each([
    ['GET', '/api/v2/things/x?q=%00', undefined, 'invalid_query_string', /^Query validation error: /],
    ['GET', '/api/v2/things/x%00', undefined, 'invalid_uri', /^Path validation error: /],
    [
      'POST',
      '/api/v2/things',
      '{"a":"\\ud800"}',
      'invalid_body',
      /^Payload validation error: .* on property a\.$/,
    ],
  ])('%s %s is a 400 %s', async (method, url, payload, errorCode, message) => {
    const response = await app.inject({
      method: method as 'GET' | 'POST',
      url,
      ...(payload ? { payload, headers: { 'content-type': 'application/json' } } : {}),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(message),
      errorCode,
    });
  });
});
