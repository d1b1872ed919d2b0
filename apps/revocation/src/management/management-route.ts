import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EventContext } from '@app/contracts';
import { callerOf } from '@app/management';
import { adminSubOf, pathId } from './management-params';

/**
 * Who acts through a Management API route, and in which request: the admin the revocation events name
 * (`revoked_by`) and the correlation id they carry. Every revoking route needs both.
 */
export interface AdminAction {
  readonly adminSub: string;
  readonly context: EventContext;
}

/** `@Admin() admin: AdminAction` — the caller (set by ManagementAuthGuard) and the request id. */
export const Admin = createParamDecorator((_data: unknown, context: ExecutionContext): AdminAction => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const caller = callerOf(request) ?? { sub: '', clientId: undefined };
  return { adminSub: adminSubOf(caller), context: { correlationId: request.id } };
});

const ValidatedPathId = createParamDecorator(
  ({ param, property }: { param: string; property: string }, context: ExecutionContext): string => {
    const params = context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>;
    return pathId(params[param] ?? '', property);
  },
);

/**
 * `@PathId('userId', 'user_id') userId: string` — a path parameter that must be an id (Auth0's 400
 * `invalid_uri` otherwise), named in errors as Auth0 names the property.
 */
export function PathId(param: string, property = param): ParameterDecorator {
  return ValidatedPathId({ param, property });
}
