import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DrainTimeoutError,
  FakeClock,
  ItemExponentialFailureRateLimiter,
  QueueMisuseError,
  defaultQueueStorage,
  newQueue,
  newRateLimitingQueue,
  type GetResult,
  type QueueStorage,
  type WorkQueue,
} from '../../src/queue/index.js';
import { drainNow, flush, isSettled, mustGet, rng } from './helpers.js';

type ShutdownMode = 'shutDown' | 'shutDownWithDrain';
const MODES: ShutdownMode[] = ['shutDown', 'shutDownWithDrain'];

async function microYield(random: () => number): Promise<void> {
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) await Promise.resolve();
  if (random() < 0.05) await flush(1);
}

describe('WorkQueue: client-go behaviours', () => {
  // client-go TestBasic: many producers and consumers, under both shutdown modes.
  it.each(MODES)('many producers and consumers, then %s', async (mode) => {
    const clock = new FakeClock();
    const q = newQueue<number | string>({ clock });
    const random = rng(42);
    const processedBy = new Map<number | string, number>();
    const active = new Set<number | string>();

    const producers = Array.from({ length: 50 }, async (_, i) => {
      for (let j = 0; j < 50; j++) {
        q.add(i);
        await microYield(random);
      }
    });
    let gotAfterShutdownItem = false;
    const consumers = Array.from({ length: 10 }, async (_, w) => {
      for (;;) {
        const [item, shutdown] = await q.get();
        if (item === 'added after shutdown!') gotAfterShutdownItem = true;
        if (shutdown) return;
        expect(active.has(item)).toBe(false); // never two workers on one item
        active.add(item);
        processedBy.set(item, w);
        await microYield(random);
        active.delete(item);
        q.done(item);
      }
    });

    await Promise.all(producers);
    const stopped = mode === 'shutDown' ? (q.shutDown(), Promise.resolve()) : q.shutDownWithDrain();
    q.add('added after shutdown!');
    await Promise.all(consumers);
    await stopped;

    expect(gotAfterShutdownItem).toBe(false);
    expect(q.len()).toBe(0);
    expect(q.processing()).toEqual([]);
    expect(processedBy.size).toBe(50); // every producer's item was processed
    const s = q.stats();
    expect(s.adds).toBe(2500);
    expect(s.ignoredAdds).toBe(1);
    expect(s.gets).toBe(s.dones);
    expect(s.misuses).toBe(0);
    expect(clock.pendingTimerCount()).toBe(0);
  });

  // client-go TestAddWhileProcessing.
  it.each(MODES)('add while processing, then %s', async (mode) => {
    const q = newQueue<number>({ clock: new FakeClock() });
    const random = rng(7);
    const producers = Array.from({ length: 50 }, async (_, i) => {
      await microYield(random);
      q.add(i);
    });
    const seen = new Map<number, number>();
    const consumers = Array.from({ length: 10 }, async () => {
      // Every worker re-adds every item up to two times: the dirty-while-processing case.
      const counters = new Map<number, number>();
      for (;;) {
        const [item, shutdown] = await q.get();
        if (shutdown) return;
        const n = (counters.get(item) ?? 0) + 1;
        counters.set(item, n);
        seen.set(item, (seen.get(item) ?? 0) + 1);
        if (n < 2) q.add(item);
        await microYield(random);
        q.done(item);
      }
    });
    await Promise.all(producers);
    await flush();
    const stopped = mode === 'shutDown' ? (q.shutDown(), Promise.resolve()) : q.shutDownWithDrain();
    await Promise.all(consumers);
    await stopped;
    expect(q.len()).toBe(0);
    expect(seen.size).toBe(50);
    for (const n of seen.values()) expect(n).toBeGreaterThanOrEqual(2);
  });

  // client-go TestLen.
  it('length counts duplicates once', () => {
    const q = newQueue<string>();
    q.add('foo');
    expect(q.len()).toBe(1);
    q.add('bar');
    expect(q.len()).toBe(2);
    q.add('foo'); // should not increase the queue length
    expect(q.len()).toBe(2);
    q.shutDown();
  });

  // client-go TestReinsert.
  it('re-adds an item added while it is processed, on done()', async () => {
    const q = newQueue<string>();
    q.add('foo');
    const i = await mustGet(q);
    expect(i).toBe('foo');
    q.add(i); // add it back while processing
    expect(q.len()).toBe(0); // not handed to anyone while being processed
    q.done(i);
    expect(q.len()).toBe(1); // back on the queue
    expect(await mustGet(q)).toBe('foo');
    q.done('foo');
    expect(q.len()).toBe(0);
  });

  // client-go TestCollapse.
  it('collapses an item added twice before it is taken', async () => {
    const q = newQueue<string>();
    q.add('bar');
    q.add('bar');
    expect(await mustGet(q)).toBe('bar');
    q.done('bar');
    expect(q.len()).toBe(0);
    expect(q.stats()).toMatchObject({ adds: 2, gets: 1, dones: 1 });
  });

  it('keeps the first position of a collapsed item', async () => {
    const q = newQueue<string>();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(await drainNow(q)).toEqual(['a', 'b', 'c']);
  });

  // client-go TestCollapseWhileProcessing.
  it('collapses adds while processing and does not hand the item to another worker', async () => {
    const q = newQueue<string>();
    q.add('foo');
    const first = await mustGet(q);
    expect(first).toBe('foo');
    q.add('foo');
    q.add('foo');
    // Another worker waits: it must not get "foo" while it is being processed.
    const other = q.get();
    expect(await isSettled(other)).toBe(false);
    expect(q.len()).toBe(0);
    q.done('foo');
    const [again, shutdown] = await other;
    expect(shutdown).toBe(false);
    expect(again).toBe('foo');
    q.done('foo');
    expect(q.len()).toBe(0);
    expect(q.stats().gets).toBe(2);
  });

  // client-go TestQueueDrainageUsingShutDownWithDrain.
  it('shutDownWithDrain waits until every taken item is done', async () => {
    const q = newQueue<string>();
    q.add('foo');
    q.add('bar');
    const firstItem = await mustGet(q);
    const secondItem = await mustGet(q);
    const drained = q.shutDownWithDrain();
    expect(q.shuttingDown()).toBe(true);
    // Workers see the shutdown (the queue is empty) ...
    expect(await q.get()).toEqual([undefined, true]);
    // ... but the drain waits for the items being processed.
    expect(await isSettled(drained)).toBe(false);
    q.done(firstItem);
    expect(await isSettled(drained)).toBe(false);
    q.done(secondItem);
    expect(await isSettled(drained)).toBe(true);
    await drained;
  });

  // client-go TestNoQueueDrainageUsingShutDown.
  it('plain shutDown does not wait for items being processed', async () => {
    const q = newQueue<string>();
    q.add('foo');
    q.add('bar');
    await q.get();
    await q.get();
    q.shutDown(); // returns at once
    expect(q.shuttingDown()).toBe(true);
    expect(q.processing().map((p) => p.item)).toEqual(['foo', 'bar']);
  });

  // client-go TestForceQueueShutdownUsingShutDown.
  it('shutDown releases a waiting shutDownWithDrain', async () => {
    const q = newQueue<string>();
    q.add('foo');
    q.add('bar');
    await q.get();
    await q.get();
    const drained = q.shutDownWithDrain();
    expect(await q.get()).toEqual([undefined, true]);
    expect(await isSettled(drained)).toBe(false);
    q.shutDown(); // e.g. a second SIGTERM
    await expect(drained).resolves.toBeUndefined();
  });

  // client-go TestQueueDrainageUsingShutDownWithDrainWithDirtyItem.
  it('returns a dirty item during drain, then signals shutdown', async () => {
    const q = newQueue<string>();
    q.add('foo');
    const gotten = await mustGet(q);
    q.add('foo');
    const drained = q.shutDownWithDrain();
    expect(await q.get()).toEqual([undefined, true]);
    q.done(gotten); // "foo" goes back into the queue
    const [again, shuttingDown] = await q.get();
    expect(shuttingDown).toBe(false);
    expect(again).toBe('foo');
    q.done('foo');
    expect(await q.get()).toEqual([undefined, true]);
    await drained;
  });

  // client-go TestGarbageCollection: the queue keeps no reference to a finished item.
  it('lets a finished object item be garbage collected', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const q = newQueue<{ data: string }>();
    // In a separate function so that no local of this test keeps the object alive.
    async function cycle(): Promise<WeakRef<object>> {
      const big = { data: 'hello'.repeat(1000) };
      q.add(big);
      const o = await mustGet(q);
      q.done(o);
      return new WeakRef(big);
    }
    const ref = await cycle();
    for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
      await flush(1);
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    q.shutDown();
  });
});

