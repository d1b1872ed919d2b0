import { Inject, Injectable } from '@nestjs/common';
import { invalidQueryString, notFound, pageOf } from '@app/management';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { LogEventsRepository, LogSearchTimeout } from '../log-store/log-events.repository';
import type { LogsQuery, UserLogsQuery } from './log-params';
import { compileLogQuery, LogQueryError, parseLogId, parseLogQuery, type SqlCondition } from './log-query';
import { logView, selectFields, type LogView } from './log-view';

/** Auth0's log API over the log store: searches, checkpoint reads, one event. */
@Injectable()
export class LogsService {
  private readonly hostname: string;

  constructor(
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    private readonly logs: LogEventsRepository,
  ) {
    this.hostname = new URL(config.TESSERA_ISSUER).hostname;
  }

  async list(query: LogsQuery) {
    if (query.from !== undefined || query.take !== undefined) return this.checkpoint(query);
    let where: SqlCondition = { sql: 'TRUE', params: [] };
    if (query.q !== undefined) {
      try {
        where = compileLogQuery(parseLogQuery(query.q));
      } catch (error) {
        if (error instanceof LogQueryError) throw invalidQueryString(`q: ${error.message}.`);
        throw error;
      }
    }
    return this.search(where, query);
  }

  listOfUser(userId: string, query: UserLogsQuery) {
    return this.search({ sql: '"user_id" = $1', params: [userId] }, query);
  }

  async get(logId: string): Promise<LogView> {
    const id = parseLogId(logId);
    const log = id ? await this.logs.find(id.seq, id.dayStart, id.dayEnd) : null;
    if (!log) throw notFound('Log event not found', 'inexistent_log');
    return logView(log, this.hostname);
  }

  private async search(where: SqlCondition, query: UserLogsQuery) {
    const { logs, total } = await this.logs
      .search(
        where,
        query.sort === 'date:1' ? 'asc' : 'desc',
        query.page * query.per_page,
        query.per_page,
        query.include_totals,
      )
      .catch((error: unknown) => {
        if (!(error instanceof LogSearchTimeout)) throw error;
        throw invalidQueryString(
          `the search took longer than ${error.timeoutMs} ms. Narrow it: a date range, a type, a user_id or an exact value instead of a wildcard.`,
        );
      });
    const views = logs.map((log) =>
      selectFields(logView(log, this.hostname), query.fields, query.include_fields),
    );
    return pageOf('logs', views, total, query);
  }

  /**
   * Checkpoint paging (Auth0 "Retrieve log events by checkpoint"): the events stored after `from`,
   * in the order they were stored, so an event that arrived late is still read exactly once.
   * Without `from`, from the oldest kept. `q`, `sort` and pages do not apply, and are refused.
   */
  private async checkpoint(query: LogsQuery): Promise<LogView[]> {
    if (query.q !== undefined || query.sort !== undefined || query.page !== 0 || query.include_totals) {
      throw invalidQueryString('from and take cannot be combined with q, sort, page or include_totals.');
    }
    let after = '0';
    if (query.from !== undefined) {
      const id = parseLogId(query.from);
      if (!id) throw invalidQueryString('from must be a log_id.');
      after = id.seq;
    }
    const logs = await this.logs.after(after, query.take ?? 50);
    return logs.map((log) => selectFields(logView(log, this.hostname), query.fields, query.include_fields));
  }
}
