import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { publicJwk, type PublicJwk } from '@app/contracts';

const jwksDocument = z.object({ keys: z.array(z.unknown()) });

/** Default for `minIntervalMs`: a flood of made-up kids costs at most one fetch per 10 s. */
export const DEFAULT_JWKS_MIN_INTERVAL_MS = 10_000;

export interface JwksFetcherOptions {
  /** At most one rate-limited fetch starts per interval (`TESSERA_JWKS_MIN_INTERVAL_SECONDS`). */
  readonly minIntervalMs?: number;
  /**
   * Accept an `http:` URL. The JWKS is the trust root of every validator (issue #20 §4), so it is
   * fetched over TLS; plain HTTP only for a development or test stack that says so
   * (`TESSERA_JWKS_ALLOW_HTTP=true`), or for issuance reading its own JWKS over loopback.
   */
  readonly allowHttp?: boolean;
}

/** Thrown at construction for a JWKS URL that is not `https:` (and http was not allowed). */
export class InsecureJwksUrlError extends Error {
  constructor(url: string) {
    super(
      `the JWKS URL must be https (${url}); set TESSERA_JWKS_ALLOW_HTTP=true only for a development or test stack`,
    );
  }
}

/**
 * Fetches the issuer's JWKS. `fetch` is rate-limited: at most one fetch is in flight and at most one
 * starts per `minIntervalMs`, so a flood of made-up kids (or of forged key events) costs nothing
 * (DESIGN §6). `fetchNow` is for the validator's own start-up, which no caller can trigger.
 */
export class JwksFetcher {
  private readonly logger = new Logger(JwksFetcher.name);
  private readonly minIntervalMs: number;
  private inFlight: Promise<PublicJwk[]> | null = null;
  private lastStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly url: string,
    options: JwksFetcherOptions = {},
  ) {
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && !(protocol === 'http:' && options.allowHttp)) {
      throw new InsecureJwksUrlError(url);
    }
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_JWKS_MIN_INTERVAL_MS;
  }

  /** The current JWKS, or null when a fetch is not allowed right now (rate limit) or failed. */
  async fetch(): Promise<PublicJwk[] | null> {
    if (this.inFlight) return this.settle(this.inFlight);
    if (this.msUntilAllowed() > 0) return null;
    return this.fetchNow();
  }

  /** Fetches now, whatever the rate limit (which it restarts); null when the fetch failed. */
  fetchNow(): Promise<PublicJwk[] | null> {
    if (this.inFlight) return this.settle(this.inFlight);
    this.lastStartedAt = Date.now();
    this.inFlight = this.load().finally(() => {
      this.inFlight = null;
    });
    return this.settle(this.inFlight);
  }

  /** How long until `fetch` may start another fetch (0: now). */
  msUntilAllowed(): number {
    return Math.max(0, this.lastStartedAt + this.minIntervalMs - Date.now());
  }

  private async settle(fetching: Promise<PublicJwk[]>): Promise<PublicJwk[] | null> {
    try {
      return await fetching;
    } catch (error) {
      this.logger.warn(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private async load(): Promise<PublicJwk[]> {
    const response = await fetch(this.url, { signal: AbortSignal.timeout(3000), redirect: 'error' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const document = jwksDocument.parse(await response.json());
    return document.keys.flatMap((key) => {
      const parsed = publicJwk.safeParse(key);
      return parsed.success ? [parsed.data] : [];
    });
  }
}
