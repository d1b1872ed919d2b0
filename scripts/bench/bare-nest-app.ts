/**
 * The yardstick every benchmark divides by: a bare NestJS-on-fastify app with one POST that parses a
 * small form body and answers ~110 bytes of JSON (reference/baselines.md §2). It has none of our code
 * (no raw-body parsers, filters, client authentication or crypto), so "ratio to bare" is the share of
 * the framework ceiling a service keeps on this machine, at this moment.
 *
 * Run as its own process (pinned by the runner): `PORT=… node dist/scripts/bench/bare-nest-app.js`.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller()
class BareTokenController {
  @Post('token')
  @HttpCode(200)
  token(@Body() body: Record<string, string | undefined>) {
    // Echo a parsed field so the body is really parsed and used, as a real endpoint would.
    return {
      access_token: 'bare-0123456789abcdef0123456789abcdef',
      token_type: 'Bearer',
      expires_in: 86400,
      grant: body.grant_type ?? 'none',
    };
  }
}

@Module({ controllers: [BareTokenController] })
class BareModule {}

async function main(): Promise<void> {
  // Nest's fastify adapter registers @fastify/formbody for urlencoded bodies by default.
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(Number(process.env.PORT ?? 3999), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(`bare app failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
