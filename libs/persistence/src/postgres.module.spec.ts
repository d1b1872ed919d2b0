import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { ReadinessRegistry } from '@app/http';
import { postgresReadiness } from './postgres.module';

describe('the PostgreSQL readiness probe', () => {
  const probeWith = async (dataSource: { isInitialized: boolean; query?: () => Promise<unknown> }) => {
    const readiness = new ReadinessRegistry();
    postgresReadiness(dataSource as unknown as DataSource, readiness);
    return (await readiness.check()).checks.postgresql;
  };

  it('is true when SELECT 1 answers, false when it fails, hangs past a second, or before the pool exists', async () => {
    expect(await probeWith({ isInitialized: true, query: () => Promise.resolve([{ '?column?': 1 }]) })).toBe(
      true,
    );
    expect(
      await probeWith({ isInitialized: true, query: () => Promise.reject(new Error('ECONNREFUSED')) }),
    ).toBe(false);
    const started = Date.now();
    expect(await probeWith({ isInitialized: true, query: () => new Promise(() => undefined) })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await probeWith({ isInitialized: false })).toBe(false);
  });
});
