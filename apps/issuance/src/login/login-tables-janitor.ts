import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { AuthorizationCodesRepository } from './authorization-codes.repository';
import { AuthorizeTransactionsRepository } from './authorize-transactions.repository';
import { ConsentPromptsRepository } from './consent/consent-prompts.repository';
import { LoginSessionsRepository } from './login-sessions.repository';

/**
 * Deletes expired `/authorize` transactions, consent prompts, authorization codes and login sessions on
 * a schedule (review #7: every anonymous `/authorize` inserts a transaction, every logged-in one of a
 * third-party client a consent prompt, and only an answer removes them). Each
 * sweep is one `DELETE … WHERE expires_at < now` per table, so several instances sweeping at once
 * only repeat each other's work. The timer never keeps the process alive.
 */
@Injectable()
export class LoginTablesJanitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LoginTablesJanitor.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly transactions: AuthorizeTransactionsRepository,
    private readonly consentPrompts: ConsentPromptsRepository,
    private readonly codes: AuthorizationCodesRepository,
    private readonly sessions: LoginSessionsRepository,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweepOnce(),
      this.config.TESSERA_LOGIN_PRUNE_INTERVAL_SECONDS * 1000,
    );
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep; a sweep still running (a slow database) is not started twice. */
  sweepOnce(): Promise<void> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweep(): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await this.transactions.pruneExpired(now);
      await this.consentPrompts.pruneExpired(now);
      await this.codes.pruneExpired(now);
      await this.sessions.pruneExpired(now);
    } catch (error) {
      // The next sweep tries again; expired rows are refused on read meanwhile.
      this.logger.warn(`pruning expired login rows failed: ${(error as Error).message}`);
    }
  }
}
