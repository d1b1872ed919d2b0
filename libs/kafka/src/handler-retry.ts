/** How often, and how patiently, a consumer retries a handler that throws before it gives up. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 3 s in all (0.2 + 0.4 + 0.8 + 1.6): long enough for a database blip, short enough not to stall a partition. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

export type RetryOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** The delay before try `attempt` (1-based; the first retry is attempt 2): doubling, capped. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.initialDelayMs * 2 ** Math.max(0, attempt - 2), policy.maxDelayMs);
}

/**
 * Runs `work` until it succeeds or `policy.attempts` tries have failed, waiting with exponential
 * backoff between tries; `between` runs in each wait (a consumer heartbeats there, so a slow retry
 * does not cost it its partitions). Returns the last error rather than throwing it.
 */
export async function retryWithBackoff(
  work: () => Promise<void>,
  policy: RetryPolicy,
  between: (attempt: number, error: unknown) => Promise<void> = () => Promise.resolve(),
  shouldStop: () => boolean = () => false,
): Promise<RetryOutcome> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) {
      await between(attempt, lastError);
      if (shouldStop()) break;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(policy, attempt)));
    }
    try {
      await work();
      return { ok: true };
    } catch (error) {
      lastError = error;
    }
  }
  return { ok: false, error: lastError };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
