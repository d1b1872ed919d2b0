import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestOrigin, type RequestOrigin } from '@app/contracts';

/** The request's origin for audit events: where it came from and its bounded `User-Agent`. */
export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  // `request.ip` honours X-Forwarded-For only from a trusted proxy (TESSERA_TRUSTED_PROXIES, service-app.ts).
  return requestOrigin(request.ip, typeof userAgent === 'string' ? userAgent : undefined);
}

/** Parameter decorator: the request's `RequestOrigin`, so business code never sees the raw request. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin =>
  originOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
