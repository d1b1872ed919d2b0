import { join } from 'node:path';
import type { BenchEnvironment } from './bench-environment';
import { waitForConsumersToCatchUp } from './consumer-lag';
import { settleDatabase } from './database-settling';
import { pinProcess } from './cpu-pinning';
import { LOADGEN_CPUS, SERVER_CPUS } from './run-load';
import { TokenPool } from './token-pool';

/**
 * Mints the token pools the scenarios need through the stack's issuance service. One large pool is
 * shared by the distinct-token scenarios of an invocation (introspection and revocation each read it
 * from the start through their own cursor: each service still sees every token once), because
 * minting is the slowest part of the setup.
 */
export class PoolProvider {
  private shared: Promise<TokenPool> | null = null;

  constructor(
    private readonly env: BenchEnvironment,
    private readonly sharedSize: number,
    private readonly log: (line: string) => void,
    /** Called once a pool is minted and consumed (e.g. to start the CPU profiles afresh). */
    private readonly onMinted: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  /** The invocation's shared pool of `--max-pool` tokens, minted on first use. */
  sharedPool(): Promise<TokenPool> {
    this.shared ??= this.mint('shared', this.sharedSize);
    return this.shared;
  }

  /**
   * Mints `count` tokens of the stack's client for its ES256 API. Minting is setup, not measurement:
   * issuance may use both cores meanwhile and goes back to its place before anything is timed, and
   * the services' consumers have applied every event of the minting and the database has been
   * settled (`settleDatabase`) by then.
   */
  async mint(name: string, count: number): Promise<TokenPool> {
    const { info } = this.env.stack;
    const issuancePid = this.env.service('issuance').process.pid!;
    this.log(`  minting ${count.toLocaleString('en-US')} tokens through POST /oauth/token (${name} pool)…`);
    pinProcess(issuancePid, `${SERVER_CPUS},${LOADGEN_CPUS}`);
    try {
      const pool = await TokenPool.mint({
        issuanceUrl: info.urls.issuance,
        client: info.client,
        audience: info.api.identifier,
        count,
        file: join(this.env.repoRoot, '.tessera', 'bench', 'tokens', `${name}-${process.pid}.txt`),
        log: this.log,
      });
      this.log(
        `  minted ${count.toLocaleString('en-US')} in ${pool.mintSeconds.toFixed(1)} s ` +
          `(${Math.round(count / pool.mintSeconds).toLocaleString('en-US')}/s, issuance on both cores)`,
      );
      const caughtUp = await waitForConsumersToCatchUp(info.brokers, info.kafkaGroupPrefix, this.log);
      this.log(`  the services' consumers caught up with the pool's events in ${caughtUp.toFixed(1)} s`);
      const settled = await settleDatabase(info.databaseUrl);
      this.log(`  the stack's database vacuumed and checkpointed in ${settled.toFixed(1)} s`);
      await this.onMinted();
      return pool;
    } finally {
      pinProcess(issuancePid, this.env.cpusOf('issuance'));
    }
  }

  /** Deletes the token files (they hold live tokens). */
  async dispose(): Promise<void> {
    const { rmSync } = await import('node:fs');
    rmSync(join(this.env.repoRoot, '.tessera', 'bench', 'tokens'), { recursive: true, force: true });
  }
}
