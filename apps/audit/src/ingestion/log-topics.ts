import { decodeEvent, TOPICS } from '@app/contracts';
import { logOfAccount, logOfIssued, logOfRevocation } from './log-event-mapping';
import type { LogRow } from './log-row';

/** The topics log events come from: what the log store ingests and what log streams deliver. */
export const LOG_TOPICS = [
  TOPICS.tokensIssued.name,
  TOPICS.tokensRevoked.name,
  TOPICS.accounts.name,
] as const;
export type LogTopic = (typeof LOG_TOPICS)[number];

/**
 * The log event of one record of a log topic, or null: a tombstone (a revocation compacted away, a
 * user's record removed), a record that does not decode (the store's consumer dead-letters it), or an
 * event that is not a log event of its own.
 */
export function logOfRecord(topic: LogTopic, value: Buffer | null): LogRow | null {
  if (value === null) return null;
  switch (topic) {
    case TOPICS.tokensIssued.name: {
      const decoded = decodeEvent(topic, value);
      return decoded.ok ? logOfIssued(decoded.event) : null;
    }
    case TOPICS.tokensRevoked.name: {
      const decoded = decodeEvent(topic, value);
      return decoded.ok ? logOfRevocation(decoded.event) : null;
    }
    case TOPICS.accounts.name: {
      const decoded = decodeEvent(topic, value);
      return decoded.ok ? logOfAccount(decoded.event) : null;
    }
  }
}
