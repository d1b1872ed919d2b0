import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { GroupCommit } from './group-commit';
import type { Outbox } from './outbox.module';
import { OutboxWriter, type OutboxEvent } from './outbox-writer';

/** An outbox whose transactions just run the work and record what each one committed. */
function recordingOutbox() {
  const committed: string[][] = [];
  const outbox = {
    transaction: async <T>(
      work: (manager: EntityManager) => Promise<{ result: T; events: OutboxEvent[] }>,
    ) => {
      const { result, events } = await work({} as EntityManager);
      committed.push(events.map((e) => e.key));
      return result;
    },
  } as unknown as Outbox;
  return { outbox, committed };
}

const event = (key: string): OutboxEvent => ({ topic: 't', key, event: { id: key } });

describe('GroupCommit', () => {
  it('commits concurrent changes together, in lock order, answering each with its own result', async () => {
    const { outbox, committed } = recordingOutbox();
    const commits = new GroupCommit<string, string>(
      outbox,
      (_manager, item) => Promise.resolve({ result: item.toUpperCase(), events: [event(item)] }),
      (item) => item,
    );
    const first = commits.submit('m');
    const rest = ['z', 'a'].map((item) => commits.submit(item));
    expect(await Promise.all([first, ...rest])).toEqual(['M', 'Z', 'A']);
    expect(committed).toEqual([['m'], ['a', 'z']]);
  });

  it('retries a failed shared transaction one change at a time, so only the bad change fails', async () => {
    const { outbox, committed } = recordingOutbox();
    const commits = new GroupCommit<string, string>(
      outbox,
      (_manager, item) =>
        item === 'bad'
          ? Promise.reject(new Error('constraint violated'))
          : Promise.resolve({ result: item, events: [event(item)] }),
      (item) => item,
    );
    const blocker = commits.submit('first');
    const outcomes = await Promise.allSettled([
      blocker,
      commits.submit('good'),
      commits.submit('bad'),
      commits.submit('fine'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The retries run one change per transaction, in submission order (a single change needs no lock order).
    expect(committed).toEqual([['first'], ['good'], ['fine']]);
  });

  it('stages a batch at once with a batch stager, and keeps several transactions in flight when asked', async () => {
    let started = 0;
    const release: (() => void)[] = [];
    const staged: string[][] = [];
    const outbox = {
      transaction: async <T>(
        work: (manager: EntityManager) => Promise<{ result: T; events: OutboxEvent[] }>,
      ) => {
        started++;
        const { result } = await work({} as EntityManager);
        await new Promise<void>((resolve) => release.push(resolve));
        return result;
      },
    } as unknown as Outbox;
    const commits = new GroupCommit<string, string>(
      outbox,
      {
        many: (_manager, items) => {
          staged.push(items);
          return Promise.resolve(items.map((item) => ({ result: item.toUpperCase(), events: [] })));
        },
      },
      (item) => item,
      200,
      2,
    );
    const answers = ['b', 'a', 'd', 'c'].map((item) => commits.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    // Two transactions in flight (one item each, taken as they came); the rest waits for a free one.
    expect(started).toBe(2);
    release.splice(0).forEach((resolve) => resolve());
    await new Promise((resolve) => setImmediate(resolve));
    release.splice(0).forEach((resolve) => resolve());
    expect(await Promise.all(answers)).toEqual(['B', 'A', 'D', 'C']);
    expect(staged.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    // Each batch is staged in lock order.
    for (const batch of staged) expect([...batch].sort()).toEqual(batch);
  });

  it('commits a batch in one statement with a statement stager, in lock order, saying whether it appended events', async () => {
    const statements: string[][] = [];
    const appendedFlags: boolean[] = [];
    const outbox = {
      statement: async <T>(
        work: (manager: EntityManager, writer: OutboxWriter) => Promise<{ result: T; appended: boolean }>,
      ) => {
        const { result, appended } = await work({} as EntityManager, new OutboxWriter('s'));
        appendedFlags.push(appended);
        return result;
      },
    } as unknown as Outbox;
    const commits = new GroupCommit<string, string>(
      outbox,
      {
        statement: (_manager, items) => {
          statements.push(items);
          return Promise.resolve({
            results: items.map((item) => item.toUpperCase()),
            appended: items.some((item) => item !== 'same'),
          });
        },
      },
      (item) => item,
    );
    const first = commits.submit('same');
    const rest = ['z', 'a'].map((item) => commits.submit(item));
    expect(await Promise.all([first, ...rest])).toEqual(['SAME', 'Z', 'A']);
    expect(statements).toEqual([['same'], ['a', 'z']]);
    expect(appendedFlags).toEqual([false, true]);
  });
});
