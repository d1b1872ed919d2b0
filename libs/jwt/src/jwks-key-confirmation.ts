import { Logger } from '@nestjs/common';
import type { PublicJwk } from '@app/contracts';
import type { JwksFetcher } from './jwks-fetcher';

/** What the confirmation needs of a JwksFetcher (a fake in unit tests). */
export type JwksSource = Pick<JwksFetcher, 'fetch' | 'fetchNow' | 'msUntilAllowed'>;
import type { KnownKey, VerificationKeySet } from './verification-key-set';

/** What the verifier asks when a token names a kid it does not trust (yet). */
export interface KeyLearner {
  learn(kid: string): Promise<KnownKey | undefined>;
}

/** Between start-up fetches that failed (issuer not up yet): start-up only, so not rate-limited. */
const STARTUP_RETRY_MS = 1_000;

/**
 * Decides which announced keys become trusted (issue #20 §4, docs/adr/0017-validators-trust-the-jwks.md):
 * every key is confirmed against the issuer's JWKS before a token signed by it verifies.
 *
 * - Start-up: once the signing-key topic has been replayed, one JWKS fetch confirms every candidate
 *   at once (retried until the issuer answers); until then the validator is not current and fails
 *   closed (`initiallyConfirmed`, read by TokenStateGate and readiness).
 * - A new kid announced later (a rotation) is confirmed by a rate-limited fetch; when the limit holds,
 *   by one fetch as soon as it opens — so a legitimate key is trusted as soon as the JWKS publishes it
 *   and the limit allows, and forged events cannot make the validator fetch any more often.
 * - A token naming a kid nobody vouched for gets the same single rate-limited fetch (`learn`).
 */
export class JwksKeyConfirmation implements KeyLearner {
  private readonly logger = new Logger(JwksKeyConfirmation.name);
  private confirmedOnce = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly keys: VerificationKeySet,
    private readonly fetcher: JwksSource,
  ) {}

  /** Whether the JWKS has answered once since the signing-key topic was replayed. */
  get initiallyConfirmed(): boolean {
    return this.confirmedOnce;
  }

  /** Call once the signing-key topic has been replayed; resolves when the JWKS has answered (or on stop). */
  async confirmReplayed(): Promise<void> {
    while (!this.stopped) {
      const jwks = await this.fetcher.fetchNow();
      if (jwks) {
        this.apply(jwks);
        this.confirmedOnce = true;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, STARTUP_RETRY_MS).unref());
    }
  }

  /** Call when an event made a kid a candidate. */
  onAnnounced(): void {
    // Before the start-up fetch, that fetch will confirm it.
    if (!this.confirmedOnce || this.stopped) return;
    void this.confirmPending();
  }

  async learn(kid: string): Promise<KnownKey | undefined> {
    if (this.keys.isRevoked(kid)) return undefined;
    const jwks = await this.fetcher.fetch();
    if (jwks) this.apply(jwks);
    return this.keys.get(kid);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async confirmPending(): Promise<void> {
    if (this.keys.candidateCount === 0 || this.retryTimer) return;
    const jwks = await this.fetcher.fetch();
    if (jwks) {
      this.apply(jwks);
      return;
    }
    // Rate-limited (or failed) with candidates left: one more try when the limit opens, not before.
    if (this.keys.candidateCount > 0 && !this.retryTimer && !this.stopped) {
      this.retryTimer = setTimeout(
        () => {
          this.retryTimer = null;
          void this.confirmPending();
        },
        Math.max(this.fetcher.msUntilAllowed(), STARTUP_RETRY_MS),
      );
      this.retryTimer.unref();
    }
  }

  private apply(jwks: readonly PublicJwk[]): void {
    const { trusted, mismatched, unpublished } = this.keys.confirm(jwks);
    if (trusted.length > 0) this.logger.log(`trusted signing keys the JWKS publishes: ${trusted.join(', ')}`);
    for (const kid of mismatched) {
      this.logger.warn(`a signing-key event announced ${kid} with key material the JWKS does not publish`);
    }
    for (const kid of unpublished) {
      this.logger.warn(`a signing-key event announced ${kid}, which the JWKS does not publish: not trusted`);
    }
  }
}