describe('WorkQueue: waiting, FIFO and shutdown', () => {
  it('serves waiting get() calls first come, first served', async () => {
    const q = newQueue<string>();
    const order: string[] = [];
    const waiters = ['w1', 'w2', 'w3'].map(async (w) => {
      const item = await mustGet(q);
      order.push(`${w}:${item}`);
    });
    await flush();
    expect(q.stats().waitingGets).toBe(3);
    q.add('a');
    q.add('b');
    q.add('c');
    await Promise.all(waiters);
    expect(order).toEqual(['w1:a', 'w2:b', 'w3:c']);
  });

  it('hands out items in FIFO order', async () => {
    const q = newQueue<number>();
    for (let i = 0; i < 100; i++) q.add(i);
    expect(await drainNow(q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('wakes waiting workers with [undefined, true] on shutdown', async () => {
    const q = newQueue<string>();
    const a = q.get();
    const b = q.get();
    expect(await isSettled(a)).toBe(false);
    q.shutDown();
    expect(await a).toEqual([undefined, true]);
    expect(await b).toEqual([undefined, true]);
  });

  it('still hands out queued items after shutdown, then signals shutdown', async () => {
    const q = newQueue<string>();
    q.add('a');
    q.add('b');
    q.shutDown();
    expect(q.len()).toBe(2);
    expect(await q.get()).toEqual(['a', false]);
    expect(await q.get()).toEqual(['b', false]);
    expect(await q.get()).toEqual([undefined, true]);
    q.done('a');
    q.done('b');
  });

  it('ignores and counts adds after shutdown; get() on an empty shut-down queue resolves at once', async () => {
    const q = newQueue<string>();
    q.shutDown();
    q.add('late');
    q.add('late');
    expect(q.len()).toBe(0);
    expect(q.stats().ignoredAdds).toBe(2);
    expect(q.stats().adds).toBe(0);
    expect(await isSettled(q.get())).toBe(true);
    expect(await q.get()).toEqual([undefined, true]);
  });

  it('does not re-queue an item added while processing after shutdown', async () => {
    const q = newQueue<string>();
    q.add('x');
    await q.get();
    q.shutDown();
    q.add('x'); // ignored: the queue is shutting down
    q.done('x');
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual([undefined, true]);
  });

  it('shutDown and shutDownWithDrain are idempotent', async () => {
    const q = newQueue<string>();
    q.shutDown();
    q.shutDown();
    await q.shutDownWithDrain();
    await q.shutDownWithDrain({ timeoutMs: 10 });
    expect(q.shuttingDown()).toBe(true);
  });

  it('shutDownWithDrain resolves at once when nothing is being processed', async () => {
    const q = newQueue<string>();
    q.add('queued but never taken');
    expect(await isSettled(q.shutDownWithDrain())).toBe(true);
  });

  it('several drains all resolve when the last item is done', async () => {
    const q = newQueue<string>();
    q.add('x');
    await q.get();
    const d1 = q.shutDownWithDrain();
    const d2 = q.shutDownWithDrain();
    expect(await isSettled(d1)).toBe(false);
    q.done('x');
    await Promise.all([d1, d2]);
  });

  it('narrows the item type through the shutdown flag', async () => {
    const q: WorkQueue<string> = newQueue<string>();
    q.add('k');
    const result = await q.get();
    expectTypeOf(result).toEqualTypeOf<GetResult<string>>();
    const [item, shutdown] = result;
    if (shutdown) {
      expectTypeOf(item).toEqualTypeOf<undefined>();
      throw new Error('unexpected');
    }
    expectTypeOf(item).toEqualTypeOf<string>();
    expect(item.toUpperCase()).toBe('K');
    q.done(item);
  });

  it('the shutdown tuple is frozen', async () => {
    const q = newQueue<string>();
    q.shutDown();
    const r = await q.get();
    expect(Object.isFrozen(r)).toBe(true);
  });
});

describe('WorkQueue: identity of items (SameValueZero)', () => {
  it('compares object items by reference', async () => {
    const q = newQueue<{ key: string }>();
    const a = { key: 'x' };
    const b = { key: 'x' };
    q.add(a);
    q.add(b);
    q.add(a);
    expect(q.len()).toBe(2);
    expect(await drainNow(q)).toEqual([a, b]);
  });

  it('treats NaN as equal to itself and -0 as equal to +0', async () => {
    const q = newQueue<number>();
    q.add(NaN);
    q.add(NaN);
    q.add(0);
    q.add(-0);
    expect(q.len()).toBe(2);
    const taken = await mustGet(q);
    expect(taken).toBeNaN();
    q.done(NaN);
    const zero = await mustGet(q);
    q.done(-0); // -0 marks +0 done
    expect(zero).toBe(0);
    expect(q.processing()).toEqual([]);
  });

  it('uses namespace/name string keys as distinct items', () => {
    const q = newQueue<string>();
    q.add('default/nginx');
    q.add('kube-system/nginx');
    q.add(['default', 'nginx'].join('/')); // an equal string that is another value
    expect(q.len()).toBe(2);
  });
});

describe('WorkQueue: misuse', () => {
  it('throws QueueMisuseError for done() of an item never taken, and counts it', () => {
    const q = newQueue<string>({ name: 'pods' });
    q.add('a'); // queued, not taken
    let error: unknown;
    try {
      q.done('a');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueMisuseError);
    const e = error as QueueMisuseError;
    expect(e.code).toBe('ERR_WORKQUEUE_DONE_NOT_PROCESSING');
    expect(e.name).toBe('QueueMisuseError');
    expect(e.item).toBe('a');
    expect(e.queueName).toBe('pods');
    expect(e.message).toContain('workqueue "pods": done(\'a\')');
    expect(e.message).toContain('not being processed');
    expect(q.stats().misuses).toBe(1);
    // The misuse did not disturb the queue: "a" is still queued once.
    expect(q.len()).toBe(1);
  });

  it('throws on a second done()', async () => {
    const q = newQueue<string>();
    q.add('a');
    await q.get();
    q.done('a');
    expect(() => q.done('a')).toThrow(QueueMisuseError);
    expect(q.stats()).toMatchObject({ dones: 1, misuses: 1 });
  });

  it("with onMisuse: 'count', ignores and counts instead of throwing", async () => {
    const q = newQueue<string>({ onMisuse: 'count' });
    q.add('a');
    expect(() => q.done('a')).not.toThrow(); // queued, not taken
    expect(q.len()).toBe(1); // no duplicate queued (client-go would queue one here)
    await q.get();
    q.done('a');
    q.done('a'); // second done
    q.done('never-added');
    expect(q.stats()).toMatchObject({ gets: 1, dones: 1, misuses: 3 });
    expect(q.len()).toBe(0);
  });

  it('rejects an unknown onMisuse value', () => {
    expect(() => newQueue({ onMisuse: 'ignore' as never })).toThrow(TypeError);
  });

  // Issue 16: the bad timeout used to come back as a rejected promise, easy to lose, with the queue left running.
  it('throws synchronously for a negative, NaN or non-number drain timeout, and the queue keeps working', async () => {
    const clock = new FakeClock(0);
    const q = newQueue<string>({ clock });
    q.add('a');
    const a = await mustGet(q);
    expect(() => q.shutDownWithDrain({ timeoutMs: -1 })).toThrow(new RangeError('shutDownWithDrain: option "timeoutMs" must be >= 0 (or Infinity for no timeout), got -1'));
    expect(() => q.shutDownWithDrain({ timeoutMs: NaN })).toThrow(/option "timeoutMs" must be >= 0.*got NaN/);
    expect(() => q.shutDownWithDrain({ timeoutMs: '100' as never })).toThrow(TypeError);
    expect(() => q.shutDownWithDrain({ timeout: 100 } as never)).toThrow(/unknown option "timeout"/);
    expect(() => q.shutDownWithDrain(5 as never)).toThrow(TypeError);
    // Untouched: still running, no timer armed, the item still being processed.
    expect(q.shuttingDown()).toBe(false);
    expect(clock.pendingTimerCount()).toBe(0);
    expect(q.processing().map((e) => e.item)).toEqual(['a']);
    q.add('b');
    q.done(a);
    expect(await mustGet(q)).toBe('b');
    const drained = q.shutDownWithDrain({ timeoutMs: 0 });
    q.done('b');
    await expect(drained).resolves.toBeUndefined();
  });
});

describe('WorkQueue: drain timeout and leak detection', () => {
  it('rejects the drain after timeoutMs with a DrainTimeoutError naming the items', async () => {
    const clock = new FakeClock(1_000);
    const q = newQueue<string>({ clock, name: 'pods' });
    q.add('default/a');
    q.add('default/b');
    q.add('default/c');
    await q.get(); // a
    clock.step(5);
    await q.get(); // b
    q.done('default/a');
    const drained = q.shutDownWithDrain({ timeoutMs: 100 });
    let rejection: unknown;
    drained.catch((e: unknown) => {
      rejection = e;
    });
    clock.step(99);
    expect(await isSettled(drained)).toBe(false);
    clock.step(1);
    await flush();
    expect(rejection).toBeInstanceOf(DrainTimeoutError);
    const e = rejection as DrainTimeoutError;
    expect(e.items).toEqual(['default/b']);
    expect(e.timeoutMs).toBe(100);
    expect(e.code).toBe('ERR_WORKQUEUE_DRAIN_TIMEOUT');
    expect(e.message).toBe(
      `workqueue "pods": shutDownWithDrain timed out after 100 ms with 1 item still being processed ` +
        `(taken with get() but not marked done()): 'default/b'`,
    );
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('clears the drain timer when the drain completes in time', async () => {
    const clock = new FakeClock();
    const q = newQueue<string>({ clock });
    q.add('a');
    await q.get();
    const drained = q.shutDownWithDrain({ timeoutMs: 1_000 });
    expect(clock.pendingTimerCount()).toBe(1);
    clock.step(10);
    q.done('a');
    await drained;
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('clears the drain timer when shutDown releases the drain', async () => {
    const clock = new FakeClock();
    const q = newQueue<string>({ clock });
    q.add('a');
    await q.get();
    const drained = q.shutDownWithDrain({ timeoutMs: 1_000 });
    q.shutDown();
    await drained;
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('lists many items in the timeout message, truncated', async () => {
    const clock = new FakeClock();
    const q = newQueue<number>({ clock });
    for (let i = 0; i < 25; i++) q.add(i);
    for (let i = 0; i < 25; i++) await q.get();
    const drained = q.shutDownWithDrain({ timeoutMs: 0 });
    clock.step(0);
    await expect(drained).rejects.toThrow(/25 items still being processed .*: 0, 1, 2, .*19, … and 5 more$/);
  });

  it('processing() lists items taken and not done, oldest first, with their age', async () => {
    const clock = new FakeClock(10_000);
    const q = newQueue<string>({ clock });
    q.add('a');
    q.add('b');
    q.add('c');
    await q.get(); // a at 10000
    clock.step(100);
    await q.get(); // b at 10100
    clock.step(50);
    await q.get(); // c at 10150
    q.done('b');
    clock.step(1_000);
    expect(q.processing()).toEqual([
      { item: 'a', since: 10_000, ageMs: 1_150 },
      { item: 'c', since: 10_150, ageMs: 1_000 },
    ]);
    q.done('a');
    q.done('c');
    expect(q.processing()).toEqual([]);
  });

  it('stats() reports totals and current sizes', async () => {
    const q = newQueue<string>();
    q.add('a');
    q.add('a');
    q.add('b');
    await q.get();
    const waiting = q.get();
    const waiting2 = q.get();
    await flush();
    expect(q.stats()).toEqual({
      adds: 3,
      ignoredAdds: 0,
      gets: 2,
      dones: 0,
      misuses: 0,
      depth: 0,
      processing: 2,
      waitingGets: 1,
      metricsErrors: 0,
    });
    q.shutDown();
    expect(await waiting2).toEqual([undefined, true]);
    expect((await waiting)[1]).toBe(false);
  });
});

describe('WorkQueue: scale', () => {
  it('handles a large backlog with re-adds and interleaved gets', async () => {
    const q = newQueue<number>();
    const random = rng(3);
    const expected: number[] = [];
    const queuedSet = new Set<number>();
    // Random adds and takes; keep a simple model of the FIFO of distinct items.
    const model: number[] = [];
    for (let round = 0; round < 20_000; round++) {
      if (random() < 0.6) {
        const k = Math.floor(random() * 5_000);
        q.add(k);
        if (!queuedSet.has(k)) {
          queuedSet.add(k);
          model.push(k);
        }
      } else if (q.len() > 0) {
        const item = await mustGet(q);
        const m = model.shift();
        expect(item).toBe(m);
        queuedSet.delete(item);
        expected.push(item);
        q.done(item);
      }
    }
    expect(q.len()).toBe(model.length);
    expect(await drainNow(q)).toEqual(model);
  });
});

describe('WorkQueue: a custom storage (client-go TypedQueueConfig.Queue)', () => {
  /** A priority storage: smallest number first; records the calls the queue makes. */
  function priorityStorage(): QueueStorage<number> & { calls: string[]; items: number[] } {
    const items: number[] = [];
    const calls: string[] = [];
    return {
      items,
      calls,
      touch(item) {
        calls.push(`touch ${item}`);
      },
      push(item) {
        calls.push(`push ${item}`);
        items.push(item);
        items.sort((a, b) => a - b);
      },
      len: () => items.length,
      pop() {
        const item = items.shift() as number;
        calls.push(`pop ${item}`);
        return item;
      },
    };
  }

  it('takes items in the storage order, keeping the dirty/processing guarantees', async () => {
    const storage = priorityStorage();
    const q = newQueue<number>({ queue: storage });
    q.add(5);
    q.add(1);
    q.add(3);
    q.add(3); // already stored: touched, not pushed again
    expect(q.len()).toBe(3);
    const one = await mustGet(q);
    expect(one).toBe(1);
    q.add(1); // being processed: dirty only
    expect(q.len()).toBe(2);
    expect(await mustGet(q)).toBe(3);
    q.done(1); // re-stored now
    expect(await mustGet(q)).toBe(1);
    expect(await mustGet(q)).toBe(5);
    const waiting = q.get();
    q.add(9); // handed to the waiting get through the storage
    expect(await waiting).toEqual([9, false]);
    for (const item of [3, 1, 5, 9]) q.done(item);
    expect(storage.calls).toEqual(['push 5', 'push 1', 'push 3', 'touch 3', 'pop 1', 'pop 3', 'push 1', 'pop 1', 'pop 5', 'push 9', 'pop 9']);
    expect(q.stats()).toMatchObject({ gets: 5, dones: 5, processing: 0, depth: 0 });
    await q.shutDownWithDrain();
  });

  it('works as the storage of a delaying and a rate-limiting queue', async () => {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<number>(new ItemExponentialFailureRateLimiter(10, 1000), { clock, queue: priorityStorage() });
    q.addRateLimited(7);
    q.addAfter(2, 10);
    q.add(4);
    clock.step(10);
    expect([await mustGet(q), await mustGet(q), await mustGet(q)]).toEqual([2, 4, 7]);
    q.shutDown();
  });

  it('rejects a storage that is not one, and a pop() that returns an item it was not given', async () => {
    expect(() => newQueue({ queue: { push() {}, len: () => 0 } as never })).toThrow(
      new TypeError('newQueue: option "queue" must be a QueueStorage (push(), len(), pop() and optionally touch()); it lacks pop()'),
    );
    expect(() => newQueue({ queue: [] as never })).toThrow(/option "queue" must be a QueueStorage/);
    const broken = { push() {}, len: () => 1, pop: () => 'ghost' };
    const q = newQueue<string>({ queue: broken });
    await expect(q.get()).rejects.toThrow(new TypeError('option "queue": pop() returned \'ghost\', which is not stored in it'));
    expect(q.stats()).toMatchObject({ gets: 0, processing: 0 });
    q.shutDown();
  });

  it('defaultQueueStorage() is a FIFO', () => {
    const s = defaultQueueStorage<string>();
    s.push('a');
    s.push('b');
    expect([s.len(), s.pop(), s.pop(), s.len()]).toEqual([2, 'a', 'b', 0]);
    expect(() => s.pop()).toThrow(RangeError);
  });
});
