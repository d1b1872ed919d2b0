import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AccessTokenVerifier, RevocationList } from '@app/jwt';
import { Metrics } from '@app/metrics';
import { OAuthError } from '@app/oauth';
import { VerifiedTokenCache } from '../tokens/verified-token-cache';

export type IntrospectionResult = 'active' | 'inactive' | 'refused' | 'error';

/**
 * What introspection counts (issue #18 §1):
 * - `tessera_introspections_total` by result (`active`, `inactive`; `refused` when the caller or the
 *   request was turned away with a 4xx; `error` for a 5xx, e.g. the fail-closed 503 before replay)
 *   and token kind (`jwt` or `opaque`, by the token's shape: an inactive opaque token's kind is unknown);
 * - the verified-token cache's hits and misses, and its size;
 * - the revocation list's size (entries held in memory).
 */
@Injectable()
export class IntrospectionMetrics {
  private readonly introspections: Counter<'result' | 'token_kind'>;
  private readonly cacheLookups: Counter<'outcome'>;

  constructor(metrics: Metrics, revocations: RevocationList, verifiedTokens: VerifiedTokenCache) {
    this.introspections = metrics.counter({
      name: 'tessera_introspections_total',
      help: 'Introspection requests answered, by result and token kind (jwt or opaque)',
      labelNames: ['result', 'token_kind'],
    });
    this.cacheLookups = metrics.counter({
      name: 'tessera_verified_token_cache_lookups_total',
      help: 'Verified-token cache lookups for JWTs, by outcome (hit or miss)',
      labelNames: ['outcome'],
    });
    metrics.gauge({
      name: 'tessera_verified_token_cache_entries',
      help: 'JWTs whose verification is remembered',
      collect() {
        this.set(verifiedTokens.size);
      },
    });
    metrics.gauge({
      name: 'tessera_revocation_list_entries',
      help: 'Revocations held in memory by this validator',
      collect() {
        this.set(revocations.size);
      },
    });
  }

  introspected(token: string | undefined, result: IntrospectionResult): void {
    const kind = token === undefined ? 'none' : AccessTokenVerifier.looksLikeJwt(token) ? 'jwt' : 'opaque';
    this.introspections.inc({ result, token_kind: kind });
  }

  failed(token: string | undefined, error: unknown): void {
    const refused = error instanceof OAuthError && error.status < 500;
    this.introspected(token, refused ? 'refused' : 'error');
  }

  cacheLookup(hit: boolean): void {
    this.cacheLookups.inc({ outcome: hit ? 'hit' : 'miss' });
  }
}
