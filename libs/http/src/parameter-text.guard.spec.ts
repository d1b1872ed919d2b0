import { Controller, Get, Param, Query, UseFilters, type INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserErrorPageFilter } from './browser-error-page.filter';
import { createServiceApp } from './service-app';

@Controller('api')
class ApiController {
  @Get(':id')
  get(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return { id, query };
  }
}

@Controller('page')
@UseFilters(new BrowserErrorPageFilter((message) => `<!doctype html><p>${message}</p>`))
class PageController {
  @Get()
  show(@Query() query: Record<string, unknown>) {
    return { query };
  }
}

@Module({ controllers: [ApiController, PageController] })
class TestModule {}

/** `ParameterTextGuard` as every service app has it (createServiceApp), on in-process requests. */
describe('ParameterTextGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(TestModule, { name: 'test', host: '127.0.0.1', port: 0, logLevel: 'fatal' });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => (app as INestApplication).close());

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('lets text through: tabs, non-ASCII, repeated names, undecodable escapes', async () => {
    const response = await get('/api/x%C3%B6?a=1%092&a=3&b=%F0%9F%98%80&c=%ED%A0%80');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: 'xö',
      query: { a: ['1\t2', '3'], b: '\u{1F600}', c: '%ED%A0%80' },
    });
  });

  it.each(['/api/x?a=%00', '/api/x?a=ok&a=%0A', '/api/x?%7F=1', '/api/x%00', '/api/%1Bx'])(
    '%s is 400 invalid_request, before the handler',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    },
  );

  it('a browser route answers with its error page', async () => {
    const response = await get('/page?state=%00');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.body).toMatch(/^<!doctype html><p>The request is malformed/);
  });
});
