import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { RevocationPayload } from '@app/contracts';
import { Metrics } from '@app/metrics';

/**
 * `tessera_revocations_total`: revocation events written with their record, by what they revoke
 * (`jti`, `grant`, `subject`…) and why (`client_request`, `refresh_token_reuse`, `user_blocked`…).
 * Both are closed sets of the contract. Repeats of a recorded revocation write nothing and count nothing.
 */
@Injectable()
export class RevocationMetrics {
  private readonly revocations: Counter<'target_kind' | 'reason'>;

  constructor(metrics: Metrics) {
    this.revocations = metrics.counter({
      name: 'tessera_revocations_total',
      help: 'Revocation events written with their record, by target kind and reason',
      labelNames: ['target_kind', 'reason'],
    });
  }

  recorded(payload: RevocationPayload): void {
    this.revocations.inc({ target_kind: payload.target.kind, reason: payload.reason });
  }
}
