import { Controller, Get, Module, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { originOf } from './request-origin';
import { createServiceApp } from './service-app';

@Controller('origin')
class OriginController {
  @Get()
  show(@Req() request: FastifyRequest) {
    return { ip: originOf(request).ip };
  }
}

@Module({ controllers: [OriginController] })
class TestModule {}

/** Whose X-Forwarded-For a service believes: the trusted proxies' (TESSERA_TRUSTED_PROXIES), nobody else's. */
describe('trusted proxies', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(() => app?.close());

  async function ipSeen(trustedProxies: readonly string[] | undefined, peer: string, forwardedFor?: string) {
    app = await createServiceApp(TestModule, {
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'fatal',
      trustedProxies,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const response = await app.inject({
      method: 'GET',
      url: '/origin',
      remoteAddress: peer,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    await app.close();
    app = undefined;
    return response.json<{ ip: string }>().ip;
  }

  it('believes the loopback gateway by default, and no one else', async () => {
    expect(await ipSeen(undefined, '127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(undefined, '172.30.110.10', '203.0.113.7')).toBe('172.30.110.10');
  });

  it('believes a configured gateway address or range, and ignores the header from any other peer', async () => {
    expect(await ipSeen(['172.30.110.10'], '172.30.110.10', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(['10.1.0.0/16'], '10.1.2.3', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(['172.30.110.10'], '172.30.110.11', '203.0.113.7')).toBe('172.30.110.11');
    // Loopback is no longer trusted once the list names the gateway: a local process cannot forge it.
    expect(await ipSeen(['172.30.110.10'], '127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
  });

  it('takes the address the trusted proxy saw, not one a client prepended', async () => {
    expect(await ipSeen(['172.30.110.10'], '172.30.110.10', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });
});
