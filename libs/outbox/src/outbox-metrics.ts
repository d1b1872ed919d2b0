import type { DataSource } from 'typeorm';
import type { Metrics } from '@app/metrics';

/**
 * The outbox's share of `/metrics` (issue #18 §1): events waiting for the relay and the age of the
 * oldest (the relay's lag: how late the stream is behind the database), read from the table when
 * Prometheus scrapes, and events published to Kafka by topic. Gauges carry the schema, as each
 * service has its own outbox.
 */
export function outboxMetrics(metrics: Metrics, dataSource: DataSource, schema: string) {
  metrics.gauge({
    name: 'tessera_outbox_pending_events',
    help: 'Events committed to the outbox and not yet acknowledged by Kafka',
    labelNames: ['schema'],
    async collect() {
      const [row] = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${schema}"."outbox"`,
      );
      this.set({ schema }, row?.n ?? 0);
    },
  });
  metrics.gauge({
    name: 'tessera_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet published (0 when the outbox is empty)',
    labelNames: ['schema'],
    async collect() {
      const [row] = await dataSource.query<{ age: number }[]>(
        `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min("created_at")), 0)::float8 AS age FROM "${schema}"."outbox"`,
      );
      this.set({ schema }, row?.age ?? 0);
    },
  });
  const published = metrics.counter({
    name: 'tessera_outbox_published_total',
    help: 'Events the outbox relay published to Kafka, by topic',
    labelNames: ['topic'],
  });
  return {
    published(topics: readonly string[]): void {
      for (const topic of topics) published.inc({ topic });
    },
  };
}
