import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { OutboxBatcher } from './outbox-batcher';
import type { OutboxEvent, OutboxWriter } from './outbox-writer';

const event = (id: string): OutboxEvent => ({ topic: 't', key: id, event: { id } });

/** A writer that records each INSERT and lets the test decide when it completes. */
function controllableWriter() {
  const inserts: string[][] = [];
  const completions: (() => void)[] = [];
  let failNext = false;
  const writer = {
    append: (_manager: EntityManager, events: readonly OutboxEvent[]) => {
      inserts.push(events.map((e) => e.event.id));
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('insert failed'));
      }
      return new Promise<void>((resolve) => completions.push(resolve));
    },
  } as unknown as OutboxWriter;
  return { writer, inserts, completions, failOnce: () => (failNext = true) };
}

describe('OutboxBatcher', () => {
  it('writes what arrives during an insert in the next single insert', async () => {
    const { writer, inserts, completions } = controllableWriter();
    let nudges = 0;
    const batcher = new OutboxBatcher(
      writer,
      () => ({}) as EntityManager,
      () => nudges++,
    );
    const first = batcher.append([event('a')]);
    const rest = [batcher.append([event('b')]), batcher.append([event('c'), event('d')])];
    expect(inserts).toEqual([['a']]);
    completions.shift()!();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(inserts).toEqual([['a'], ['b', 'c', 'd']]);
    completions.shift()!();
    await Promise.all(rest);
    expect(nudges).toBe(2);
  });

  it('rejects exactly the callers whose insert failed, and carries on', async () => {
    const { writer, completions, failOnce } = controllableWriter();
    const batcher = new OutboxBatcher(
      writer,
      () => ({}) as EntityManager,
      () => undefined,
    );
    failOnce();
    await expect(batcher.append([event('x')])).rejects.toThrow('insert failed');
    const next = batcher.append([event('y')]);
    completions.shift()!();
    await expect(next).resolves.toBeUndefined();
  });

  it('caps the rows of one insert', async () => {
    const { writer, inserts, completions } = controllableWriter();
    const batcher = new OutboxBatcher(
      writer,
      () => ({}) as EntityManager,
      () => undefined,
      2,
    );
    const all = [
      batcher.append([event('1')]),
      batcher.append([event('2')]),
      batcher.append([event('3')]),
      batcher.append([event('4')]),
    ];
    for (let i = 0; i < 3; i++) {
      completions.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(inserts).toEqual([['1'], ['2', '3'], ['4']]);
  });
});
