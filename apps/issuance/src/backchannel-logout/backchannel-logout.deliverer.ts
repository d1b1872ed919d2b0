import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { backchannelLogoutFinished, TOPICS } from '@app/contracts';
import { GuardedHttpClient, OutboundNetworkPolicy, OutboundRequestError } from '@app/http';
import { Outbox } from '@app/outbox';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import {
  BackchannelLogoutDeliveriesRepository,
  type BackchannelLogoutDelivery,
} from './backchannel-logout-deliveries.repository';
import { BackchannelLogoutMetrics } from './backchannel-logout-metrics';
import { LogoutTokenMinter } from './logout-token.minter';
import { retryDelaySeconds } from './retry-schedule';

/** Deliveries claimed per sweep, sent side by side. */
const BATCH = 20;
/** How often an idle deliverer looks for due deliveries. */
const IDLE_POLL_MS = 250;

/**
 * Delivers logout tokens (OIDC Back-Channel Logout 1.0 §2.5): a form POST of `logout_token` to the
 * client's URL, at least once. 2xx is done; anything else, or no answer, is tried again later with
 * a growing delay, until `TESSERA_BACKCHANNEL_LOGOUT_GIVE_UP_SECONDS` after the logout, when it is
 * given up with a warning in the log. Either end is on the audit stream (`backchannel_logout.finished`,
 * Auth0's `oidc_backchannel_logout_succeeded` / `_failed`), written with the row's deletion. The
 * queue is in PostgreSQL, so a restart loses nothing, and every issuance instance runs a deliverer:
 * the lease keeps each delivery with one of them at a time.
 * URLs go through the same SSRF guard as upstream providers' (no private or special-use address).
 */
@Injectable()
export class BackchannelLogoutDeliverer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackchannelLogoutDeliverer.name);
  private readonly http: GuardedHttpClient;
  private timer: NodeJS.Timeout | null = null;
  private sweep: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deliveries: BackchannelLogoutDeliveriesRepository,
    private readonly tokens: LogoutTokenMinter,
    private readonly metrics: BackchannelLogoutMetrics,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {
    this.http = new GuardedHttpClient(
      new OutboundNetworkPolicy(config.TESSERA_BACKCHANNEL_LOGOUT_ALLOW_PRIVATE_NETWORKS),
      // A receiver answers 200 with nothing to say; a large body is not read.
      { timeoutMs: config.TESSERA_BACKCHANNEL_LOGOUT_TIMEOUT_MS, maxBodyBytes: 64 * 1024 },
    );
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sweep;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep = this.deliverDue()
        .catch((error: unknown) => {
          this.logger.warn(
            `back-channel logout sweep failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return 0;
        })
        .then((claimed) => this.schedule(claimed === BATCH ? 0 : IDLE_POLL_MS));
    }, delayMs);
    this.timer.unref();
  }

  /** One sweep: claims what is due and tries each; resolves to how many it claimed. */
  async deliverDue(): Promise<number> {
    const due = await this.deliveries.claimDue(BATCH);
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length;
  }

  private async deliver(delivery: BackchannelLogoutDelivery): Promise<void> {
    const fields = {
      clientId: delivery.clientId,
      sessionId: delivery.sessionId,
      attempts: delivery.attempts,
    };
    if (delivery.giveUpAt.getTime() <= Date.now()) {
      this.logger.warn({ msg: 'back-channel logout given up', ...fields, url: delivery.url });
      await this.finish(delivery, 'oidc_backchannel_logout_failed', delivery.attempts);
      this.metrics.counted('given_up');
      return;
    }
    let failure: string;
    try {
      const token = await this.tokens.mint(delivery);
      const answer = await this.http.request(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
      if (answer.status >= 200 && answer.status < 300) {
        this.logger.log({ msg: 'back-channel logout delivered', ...fields });
        await this.finish(delivery, 'oidc_backchannel_logout_succeeded', delivery.attempts + 1);
        this.metrics.counted('delivered');
        return;
      }
      failure = `HTTP ${answer.status}`;
    } catch (error) {
      failure = error instanceof OutboundRequestError ? error.detail : String(error);
    }
    const delay = retryDelaySeconds(
      delivery.attempts + 1,
      this.config.TESSERA_BACKCHANNEL_LOGOUT_MAX_RETRY_SECONDS,
    );
    this.logger.warn({
      msg: 'back-channel logout failed; will retry',
      ...fields,
      failure,
      retryInSeconds: delay,
    });
    await this.deliveries.retryLater(delivery.id, delay, failure);
    this.metrics.counted('failed');
  }

  /** The delivery leaves the queue, and its outcome goes on the audit stream, in one transaction. */
  private async finish(
    delivery: BackchannelLogoutDelivery,
    logType: 'oidc_backchannel_logout_succeeded' | 'oidc_backchannel_logout_failed',
    attempts: number,
  ): Promise<void> {
    const event = backchannelLogoutFinished.create(
      {
        session_id: delivery.sessionId,
        client_id: delivery.clientId,
        user_id: delivery.sub,
        attempts,
        ...(logType === 'oidc_backchannel_logout_failed' && delivery.lastError
          ? { last_error: delivery.lastError }
          : {}),
        finished_at: Math.floor(Date.now() / 1000),
        log_type: logType,
      },
      { correlationId: delivery.revocationEventId, causationId: delivery.revocationEventId },
    );
    await this.outbox.transaction(async (manager) => {
      await this.deliveries.remove(manager, delivery.id);
      return {
        result: undefined,
        events: [{ topic: TOPICS.tokensIssued.name, key: delivery.sessionId, event }],
      };
    });
  }
}
