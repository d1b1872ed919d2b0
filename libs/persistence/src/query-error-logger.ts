import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's log, through the service's structured logger, with the query's text and the error but
 * never its parameters: those are the rows being written (password hashes, encrypted tokens, emails),
 * and TypeORM's own console logger prints them on a failed query (found by test/logs, issue #18 §2).
 * A failure's SQLSTATE code says enough to act on; the values are in the database, not the log.
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly logger: NestLogger;

  constructor(schema: string) {
    this.logger = new NestLogger(`PostgreSQL:${schema}`);
  }

  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    const code = typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
    this.logger.warn({ msg: 'query failed', error: message, sqlstate: code, query: query.slice(0, 500) });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, query: query.slice(0, 500) });
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }

  logQuery(): void {}

  logSchemaBuild(): void {}
}
