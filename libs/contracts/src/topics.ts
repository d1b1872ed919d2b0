/**
 * Kafka topics: `tessera.<stream>.v<N>` (DESIGN §5). A breaking change is a new topic next to the old.
 * Partition counts and retention are chosen on purpose; `npm run infra:up` creates the topics with
 * these settings through the admin client (auto-creation is off on our broker).
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
  readonly why: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * The revocation topic's compaction (issue #15 §2, docs/events.md "Tombstones"):
 * - `delete.retention.ms` (1 day): how long a tombstone stays readable after compaction has removed
 *   what it covers, so a reader replaying or lagging by less than that sees the tombstone itself.
 * - `segment.ms` (1 hour): the active segment is never compacted; rolling it hourly lets the
 *   cleaner reach the tombstones within hours even on a quiet (dev) broker, not after the 7-day default.
 * - `min.cleanable.dirty.ratio` (0.1) and `max.compaction.lag.ms` (1 day): clean when a tenth of the
 *   log is superseded, and at the latest a day after a record was written.
 * - `min.compaction.lag.ms` (1 hour): a revocation stays readable as written for an hour at least.
 */
export const REVOCATION_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'min.compaction.lag.ms': String(HOUR_MS),
  'max.compaction.lag.ms': String(DAY_MS),
  'delete.retention.ms': String(DAY_MS),
  'segment.ms': String(HOUR_MS),
  'min.cleanable.dirty.ratio': '0.1',
};

export const TOPICS = {
  /** Public contract: the audit stream of every token issued (and refused). Keyed by grant id. */
  tokensIssued: {
    name: 'tessera.tokens.issued.v1',
    partitions: 6,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    why: 'Audit stream: a month of history for auditors to replay; 6 partitions so issuance and its consumers can scale out, all events of one grant on one partition.',
  },
  /**
   * Public contract: every revocation. Keyed by the revocation target, so compaction keeps the latest
   * per target. Once the token a revocation covers has expired, revocation's janitor writes a
   * tombstone (null value) for its key (issue #15 §2), so compaction removes it and the topic holds
   * the live revocations only; subscribers must accept null values.
   */
  tokensRevoked: {
    name: 'tessera.tokens.revoked.v1',
    partitions: 3,
    config: REVOCATION_TOPIC_CONFIG,
    why: 'Compacted; once the token a revocation covers has expired, the revocation service writes a tombstone (null value, same key), so compaction removes it: a new validator rebuilds the live revocation state from the beginning. Subscribers must accept null values.',
  },
  /** Public keys and their states, keyed by kid. */
  signingKeys: {
    name: 'tessera.signing-keys.v1',
    partitions: 1,
    config: { 'cleanup.policy': 'compact' },
    why: 'A handful of keys: one partition keeps every state change in order; compaction keeps the latest state of each key.',
  },
  /** Client registrations (credential digests, never secrets), keyed by client id. */
  clients: {
    name: 'tessera.clients.v1',
    partitions: 3,
    config: { 'cleanup.policy': 'compact' },
    why: 'Services that authenticate clients (introspection, revocation) rebuild their view of clients from it; compaction keeps the latest snapshot of each client.',
  },
  /**
   * Users and linked identities (user.*, identity.*), keyed by user id. Every change to a user ends
   * with a full snapshot event (user.created / user.updated / user.deleted) keyed by that user, so
   * compaction always keeps each user's latest snapshot.
   */
  accounts: {
    name: 'tessera.accounts.v1',
    partitions: 3,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60 * 60 * 1000) },
    why: 'Compacted: a new consumer (issuance for ID-token claims, introspection for /userinfo) rebuilds every user profile from the beginning; the last event of each user is always its snapshot.',
  },
  /**
   * Events a consumer could not apply (undecodable, unknown type or major version, a handler that
   * kept failing), byte for byte, with where they came from and why in headers (DEAD_LETTER_HEADERS).
   * Keyed by the original key. Not an event stream: values are whatever the original held.
   */
  deadLetter: {
    name: 'tessera.dead-letter.v1',
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    why: 'A month for an operator to inspect and replay what a consumer could not apply (npm run dead-letters); deleted by age, never compacted, so every failure stays visible.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS]['name'];

export const ALL_TOPICS: readonly TopicSpec[] = Object.values(TOPICS);
