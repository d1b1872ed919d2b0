/** The answer of the suspicious-IP bucket to one login attempt. */
export interface BucketAnswer {
  /** A token was taken: the attempt may go on to the password check. */
  readonly allowed: boolean;
  /** Refused, and the first refusal since the address last had a token: throttling starts now. */
  readonly firstRefusal: boolean;
}

/** The parameters of the suspicious-IP token bucket. */
export interface BucketLimits {
  /** How many attempts a full bucket holds (Auth0's `max_attempts`). */
  readonly capacity: number;
  /** Milliseconds after which the bucket gets one attempt back (Auth0's `rate`). */
  readonly refillMs: number;
}

/**
 * The counters of attack protection, in Redis (DESIGN §4: rebuildable, short-lived). Each operation
 * is atomic, so concurrent logins on several instances count exactly.
 */
export abstract class LoginCounters {
  /**
   * Takes one attempt from the address's bucket, before the password is checked, so that however
   * many requests arrive at once, no more than the bucket holds reach argon2.
   */
  abstract takeAttempt(addressKey: string, limits: BucketLimits, nowMs?: number): Promise<BucketAnswer>;

  /** Gives back the attempt a successful login took: only failures spend the bucket. */
  abstract returnAttempt(addressKey: string, limits: BucketLimits): Promise<void>;

  /** Counts one more consecutive failure of a login pair; the count so far. */
  abstract countFailure(pairHash: string, ttlSeconds: number): Promise<number>;

  /** Forgets the consecutive failures of login pairs (a success, an unblock). */
  abstract clearFailures(pairHashes: readonly string[]): Promise<void>;
}
