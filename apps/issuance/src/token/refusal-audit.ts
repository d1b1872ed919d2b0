import { Injectable, Logger } from '@nestjs/common';
import { tokenRequestRefused, TOPICS, type EventContext } from '@app/contracts';
import { claimedClientId, OAuthError, type OAuthParams } from '@app/oauth';
import { Outbox } from '@app/outbox';
import { FAILURE_LOG_TYPE } from './grant-log-types';

const CLIENT_ID = /^[A-Za-z0-9_.@:-]{1,128}$/;

interface RefusedRequest {
  readonly grantType: string | undefined;
  readonly params: OAuthParams;
  readonly authorization: string | undefined;
}

/**
 * Records refused token requests on the audit stream (`token_request.refused`), keyed by client:
 * only what was asked and why, never a credential. The client id is recorded only when it looks like
 * one (a hostile caller cannot write arbitrary text into the audit log).
 */
@Injectable()
export class RefusalAudit {
  private readonly logger = new Logger(RefusalAudit.name);

  constructor(private readonly outbox: Outbox) {}

  async record(error: unknown, request: RefusedRequest, context: EventContext): Promise<void> {
    if (!(error instanceof OAuthError) || error.status >= 500) return;
    // Account-linking records a brute-force block or a throttling once (`limit_wc`, `limit_mu`);
    // an event per refused attempt would let a blocked attacker keep writing the outbox (review #3).
    if (error.error === 'too_many_attempts') return;
    const claimed = claimedClientId(request.authorization, request.params);
    const clientId = claimed !== undefined && CLIENT_ID.test(claimed) ? claimed : null;
    const grantType =
      request.grantType !== undefined && request.grantType.length <= 256 ? request.grantType : null;
    try {
      await this.outbox.emit([
        {
          topic: TOPICS.tokensIssued.name,
          key: clientId ?? 'anonymous',
          event: tokenRequestRefused.create(
            {
              client_id: clientId,
              grant_type: grantType,
              sub: null,
              error: error.error,
              error_description: error.description.slice(0, 1000),
              occurred_at: Math.floor(Date.now() / 1000),
              log_type: (grantType !== null ? FAILURE_LOG_TYPE[grantType] : undefined) ?? 'f',
            },
            context,
          ),
        },
      ]);
    } catch (failure) {
      // The refusal itself is answered either way; losing its audit record is logged loudly.
      this.logger.error(`could not record a refused token request: ${String(failure)}`);
    }
  }
}
