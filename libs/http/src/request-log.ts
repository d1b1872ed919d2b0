import type { FastifyInstance } from 'fastify';
import type { Logger as Pino } from 'pino';

/**
 * One line per answered request (issue #18 §2): request id (which is also the correlation id of the
 * events the request causes), method, route template, path without its query, status and latency.
 * Never the query, headers or body: those carry codes, tokens and secrets. Written at `info`, so
 * `LOG_LEVEL=warn` (the benchmarks) turns it off.
 */
export function logRequests(fastify: FastifyInstance, logger: Pino): void {
  const requests = logger.child({ context: 'http' });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (requests.isLevelEnabled('info')) {
      const queryAt = request.url.indexOf('?');
      requests.info(
        {
          request_id: request.id,
          correlation_id: request.id,
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
    done();
  });
}
