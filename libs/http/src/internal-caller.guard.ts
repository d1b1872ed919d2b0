import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessDeniedError, InvalidClientError } from '@app/oauth';
import { sha256Hex } from '@app/secrets';

/** The shared secret of the internal API (`TESSERA_INTERNAL_TOKEN`), or null: each service provides it. */
export const INTERNAL_API_TOKEN = Symbol('INTERNAL_API_TOKEN');

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Admits callers of the internal APIs (`/internal/v1/…` of account-linking and issuance;
 * docs/adr/0005-internal-api.md). With `TESSERA_INTERNAL_TOKEN`
 * set, the caller presents it as a Bearer token (compared in constant time). Without it, only a
 * loopback peer that did not come through a proxy: the gateway also runs on loopback, so a request
 * carrying forwarding headers is refused even though its socket is local.
 */
@Injectable()
export class InternalCallerGuard implements CanActivate {
  private readonly tokenDigest: Buffer | null;

  constructor(@Inject(INTERNAL_API_TOKEN) token: string | null) {
    this.tokenDigest = token === null ? null : Buffer.from(sha256Hex(token), 'hex');
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.tokenDigest) {
      const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
      // Digests have one length, so timingSafeEqual never throws and timing says nothing of the token.
      const digest = Buffer.from(sha256Hex(presented ?? ''), 'hex');
      if (presented === undefined || !timingSafeEqual(digest, this.tokenDigest)) {
        throw new InvalidClientError('The internal API needs the internal token');
      }
      return true;
    }
    const peer = request.socket.remoteAddress ?? '';
    const forwarded =
      request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if (!LOOPBACK.has(peer) || forwarded) {
      throw new AccessDeniedError('The internal API is served to local callers only');
    }
    return true;
  }
}
