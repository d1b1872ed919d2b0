import { describe, expect, it } from 'vitest';
import { ReadinessRegistry } from '@app/http';
import { TokenStateGate, TokenStateNotCurrentError } from './token-state-gate';

describe('TokenStateGate', () => {
  const stream = (caughtUp: boolean, lag: number) => ({ caughtUp, lagMs: () => lag });

  it('opens only when every registered stream is replayed and within the lag, and readiness says the same', async () => {
    const readiness = new ReadinessRegistry();
    const gate = new TokenStateGate(readiness, { maxStreamLagMs: 5_000 });
    const keys = { ...stream(true, 0) };
    const revocations = { caughtUp: false, lag: 0, lagMs: () => revocations.lag };
    gate.register('keys', keys);
    gate.register('revocations', revocations);
    expect(gate.isOpen()).toBe(false);
    expect(() => gate.assertOpen()).toThrow(TokenStateNotCurrentError);
    expect((await readiness.check()).checks['token state current']).toBe(false);

    revocations.caughtUp = true;
    expect(gate.isOpen()).toBe(true);
    expect(() => gate.assertOpen()).not.toThrow();
    expect((await readiness.check()).ready).toBe(true);

    revocations.lag = 5_001;
    expect(gate.isOpen()).toBe(false);
  });

  it('answers 503 temporarily_unavailable with Retry-After', () => {
    const error = new TokenStateNotCurrentError();
    expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(error.headers['retry-after']).toBe('1');
  });
});
