import { describe, expect, it } from 'vitest';
import { retryDelayMs, retryWithBackoff } from './handler-retry';

const fast = { attempts: 4, initialDelayMs: 1, maxDelayMs: 4 };

describe('retryWithBackoff', () => {
  it('doubles the delay between tries, up to the cap', () => {
    const policy = { attempts: 10, initialDelayMs: 100, maxDelayMs: 500 };
    expect([2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  it('succeeds once the work stops throwing, having tried no more than needed', async () => {
    let calls = 0;
    const between: number[] = [];
    const outcome = await retryWithBackoff(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve();
      },
      fast,
      (attempt) => {
        between.push(attempt);
        return Promise.resolve();
      },
    );
    expect(outcome).toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(between).toEqual([2, 3]);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const outcome = await retryWithBackoff(() => Promise.reject(new Error(`no ${(calls += 1)}`)), fast);
    expect(calls).toBe(4);
    expect(outcome).toMatchObject({ ok: false, error: new Error('no 4') });
  });

  it('stops early when asked to', async () => {
    let calls = 0;
    const outcome = await retryWithBackoff(
      () => Promise.reject(new Error(`no ${(calls += 1)}`)),
      fast,
      undefined,
      () => calls >= 2,
    );
    expect(calls).toBe(2);
    expect(outcome.ok).toBe(false);
  });
});
