import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from './retry-schedule';

describe('retryDelaySeconds', () => {
  it('doubles from one second up to the maximum', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 9, 40].map((attempts) => retryDelaySeconds(attempts, 300, noJitter))).toEqual([
      1, 2, 4, 8, 16, 256, 300,
    ]);
  });

  it('takes off at most a quarter as jitter, and never waits less than a second', () => {
    expect(retryDelaySeconds(9, 300, () => 0.999)).toBeGreaterThanOrEqual(192);
    expect(retryDelaySeconds(1, 300, () => 0.999)).toBe(1);
  });
});
