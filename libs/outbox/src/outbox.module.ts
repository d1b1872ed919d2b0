import {
  Global,
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventPublisher } from '@app/kafka';
import { Metrics } from '@app/metrics';
import { OutboxBatcher } from './outbox-batcher';
import { outboxMetrics } from './outbox-metrics';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter, type OutboxEvent } from './outbox-writer';

const OUTBOX_SCHEMA = Symbol('OUTBOX_SCHEMA');

/**
 * What services use to emit events: `transaction` runs the state change and appends its events in one
 * PostgreSQL transaction, then wakes the relay so the events reach Kafka within milliseconds.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly writer: OutboxWriter;
  private readonly batcher: OutboxBatcher;
  readonly relay: OutboxRelay;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(OUTBOX_SCHEMA) schema: string,
    @Optional() metrics?: Metrics,
  ) {
    this.writer = new OutboxWriter(schema);
    const counted = metrics ? outboxMetrics(metrics, dataSource, schema) : undefined;
    this.relay = new OutboxRelay(dataSource, publisher, {
      schema,
      ...(counted ? { onPublished: (topics) => counted.published(topics) } : {}),
    });
    this.batcher = new OutboxBatcher(
      this.writer,
      () => dataSource.manager,
      () => this.relay.nudge(),
    );
  }

  /**
   * Runs `work` in a transaction; the events it returns are appended to the outbox in the same
   * transaction. Returns what `work` returned once committed.
   */
  async transaction<T>(
    work: (manager: EntityManager) => Promise<{ result: T; events: OutboxEvent[] }>,
  ): Promise<T> {
    const { result, events } = await this.dataSource.transaction(async (manager) => {
      const outcome = await work(manager);
      await this.writer.append(manager, outcome.events);
      return outcome;
    });
    if (events.length > 0) this.relay.nudge();
    return result;
  }

  /**
   * Runs `work`, which issues ONE SQL statement that both changes state and appends its events (a
   * data-modifying CTE built with `writer.insertFrom`). A single statement is atomic on its own, so
   * it commits without BEGIN and COMMIT: one round trip to PostgreSQL instead of four, for the hot
   * paths where that is most of a request's cost. `appended` says whether any event was written
   * (the relay is nudged then). The rule of `transaction` holds: the events commit with the change.
   */
  async statement<T>(
    work: (manager: EntityManager, writer: OutboxWriter) => Promise<{ result: T; appended: boolean }>,
  ): Promise<T> {
    const { result, appended } = await work(this.dataSource.manager, this.writer);
    if (appended) this.relay.nudge();
    return result;
  }

  /**
   * Appends events that need no other state change. Resolves once they are committed; concurrent
   * calls share one INSERT (group commit).
   */
  emit(events: OutboxEvent[]): Promise<void> {
    return this.batcher.append(events);
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /** Before the database connection closes (TypeORM closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

@Global()
@Module({})
export class OutboxModule {
  static forSchema(schema: string): DynamicModule {
    return {
      module: OutboxModule,
      providers: [{ provide: OUTBOX_SCHEMA, useValue: schema }, Outbox],
      exports: [Outbox],
    };
  }
}
