import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { checkParameterRecord } from '@app/oauth';

/**
 * Refuses a request whose query string or path parameters hold a control character or an unpaired
 * surrogate (`isParameterText`, RFC 6749 Appendix A), once for every route of every service, before
 * any handler can hand such a value to PostgreSQL (`%00` in `?client_id=` or `/clients/{id}` was a
 * 500). Bodies are checked where they are parsed (`OAuthParams`, `parseManagementBody`).
 *
 * A global guard rather than a fastify hook: what a guard throws reaches the route's own exception
 * filter, so each surface answers in its shape (`InvalidCharacterError`: `invalid_request`, the
 * Management API's `invalid_query_string` / `invalid_uri`, the login error page). It runs before the
 * routes' guards: a malformed request is refused before authentication, like a malformed body.
 * The hot routes (`registerHotRoute`) bypass Nest and read only their body.
 */
@Injectable()
export class ParameterTextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    checkParameterRecord(request.params, 'path');
    checkParameterRecord(request.query, 'query');
    return true;
  }
}
