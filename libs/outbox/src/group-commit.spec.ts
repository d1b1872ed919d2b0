import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { GroupCommit, type BatchStatement } from './group-commit';
import type { Outbox } from './outbox.module';
import { OutboxWriter } from './outbox-writer';

/**
 * An outbox whose statements just run the work, recording each batch it was given and whether it
 * appended; `hold` keeps every statement in flight until `release` is called.
 */
function recordingOutbox(options: { hold?: boolean } = {}) {
  const batches: string[][] = [];
  const appended: boolean[] = [];
  const held: (() => void)[] = [];
  let started = 0;
  const outbox = {
    statement: async <T>(
      work: (manager: EntityManager, writer: OutboxWriter) => Promise<{ result: T; appended: boolean }>,
    ) => {
      started++;
      const outcome = await work({} as EntityManager, new OutboxWriter('s'));
      if (options.hold) await new Promise<void>((resolve) => held.push(resolve));
      appended.push(outcome.appended);
      return outcome.result;
    },
  } as unknown as Outbox;
  return {
    outbox,
    batches,
    appended,
    started: () => started,
    release: () => held.splice(0).forEach((resolve) => resolve()),
  };
}

/** Upper-cases every item; appends an event for each item but `same`; fails the batch holding `bad`. */
function upperCasing(batches: string[][]): BatchStatement<string, string> {
  return (_manager, items) => {
    batches.push(items);
    if (items.includes('bad')) return Promise.reject(new Error('constraint violated'));
    return Promise.resolve({
      results: items.map((item) => item.toUpperCase()),
      appended: items.some((item) => item !== 'same'),
    });
  };
}

describe('GroupCommit', () => {
  it('commits concurrent changes together, in lock order, answering each with its own result', async () => {
    const { outbox, batches, appended } = recordingOutbox();
    const commits = new GroupCommit<string, string>(outbox, upperCasing(batches), (item) => item);
    const first = commits.submit('same');
    const rest = ['z', 'a'].map((item) => commits.submit(item));
    expect(await Promise.all([first, ...rest])).toEqual(['SAME', 'Z', 'A']);
    expect(batches).toEqual([['same'], ['a', 'z']]);
    // Whether a commit appended events is passed on (the outbox nudges its relay only then).
    expect(appended).toEqual([false, true]);
  });

  it('retries a failed shared commit one change at a time, so only the bad change fails', async () => {
    const { outbox, batches } = recordingOutbox();
    const commits = new GroupCommit<string, string>(outbox, upperCasing(batches), (item) => item);
    const blocker = commits.submit('first');
    const outcomes = await Promise.allSettled([
      blocker,
      commits.submit('good'),
      commits.submit('bad'),
      commits.submit('fine'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The shared batch (in lock order) fails, then each change is retried alone, in submission order.
    expect(batches).toEqual([['first'], ['bad', 'fine', 'good'], ['good'], ['bad'], ['fine']]);
  });

  it('keeps several commits in flight when asked, each batch in lock order', async () => {
    const { outbox, batches, started, release } = recordingOutbox({ hold: true });
    const commits = new GroupCommit<string, string>(outbox, upperCasing(batches), (item) => item, 200, 2);
    const answers = ['b', 'a', 'd', 'c'].map((item) => commits.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    // Two commits in flight (one item each, taken as they came); the rest waits for a free one.
    expect(started()).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await Promise.all(answers)).toEqual(['B', 'A', 'D', 'C']);
    expect(batches.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const batch of batches) expect([...batch].sort()).toEqual(batch);
  });
});
