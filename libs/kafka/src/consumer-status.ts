/**
 * What a consumer reports about itself in `/health/ready` and `/metrics` (StreamMetrics): whether
 * it has caught up, how many records it dead-lettered and handler tries it repeated, and, when it
 * has stopped being trustworthy, why.
 */
export interface ConsumerStatus {
  readonly topic: string;
  readonly mode: 'shared' | 'broadcast';
  readonly caught_up: boolean;
  readonly dead_lettered: number;
  /** Dead letters that could not be written (the record is read again; nothing is committed past it). */
  readonly dead_letter_failures: number;
  readonly retried: number;
  /** Why this consumer makes the instance not ready (an event it could not apply), or null. */
  readonly halted: string | null;
}

const board = new Map<string, () => ConsumerStatus>();

/** The process's consumers, each under its name: one board per process, like its Kafka client. */
export const consumerStatuses = {
  register(name: string, status: () => ConsumerStatus): void {
    board.set(name, status);
  },
  remove(name: string): void {
    board.delete(name);
  },
  all(): Record<string, ConsumerStatus> {
    return Object.fromEntries([...board].map(([name, status]) => [name, status()]));
  },
};
