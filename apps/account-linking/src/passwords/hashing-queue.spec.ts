import { describe, expect, it } from 'vitest';
import {
  HashingQueue,
  HashingQueueFullError,
  type HashingLane,
  type HashingQueueLimits,
} from './hashing-queue';

/** A hash that finishes when the test says so, recording the order hashes started in. */
function harness(limits: Partial<HashingQueueLimits> = {}) {
  const queue = new HashingQueue({
    concurrency: 1,
    normalQueue: 10,
    priorityQueue: 10,
    priorityBurst: 3,
    ...limits,
  });
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const submit = (lane: HashingLane, name: string) =>
    queue.run(lane, () => {
      started.push(name);
      return new Promise<string>((resolve) => finishers.set(name, () => resolve(name)));
    });
  /** Finishes a running hash and lets the queue start the next ones. */
  const finish = async (name: string) => {
    const done = finishers.get(name);
    if (!done) throw new Error(`${name} is not running`);
    done();
    await flush();
  };
  return { queue, started, submit, finish };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('HashingQueue', () => {
  it('runs up to its concurrency at once and queues the rest in arrival order', async () => {
    const { queue, started, submit, finish } = harness({ concurrency: 2 });
    const results = ['a', 'b', 'c', 'd'].map((name) => submit('normal', name));
    await flush();
    expect(started).toEqual(['a', 'b']);
    expect(queue.load()).toEqual({ running: 2, waiting: { priority: 0, normal: 2 } });
    await finish('b');
    expect(started).toEqual(['a', 'b', 'c']);
    await finish('a');
    await finish('c');
    await finish('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(queue.load()).toEqual({ running: 0, waiting: { priority: 0, normal: 0 } });
  });

  it('refuses at once, with a Retry-After hint, what does not fit in the normal lane', async () => {
    const { queue, started, submit, finish } = harness({ concurrency: 1, normalQueue: 2 });
    const accepted = ['a', 'b', 'c'].map((name) => submit('normal', name));
    const refused = submit('normal', 'd');
    await expect(refused).rejects.toBeInstanceOf(HashingQueueFullError);
    await expect(refused).rejects.toMatchObject({ lane: 'normal', retryAfterSeconds: 1 });
    await flush();
    expect(started).toEqual(['a']);
    expect(queue.load().waiting.normal).toBe(2);
    // Once the lane has room again, it takes hashes again.
    await finish('a');
    const later = submit('normal', 'e');
    for (const name of ['b', 'c', 'e']) await finish(name);
    await expect(Promise.all([...accepted, later])).resolves.toEqual(['a', 'b', 'c', 'e']);
  });

  it('serves the priority lane first, so its hash does not wait behind a full normal lane', async () => {
    const { started, submit, finish } = harness({ concurrency: 1, normalQueue: 3 });
    const flood = ['n1', 'n2', 'n3', 'n4'].map((name) => submit('normal', name));
    const owner = submit('priority', 'owner');
    const refused = submit('normal', 'n5');
    await expect(refused).rejects.toMatchObject({ lane: 'normal' });
    await finish('n1');
    expect(started).toEqual(['n1', 'owner']);
    for (const name of ['owner', 'n2', 'n3', 'n4']) await finish(name);
    await expect(owner).resolves.toBe('owner');
    await expect(Promise.all(flood)).resolves.toHaveLength(4);
  });

  it('tells before any work whether a lane would refuse a hash', async () => {
    const { queue, submit, finish } = harness({ concurrency: 1, normalQueue: 1, priorityQueue: 1 });
    expect(queue.refusal('normal')).toBeUndefined();
    void submit('normal', 'running');
    void submit('normal', 'waiting');
    expect(queue.refusal('normal')).toMatchObject({ lane: 'normal', retryAfterSeconds: 1 });
    expect(queue.refusal('priority')).toBeUndefined();
    await flush();
    await finish('running');
    expect(queue.refusal('normal')).toBeUndefined();
  });

  it('bounds the priority lane on its own: a full normal lane does not refuse it, a full priority lane does', async () => {
    const { submit } = harness({ concurrency: 1, normalQueue: 1, priorityQueue: 1 });
    void submit('normal', 'running');
    void submit('normal', 'waiting');
    await expect(submit('normal', 'refused')).rejects.toMatchObject({ lane: 'normal' });
    void submit('priority', 'p1');
    await expect(submit('priority', 'p2')).rejects.toMatchObject({ lane: 'priority' });
  });

  it('gives the normal lane one slot after each burst of priority hashes, so neither lane starves', async () => {
    const { started, submit, finish } = harness({ concurrency: 1, priorityBurst: 2 });
    void submit('normal', 'first');
    for (const name of ['n1', 'n2']) void submit('normal', name);
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) void submit('priority', name);
    await flush();
    for (const name of ['first', 'p1', 'p2', 'n1', 'p3', 'p4', 'n2', 'p5']) await finish(name);
    expect(started).toEqual(['first', 'p1', 'p2', 'n1', 'p3', 'p4', 'n2', 'p5']);
  });

  it('frees the slot of a hash that fails, and passes its error on', async () => {
    const queue = new HashingQueue({ concurrency: 1, normalQueue: 1, priorityQueue: 1, priorityBurst: 1 });
    await expect(queue.run('normal', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('normal', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(queue.load().running).toBe(0);
  });

  it('estimates Retry-After from the time hashes take and the work ahead', async () => {
    const queue = new HashingQueue({ concurrency: 1, normalQueue: 3, priorityQueue: 0, priorityBurst: 1 });
    // Teach the queue that one hash takes about 600 ms without waiting for it.
    const clock = { now: 0 };
    const real = performance.now.bind(performance);
    performance.now = () => clock.now;
    try {
      for (let i = 0; i < 20; i += 1) {
        await queue.run('normal', () => {
          clock.now += 600;
          return Promise.resolve();
        });
      }
    } finally {
      performance.now = real;
    }
    const blocker = new Promise<void>(() => {});
    for (let i = 0; i < 4; i += 1) void queue.run('normal', () => blocker);
    // 1 running + 3 waiting, ~600 ms each, one at a time: about 2.4 s, rounded up.
    await expect(queue.run('normal', () => Promise.resolve())).rejects.toMatchObject({
      retryAfterSeconds: 3,
    });
  });

  it('refuses limits that are not whole numbers, and a concurrency below 1', () => {
    const limits = { concurrency: 1, normalQueue: 1, priorityQueue: 1, priorityBurst: 1 };
    expect(() => new HashingQueue({ ...limits, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new HashingQueue({ ...limits, normalQueue: 1.5 })).toThrow(/normalQueue/);
    expect(() => new HashingQueue({ ...limits, priorityQueue: 0 })).not.toThrow();
  });
});
