import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics';

/**
 * `GET /metrics` in Prometheus' text format. Like `/health`, an operator's endpoint on the service's
 * own port: the public gateway does not route it (scripts/gateway.sh, deploy/).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Res() reply: FastifyReply) {
    const { contentType, body } = await this.metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }
}
