import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '@app/metrics';
import { BackchannelLogoutDeliveriesRepository } from './backchannel-logout-deliveries.repository';

export type DeliveryOutcome = 'delivered' | 'failed' | 'given_up';

/**
 * The back-channel logout queue on `/metrics` (issue #16 §2): attempts by outcome
 * (`tessera_backchannel_logout_attempts_total`: `delivered`, `failed` — to be retried —, `given_up`)
 * and the deliveries waiting in the queue, read from PostgreSQL at scrape time
 * (`tessera_backchannel_logout_pending`), so every instance reports the one shared queue.
 */
@Injectable()
export class BackchannelLogoutMetrics {
  private readonly attempts: Counter<'outcome'>;

  constructor(metrics: Metrics, deliveries: BackchannelLogoutDeliveriesRepository) {
    this.attempts = metrics.counter({
      name: 'tessera_backchannel_logout_attempts_total',
      help: 'Back-channel logout delivery attempts, by outcome',
      labelNames: ['outcome'],
    });
    metrics.gauge({
      name: 'tessera_backchannel_logout_pending',
      help: 'Back-channel logout deliveries waiting in the queue (all instances)',
      async collect() {
        // A scrape during a database outage reports nothing rather than failing the whole page.
        const pending = await deliveries.pending().catch(() => null);
        if (pending !== null) this.set(pending);
      },
    });
  }

  counted(outcome: DeliveryOutcome): void {
    this.attempts.inc({ outcome });
  }
}
