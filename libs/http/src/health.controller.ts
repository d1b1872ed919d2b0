import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { consumerStatuses } from '@app/kafka';
import { ReadinessRegistry } from './readiness';

/** Liveness and readiness for launchers and orchestrators; not routed by the public gateway. */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 200 when every check holds, else 503 with `status`: `draining` (SIGTERM), `halted` (a check gave
   * a reason: an event this instance could not apply, which needs an operator — docs/events.md
   * "Dead letters") or `starting`. `consumers` has each Kafka consumer's counters (no metrics yet).
   */
  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const { ready, checks, reasons } = await this.readiness.check();
    const status = ready
      ? 'ready'
      : this.readiness.isDraining
        ? 'draining'
        : Object.keys(reasons).length > 0
          ? 'halted'
          : 'starting';
    return reply.status(ready ? 200 : 503).send({
      status,
      checks,
      ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
      consumers: consumerStatuses.all(),
    });
  }
}
