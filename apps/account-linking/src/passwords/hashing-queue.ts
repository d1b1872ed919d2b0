/**
 * Which line a password hash waits in (docs/adr/0013-password-hashing-lanes.md):
 * - `priority`: attempts that look like the account's owner (the address the user last logged in
 *   from), and administrators setting passwords;
 * - `normal`: everything else, unknown users' decoy hashes included.
 */
export type HashingLane = 'priority' | 'normal';

export interface HashingQueueLimits {
  /** Hashes running at once (argon2id runs on the libuv pool; about one per CPU core). */
  readonly concurrency: number;
  /** Hashes that may wait in the normal lane; one more is refused. */
  readonly normalQueue: number;
  /** Hashes that may wait in the priority lane, a bound of its own. */
  readonly priorityQueue: number;
  /**
   * While the normal lane waits, the priority lane takes at most this many free slots in a row, then
   * the normal lane gets one: neither lane can starve the other, so a flood from an owner's address
   * cannot stop everyone else's logins either.
   */
  readonly priorityBurst: number;
}

/** The lane a hash asked for is full: the caller should answer 503 with `Retry-After`. */
export class HashingQueueFullError extends Error {
  constructor(
    readonly lane: HashingLane,
    /** Whole seconds until the queue has likely drained (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super(`the ${lane} password-hashing lane is full`);
  }
}

interface Waiting {
  readonly start: () => void;
}

/** Never tell a client to wait longer than this: the estimate is a hint, not a promise. */
const MAX_RETRY_AFTER_SECONDS = 30;
/** Until a hash has been timed, assume argon2id's usual cost on a small machine. */
const INITIAL_HASH_MS = 50;

/**
 * Bounds password-hashing work (security review #3): at most `concurrency` hashes run, at most a
 * fixed number wait per lane, and anything beyond is refused at once instead of piling up in the
 * libuv pool, where a flood of wrong passwords would make every login wait behind it. The priority
 * lane is served first (but for the normal lane's share), so the owner of an account still logs in
 * while strangers flood the normal lane.
 */
export class HashingQueue {
  private running = 0;
  private readonly lanes: Record<HashingLane, Waiting[]> = { priority: [], normal: [] };
  /** Slots handed to the priority lane in a row while the normal lane waited. */
  private priorityStreak = 0;
  /** Exponentially weighted mean duration of one hash, for `Retry-After`. */
  private meanHashMs = INITIAL_HASH_MS;

  constructor(private readonly limits: HashingQueueLimits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < (name === 'concurrency' || name === 'priorityBurst' ? 1 : 0))
        throw new RangeError(`hashing queue: ${name} must be a whole number, got ${value}`);
    }
  }

  /** Runs `work` when a slot is free; throws HashingQueueFullError at once if the lane is full. */
  async run<T>(lane: HashingLane, work: () => Promise<T>): Promise<T> {
    await this.slot(lane);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.meanHashMs = 0.8 * this.meanHashMs + 0.2 * (performance.now() - started);
      this.running -= 1;
      this.next();
    }
  }

  /** How many hashes run and wait, per lane (for logs and tests). */
  load(): { running: number; waiting: Record<HashingLane, number> } {
    return {
      running: this.running,
      waiting: { priority: this.lanes.priority.length, normal: this.lanes.normal.length },
    };
  }

  /**
   * The refusal a hash in `lane` would meet right now, if any: lets a caller refuse before it spends
   * anything (a database lookup) on work the queue would not take.
   */
  refusal(lane: HashingLane): HashingQueueFullError | undefined {
    if (this.running < this.limits.concurrency && this.waitingCount() === 0) return undefined;
    const bound = lane === 'priority' ? this.limits.priorityQueue : this.limits.normalQueue;
    return this.lanes[lane].length >= bound
      ? new HashingQueueFullError(lane, this.retryAfterSeconds())
      : undefined;
  }

  private slot(lane: HashingLane): Promise<void> {
    if (this.running < this.limits.concurrency && this.waitingCount() === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    const refused = this.refusal(lane);
    if (refused) return Promise.reject(refused);
    return new Promise<void>((resolve) => this.lanes[lane].push({ start: resolve }));
  }

  /** Hands free slots to waiting hashes: priority first, the normal lane its share. */
  private next(): void {
    while (this.running < this.limits.concurrency && this.waitingCount() > 0) {
      const { priority, normal } = this.lanes;
      const normalsTurn = normal.length > 0 && this.priorityStreak >= this.limits.priorityBurst;
      let taken: Waiting;
      if (priority.length > 0 && !normalsTurn) {
        taken = priority.shift()!;
        this.priorityStreak = normal.length > 0 ? this.priorityStreak + 1 : 0;
      } else {
        taken = normal.shift()!;
        this.priorityStreak = 0;
      }
      this.running += 1;
      taken.start();
    }
  }

  private waitingCount(): number {
    return this.lanes.priority.length + this.lanes.normal.length;
  }

  /** The time the waiting hashes take to drain through the running slots, in whole seconds. */
  private retryAfterSeconds(): number {
    const drainMs = ((this.waitingCount() + this.running) * this.meanHashMs) / this.limits.concurrency;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(drainMs / 1000)));
  }
}
