import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { StreamCurrency } from './stream-currency';

/** A broker whose high watermarks the test sets, and which can be made unreachable. */
function fakeBroker() {
  const state = { highs: [0n, 0n], reachable: true };
  const kafka = {
    admin: () => ({
      connect: () => (state.reachable ? Promise.resolve() : Promise.reject(new Error('down'))),
      disconnect: () => Promise.resolve(),
      fetchTopicOffsets: () =>
        state.reachable
          ? Promise.resolve(
              state.highs.map((high, partition) => ({
                partition,
                high: String(high),
                low: '0',
                offset: '0',
              })),
            )
          : Promise.reject(new Error('down')),
    }),
  } as unknown as Kafka;
  return { state, kafka };
}

describe('StreamCurrency', () => {
  it('is current as of the newest high-watermark reading the reader has reached', async () => {
    let now = 1_000;
    const { state, kafka } = fakeBroker();
    const currency = new StreamCurrency(kafka, 'topic', () => now);
    expect(currency.lagMs()).toBe(Number.POSITIVE_INFINITY);
    currency.markCurrent(1_000);
    await currency.stop(); // no timer in a unit test: probes are called by hand

    now = 5_000;
    expect(currency.lagMs()).toBe(4_000);
    await currency.probe(); // nothing new on the topic: current as of this reading
    expect(currency.lagMs()).toBe(0);

    state.highs = [3n, 1n];
    now = 6_000;
    await currency.probe();
    now = 9_000;
    await currency.probe();
    expect(currency.lagMs()).toBe(4_000); // behind both readings
    currency.recordApplied(0, 3n);
    expect(currency.lagMs()).toBe(4_000); // partition 1 still behind
    currency.recordApplied(1, 1n);
    expect(currency.lagMs()).toBe(0); // reached the 9 000 reading too
  });

  it('grows its lag while the broker cannot be asked (fail closed)', async () => {
    let now = 0;
    const { state, kafka } = fakeBroker();
    const currency = new StreamCurrency(kafka, 'topic', () => now);
    currency.markCurrent(0);
    await currency.stop();
    state.reachable = false;
    now = 40_000;
    await currency.probe();
    expect(currency.lagMs()).toBe(40_000);
    state.reachable = true;
    await currency.probe();
    expect(currency.lagMs()).toBe(0);
  });
});
