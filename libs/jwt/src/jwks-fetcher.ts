import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { publicJwk, type PublicJwk } from '@app/contracts';

const jwksDocument = z.object({ keys: z.array(z.unknown()) });

/**
 * Fetches the issuer's JWKS when a token names a kid we have not heard of. At most one fetch is in
 * flight and at most one starts per `minIntervalMs`, so a flood of made-up kids costs nothing
 * (DESIGN §6); normally keys arrive by event before they sign anything.
 */
export class JwksFetcher {
  private readonly logger = new Logger(JwksFetcher.name);
  private inFlight: Promise<PublicJwk[]> | null = null;
  private lastStartedAt = 0;

  constructor(
    private readonly url: string,
    private readonly minIntervalMs = 10_000,
  ) {}

  /** The current JWKS, or null when a fetch is not allowed right now (rate limit) or failed. */
  async fetch(): Promise<PublicJwk[] | null> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastStartedAt < this.minIntervalMs) return null;
    this.lastStartedAt = Date.now();
    this.inFlight = this.load().finally(() => {
      this.inFlight = null;
    });
    try {
      return await this.inFlight;
    } catch (error) {
      this.logger.warn(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private async load(): Promise<PublicJwk[]> {
    const response = await fetch(this.url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const document = jwksDocument.parse(await response.json());
    return document.keys.flatMap((key) => {
      const parsed = publicJwk.safeParse(key);
      return parsed.success ? [parsed.data] : [];
    });
  }
}
