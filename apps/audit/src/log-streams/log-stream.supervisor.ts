import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DEFAULT_OUTBOUND_LIMITS, GuardedHttpClient, OutboundNetworkPolicy } from '@app/http';
import { errorMessage, KAFKA, type KafkaClient } from '@app/kafka';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { LogEventsRepository } from '../log-store/log-events.repository';
import { LogStreamDelivery, type LogStreamDeliveryDeps } from './log-stream-delivery';
import { LogStreamsRepository } from './log-streams.repository';

/**
 * Runs a delivery for every active log stream, on every audit instance: each stream's consumer group
 * gives each of its partitions to one instance at a time. It reads the streams' settings every
 * `TESSERA_LOG_STREAM_POLL_MS`, so a stream created, changed, paused, resumed or deleted through any
 * instance is picked up by all of them: a changed stream (new version) is restarted with its new
 * settings from its stored position; a paused, suspended or deleted one is stopped.
 */
@Injectable()
export class LogStreamSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LogStreamSupervisor.name);
  private readonly deliveries = new Map<string, LogStreamDelivery>();
  private readonly deps: LogStreamDeliveryDeps;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly streams: LogStreamsRepository,
    logs: LogEventsRepository,
  ) {
    this.deps = {
      kafka,
      streams,
      logs,
      http: new GuardedHttpClient(
        new OutboundNetworkPolicy(config.TESSERA_LOG_STREAM_ALLOW_PRIVATE_NETWORKS),
        {
          ...DEFAULT_OUTBOUND_LIMITS,
          timeoutMs: config.TESSERA_LOG_STREAM_TIMEOUT_MS,
        },
      ),
      settings: {
        groupPrefix: config.KAFKA_GROUP_PREFIX,
        hostname: new URL(config.TESSERA_ISSUER).hostname,
        retentionDays: config.TESSERA_AUDIT_RETENTION_DAYS,
        suspendAfterMs: config.TESSERA_LOG_STREAM_SUSPEND_AFTER_SECONDS * 1000,
        maxRetryDelayMs: config.TESSERA_LOG_STREAM_MAX_RETRY_DELAY_MS,
      },
    };
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.deliveries.values()].map((delivery) => delivery.stop()));
    this.deliveries.clear();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.reconcile().finally(() => this.schedule(this.config.TESSERA_LOG_STREAM_POLL_MS));
    }, delayMs);
  }

  /** Brings the running deliveries in line with the stored streams. */
  private async reconcile(): Promise<void> {
    let streams;
    try {
      streams = await this.streams.list();
    } catch (error) {
      this.logger.warn(`cannot read the log streams (${errorMessage(error)}); trying again`);
      return;
    }
    const wanted = new Map(streams.filter((stream) => stream.status === 'active').map((s) => [s.id, s]));
    for (const [id, delivery] of this.deliveries) {
      const stream = wanted.get(id);
      if (stream && stream.version === delivery.stream.version && !delivery.crashed) continue;
      this.deliveries.delete(id);
      await delivery.stop();
    }
    for (const [id, stream] of wanted) {
      if (this.stopped || this.deliveries.has(id)) continue;
      const delivery = new LogStreamDelivery(stream, this.deps);
      try {
        await delivery.start();
        this.deliveries.set(id, delivery);
      } catch (error) {
        this.logger.warn(`cannot start log stream ${id} yet (${errorMessage(error)}); trying again`);
        await delivery.stop();
      }
    }
  }
}
