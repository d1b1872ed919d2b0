/**
 * The headers of a record on `tessera.dead-letter.v1` (TOPICS.deadLetter). The value is the original
 * record's value, byte for byte; the key is its key. Header values are UTF-8 strings.
 */
export const DEAD_LETTER_HEADERS = {
  /** Topic, partition and offset the record was read from: where to find it again. */
  topic: 'tessera-dl-original-topic',
  partition: 'tessera-dl-original-partition',
  offset: 'tessera-dl-original-offset',
  /** The original key (also the dead letter's key); absent for a record without a key. */
  key: 'tessera-dl-original-key',
  /** The original record's timestamp, epoch milliseconds, as Kafka gave it. */
  timestamp: 'tessera-dl-original-timestamp',
  /** Why (DeadLetterReason). */
  reason: 'tessera-dl-reason',
  /** A short, human explanation (a parse error, the unknown type, a handler's error message). */
  detail: 'tessera-dl-detail',
  /** Which consumer gave up on it (its name; a broadcast reader's copies carry each reader's name). */
  consumer: 'tessera-dl-consumer',
  /** When it was dead-lettered, ISO 8601. */
  failedAt: 'tessera-dl-failed-at',
} as const;

/**
 * Why an event was dead-lettered:
 * - `unparseable`: not JSON, or not an event envelope at all;
 * - `unknown_major_version`: an envelope `version` this consumer does not know (an incompatible producer);
 * - `unknown_type`: a `type` this topic's contract does not define (a newer producer, a rolling deploy);
 * - `schema_mismatch`: a known type and version whose fields do not satisfy the contract;
 * - `handler_failed`: a valid event whose handler kept throwing after its retries.
 */
export type DeadLetterReason =
  'unparseable' | 'unknown_major_version' | 'unknown_type' | 'schema_mismatch' | 'handler_failed';
