import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier, revocableTokenOf, RevocationList, TokenStateGate } from '@app/jwt';
import { attachCaller } from './management-caller';
import {
  insufficientScope,
  ManagementError,
  missingScopes,
  tokenStateNotCurrent,
  unauthorized,
} from './management-error';
import {
  MANAGEMENT_API_OPTIONS,
  REQUIRED_ALL_SCOPES,
  REQUIRED_SCOPES,
  type ManagementApiOptions,
} from './management-options';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Authorises a Management API call: a Bearer JWT that we signed (AccessTokenVerifier: signature with a
 * published, unrevoked key, `iss`, `exp`), not revoked on the revocation stream, whose `aud` includes the Management API audience, carrying
 * one of the scopes the route declares with `@RequireScopes` (and every one it declares with
 * `@RequireAllScopes`).
 * 401 when the token is missing or unusable, 403 `insufficient_scope` when it lacks the scope.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly tokenState: TokenStateGate,
    @Inject(MANAGEMENT_API_OPTIONS) private readonly options: ManagementApiOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const anyOf = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    const allOf = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ALL_SCOPES, targets) ?? [];
    // Fail closed: a route that forgot to declare its scopes is callable by nobody.
    if (anyOf.length === 0 && allOf.length === 0) {
      throw new ManagementError(403, 'This operation is not available', 'operation_not_supported');
    }

    // Until the revocations are replayed a revoked Management token would pass (review #5).
    if (!this.tokenState.isOpen()) throw tokenStateNotCurrent();

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') throw unauthorized('Missing authentication');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthorized('Invalid token');

    const verified = await this.verifier.verify(token);
    if (!verified) throw unauthorized('Invalid token');
    const { aud, scope, sub, azp, client_id: clientId } = verified.claims;
    // A revoked Management token stops working here too, not only at introspection.
    if (this.revocations.isRevoked(revocableTokenOf(verified))) throw unauthorized('Invalid token');
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!audiences.includes(this.options.audience)) throw unauthorized('Bad audience');

    const scopes = new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
    if (anyOf.length > 0 && !anyOf.some((needed) => scopes.has(needed))) throw insufficientScope(anyOf);
    const missing = allOf.filter((needed) => !scopes.has(needed));
    if (missing.length > 0) throw missingScopes(missing);

    attachCaller(request, {
      sub: typeof sub === 'string' ? sub : '',
      clientId: typeof azp === 'string' ? azp : typeof clientId === 'string' ? clientId : undefined,
      scopes,
    });
    return true;
  }
}
