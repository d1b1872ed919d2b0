import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '@app/metrics';
import { OAuthError } from '@app/oauth';
import { FAILURE_LOG_TYPE, grantTypeLabel, SUCCESS_LOG_TYPE } from './grant-log-types';

/**
 * `tessera_token_requests_total`: every answered `/oauth/token` and `/delegation` request by grant
 * type, outcome (`issued`, or the OAuth error code) and Auth0's log code for it, the code the audit
 * stream records. Error codes are a closed set (RFC 6749 and Auth0's); anything else, a 5xx included,
 * is `server_error`.
 */
@Injectable()
export class TokenRequestMetrics {
  private readonly requests: Counter<'grant_type' | 'outcome' | 'log_code'>;

  constructor(metrics: Metrics) {
    this.requests = metrics.counter({
      name: 'tessera_token_requests_total',
      help: 'Token requests answered, by grant type, outcome (issued or the OAuth error) and Auth0 log code',
      labelNames: ['grant_type', 'outcome', 'log_code'],
    });
  }

  issued(grantType: string | undefined): void {
    const label = grantTypeLabel(grantType);
    this.requests.inc({ grant_type: label, outcome: 'issued', log_code: SUCCESS_LOG_TYPE[label] ?? 's' });
  }

  refused(grantType: string | undefined, error: unknown): void {
    const label = grantTypeLabel(grantType);
    const outcome = error instanceof OAuthError && error.status < 500 ? error.error : 'server_error';
    this.requests.inc({ grant_type: label, outcome, log_code: FAILURE_LOG_TYPE[label] ?? 'f' });
  }
}
