import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

/**
 * The service's Prometheus registry (`GET /metrics`, issue #18 §1). One per app, not prom-client's
 * global one: tests start several apps in one process, and each must count only its own.
 *
 * Metrics are created where the fact they count happens, through `counter`, `gauge` and `histogram`:
 * asking twice for the same name returns the same metric, so two modules that count one fact share
 * it. Labels are always bounded sets (a grant type, an outcome, a route template): never a token, a
 * secret, a user or client id, which would leak and grow the series without limit.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private described = false;

  /** Names the service on every series and adds Node's process metrics (once per app). */
  describeService(service: string): void {
    if (this.described) return;
    this.described = true;
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.getOrCreate(config.name, () => new Counter({ ...config, registers: [this.registry] }));
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.getOrCreate(config.name, () => new Gauge({ ...config, registers: [this.registry] }));
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.getOrCreate(config.name, () => new Histogram({ ...config, registers: [this.registry] }));
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private getOrCreate<M extends Metric>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}
