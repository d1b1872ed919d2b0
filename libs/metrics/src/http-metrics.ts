import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/** From 1 ms (a cached introspection) to 5 s (an argon2 queue at its limit). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One histogram of every answered request by method, route template and status. The route is the
 * template fastify matched (`/api/v2/users/:id`), never the path itself, which would put ids in the
 * labels; anything no route matched is `unmatched`.
 */
export function recordHttpRequests(fastify: FastifyInstance, metrics: Metrics): void {
  const requests = metrics.histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'Time from request to response, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    requests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
