import { Inject, Injectable } from '@nestjs/common';
import { ReadinessRegistry } from '@app/http';
import { TemporarilyUnavailableError } from '@app/oauth';

/** What the gate needs of a stream this instance's token decisions depend on. */
export interface ReplayedStream {
  /** Whether everything that was on the topic at start has been applied. */
  readonly caughtUp: boolean;
  /** How long ago the reader was last known to be current with its topic. */
  lagMs(): number;
  /** Why the reader cannot be trusted until an operator acts (an event it could not apply), or null. */
  readonly haltReason?: string | null;
}

/** The answer of a token-deciding route while the instance's token state is not current. */
export class TokenStateNotCurrentError extends TemporarilyUnavailableError {
  constructor() {
    super('The token state is being brought up to date; try again shortly');
  }
}

/** Default for `maxStreamLagMs`: long enough for a broker restart, short enough to matter. */
export const DEFAULT_MAX_STREAM_LAG_MS = 30_000;

/**
 * Fails closed until this instance's token state is current (security review #5, issue #15 §1): a
 * validator that has not replayed the revocation topic (and the key and client topics) would call a
 * revoked token active, so every route that decides about a token asks the gate first and answers
 * `503 temporarily_unavailable` with `Retry-After` until the streams have been replayed — and again
 * whenever one falls further behind its topic than `maxStreamLagMs` (or the broker cannot be asked).
 * Routes that only end tokens (`/oauth/revoke`) do not ask: revoking with stale state is still safe.
 * Readiness reports the same state, so a gateway stops routing to the instance too.
 */
@Injectable()
export class TokenStateGate {
  private readonly streams = new Map<string, ReplayedStream>();
  private readonly maxLagMs: number;

  constructor(
    readiness: ReadinessRegistry,
    @Inject('TOKEN_VERIFICATION_OPTIONS') options: { maxStreamLagMs?: number },
  ) {
    this.maxLagMs = options.maxStreamLagMs ?? DEFAULT_MAX_STREAM_LAG_MS;
    readiness.register('token state current', () => {
      const reason = this.haltReason();
      return reason ? { ready: false, reason } : this.isOpen();
    });
  }

  /** Why a stream halted (issue #15 §3: an event it could not apply), naming the stream, or null. */
  haltReason(): string | null {
    for (const [name, stream] of this.streams) {
      if (stream.haltReason) return `${name}: ${stream.haltReason}`;
    }
    return null;
  }

  /** Adds a stream the instance's token decisions depend on. */
  register(name: string, stream: ReplayedStream): void {
    this.streams.set(name, stream);
  }

  isOpen(): boolean {
    for (const stream of this.streams.values()) {
      if (stream.haltReason || !stream.caughtUp || stream.lagMs() > this.maxLagMs) return false;
    }
    return true;
  }

  /** Throws `TokenStateNotCurrentError` (503 + Retry-After) unless the token state is current. */
  assertOpen(): void {
    if (!this.isOpen()) throw new TokenStateNotCurrentError();
  }
}
