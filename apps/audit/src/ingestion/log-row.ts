/** One row of the log store: Auth0's log event fields (absent ones null), plus the event's id. */
export interface LogRow {
  /** The event's `occurred_at` (ISO): the log's `date`, and the partition it lives in. */
  readonly date: string;
  /** The envelope's id: a redelivered event finds its row and adds nothing. */
  readonly event_id: string;
  readonly type: string;
  readonly description: string | null;
  readonly client_id: string | null;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly user_id: string | null;
  readonly user_name: string | null;
  readonly connection: string | null;
  readonly audience: string | null;
  readonly scope: string | null;
  readonly details: Record<string, unknown>;
}

/** A row with every optional field empty, to be filled by a mapping. */
export function logRow(
  envelope: { id: string; occurred_at: string; correlation_id: string },
  type: string,
  fields: Partial<Omit<LogRow, 'date' | 'event_id' | 'type'>>,
): LogRow {
  return {
    date: new Date(envelope.occurred_at).toISOString(),
    event_id: envelope.id,
    type,
    description: null,
    client_id: null,
    ip: null,
    user_agent: null,
    user_id: null,
    user_name: null,
    connection: null,
    audience: null,
    scope: null,
    ...fields,
    details: { correlation_id: envelope.correlation_id, ...fields.details },
  };
}
