import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StackClient } from '@app/testing';
import { FormPoster } from './form-post';

export interface MintRequest {
  readonly issuanceUrl: string;
  readonly client: StackClient;
  readonly audience: string;
  readonly count: number;
  /** Where the tokens go, one a line (the load generator reads them from there). */
  readonly file: string;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

/** A range of lines of a token file. */
export interface TokenRange {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Tokens minted through the real `POST /oauth/token` before a run, one a line in a file. Each service
 * that must never see a token twice reads the pool through its own `TokenCursor`.
 */
export class TokenPool {
  private constructor(
    readonly file: string,
    readonly size: number,
    readonly mintSeconds: number,
  ) {}

  static mint(request: MintRequest): Promise<TokenPool> {
    return TokenPool.mintAt({
      ...request,
      url: `${request.issuanceUrl}/oauth/token`,
      form: {
        grant_type: 'client_credentials',
        client_id: request.client.clientId,
        client_secret: request.client.clientSecret,
        audience: request.audience,
      },
    });
  }

  /** Tokens from any token endpoint that answers `form` with `{access_token}` (the peer's too). */
  static async mintAt(
    request: Pick<MintRequest, 'count' | 'file' | 'concurrency' | 'log'> & {
      readonly url: string;
      readonly form: Record<string, string>;
    },
  ): Promise<TokenPool> {
    mkdirSync(dirname(request.file), { recursive: true });
    const out = createWriteStream(request.file);
    const concurrency = request.concurrency ?? 32;
    const poster = new FormPoster(concurrency);
    const started = performance.now();
    let requested = 0;
    let lastLog = started;
    const { form } = request;
    const worker = async () => {
      while (requested < request.count) {
        requested++;
        const response = await poster.post(request.url, form);
        if (response.status !== 200) throw new Error(`minting failed: ${response.status} ${response.text}`);
        out.write(`${(JSON.parse(response.text) as { access_token: string }).access_token}\n`);
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          request.log?.(
            `  minted ${requested.toLocaleString('en-US')} of ${request.count.toLocaleString('en-US')}`,
          );
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      poster.close();
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
    return new TokenPool(request.file, request.count, (performance.now() - started) / 1000);
  }

  /** A fresh reader of the pool, from its first token. */
  cursor(): TokenCursor {
    return new TokenCursor(this);
  }

  /** The first `count` tokens, for a reader that may reuse them (jose's verify loop keeps no cache). */
  sample(count: number): TokenRange {
    return { file: this.file, from: 0, to: Math.min(count, this.size) };
  }
}

/** Hands out a pool's tokens in order, each once. */
export class TokenCursor {
  private next = 0;

  constructor(private readonly pool: TokenPool) {}

  get remaining(): number {
    return this.pool.size - this.next;
  }

  /** The next `count` unused tokens (fewer if the pool has fewer); `consume` then marks what was used. */
  peek(count: number): TokenRange {
    return { file: this.pool.file, from: this.next, to: Math.min(this.pool.size, this.next + count) };
  }

  consume(count: number): void {
    this.next = Math.min(this.pool.size, this.next + count);
  }
}
