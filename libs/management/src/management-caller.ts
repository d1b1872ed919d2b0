import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who called a Management API route, as the verified token says. */
export interface ManagementCallerInfo {
  /** `{client_id}@clients` for client-credentials tokens. */
  readonly sub: string;
  /** The client the token was issued to (`azp`, or `client_id` in RFC 9068 tokens). */
  readonly clientId: string | undefined;
  readonly scopes: ReadonlySet<string>;
}

const CALLER = Symbol('managementCaller');

export function attachCaller(request: FastifyRequest, caller: ManagementCallerInfo): void {
  (request as unknown as Record<symbol, ManagementCallerInfo>)[CALLER] = caller;
}

export function callerOf(request: FastifyRequest): ManagementCallerInfo | undefined {
  return (request as unknown as Record<symbol, ManagementCallerInfo | undefined>)[CALLER];
}

/** `@ManagementCaller() caller: ManagementCallerInfo` — set by ManagementAuthGuard. */
export const ManagementCaller = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  callerOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
