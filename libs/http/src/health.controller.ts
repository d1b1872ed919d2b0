import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

/** Liveness and readiness for launchers and orchestrators; not routed by the public gateway. */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const { ready, checks } = await this.readiness.check();
    const status = ready ? 'ready' : this.readiness.isDraining ? 'draining' : 'starting';
    return reply.status(ready ? 200 : 503).send({ status, checks });
  }
}
