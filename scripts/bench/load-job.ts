/** What the runner asks the load generator to do, and what it answers (sent over the child's IPC channel). */

export interface LoadJob {
  /** Full URL, e.g. http://127.0.0.1:5101/oauth/token. Always POST. */
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly headers: Record<string, string>;
  /** The same body on every request… */
  readonly body?: string;
  /**
   * …or requests taken in turn from these bodies, each sent with an `X-Forwarded-For` taken in turn
   * from `forwardedFor` (logins from many addresses, for a service that trusts the runner as a proxy).
   * `paired`: body i always comes from address i (each good user from their own address); otherwise
   * the two rotate independently, so a body meets every address (a flood from everywhere).
   */
  readonly rotation?: {
    readonly bodies: readonly string[];
    readonly forwardedFor: readonly string[];
    readonly paired: boolean;
  };
  /** Requests per second over all connections (autocannon's `overallRate`); as fast as possible when absent. */
  readonly overallRate?: number;
  /**
   * …or a different token on every request: `prefix + token + suffix`, tokens taken in order from
   * lines [from, to) of a file. The run stops early when they run out (`exhausted`).
   */
  readonly distinctTokens?: {
    readonly file: string;
    readonly from: number;
    readonly to: number;
    readonly prefix: string;
    readonly suffix: string;
  };
}

export interface LoadResult {
  /** Completed requests (any status). */
  readonly completed: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  readonly durationSeconds: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Tokens consumed from the file (sent, or built for a request that the end of the run cut off). */
  readonly tokensUsed: number;
  readonly exhausted: boolean;
  /** The load generator's own CPU seconds during the run (is it the bottleneck?). */
  readonly cpuSeconds: number;
  readonly cpus: string;
}
