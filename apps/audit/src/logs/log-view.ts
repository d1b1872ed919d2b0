import type { StoredLog } from '../log-store/log-events.repository';
import { logIdOf } from './log-query';

/** The fields of Auth0's log event, in Auth0's order: what `fields` may name. */
export const LOG_FIELDS = [
  'log_id',
  'date',
  'type',
  'description',
  'client_id',
  'client_name',
  'ip',
  'user_agent',
  'user_id',
  'user_name',
  'connection',
  'connection_id',
  'audience',
  'scope',
  'details',
  'hostname',
  'strategy',
  'strategy_type',
] as const;
export type LogField = (typeof LOG_FIELDS)[number];

export type LogView = Partial<Record<LogField, unknown>>;

/** A stored log event in Auth0's shape; fields it has no value for are left out, as Auth0 does. */
export function logView(log: StoredLog, hostname: string): LogView {
  const view: LogView = {
    log_id: logIdOf(new Date(log.date), log.seq),
    date: log.date,
    type: log.type,
    description: log.description,
    client_id: log.client_id,
    client_name: log.client_name,
    ip: log.ip,
    user_agent: log.user_agent,
    user_id: log.user_id,
    user_name: log.user_name,
    connection: log.connection,
    audience: log.audience,
    scope: log.scope,
    details: log.details,
    hostname,
  };
  for (const key of Object.keys(view) as LogField[]) if (view[key] === null) delete view[key];
  return view;
}

/** `fields` + `include_fields`: only those fields, or all but those. */
export function selectFields(
  view: LogView,
  fields: readonly LogField[] | undefined,
  include: boolean,
): LogView {
  if (!fields || fields.length === 0) return view;
  const wanted = new Set<string>(fields);
  return Object.fromEntries(Object.entries(view).filter(([key]) => wanted.has(key) === include));
}
