// Issue 15: what users of p-queue, fastq and BullMQ expect — get({ signal }), lease(), onIdle(), runWorkers() — and
// up-front validation of the constructors' arguments.
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  FakeClock,
  ItemExponentialFailureRateLimiter,
  QueueMisuseError,
  newDelayingQueue,
  newQueue,
  newRateLimitingQueue,
  runWorkers,
  type Lease,
} from '../../src/queue/index.js';
import { flush, isSettled, mustGet } from './helpers.js';

describe('get({ signal })', () => {
  it('abort rejects the waiting get with the reason, removes the waiter, and loses no item', async () => {
    const q = newQueue<string>();
    const ac = new AbortController();
    const aborted = q.get({ signal: ac.signal });
    const other = q.get();
    expect(q.stats().waitingGets).toBe(2);
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(q.stats().waitingGets).toBe(1);
    q.add('a'); // goes to the live waiter, not the aborted one
    expect(await other).toEqual(['a', false]);
    expect(q.stats()).toMatchObject({ gets: 1, processing: 1, waitingGets: 0 });
    q.add('b');
    expect(q.len()).toBe(1); // nobody waits now: queued
    q.done('a');
    expect(await mustGet(q)).toBe('b');
    q.done('b');
    q.shutDown();
  });

  it('an already aborted signal rejects at once, even with an item queued, which stays queued', async () => {
    const q = newQueue<string>();
    q.add('a');
    const ac = new AbortController();
    ac.abort();
    await expect(q.get({ signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(q.len()).toBe(1);
    expect(q.stats().gets).toBe(0);
    q.shutDown();
  });

  it('aborting after the item was handed out changes nothing: the caller owns it', async () => {
    const q = newQueue<string>();
    const ac = new AbortController();
    const p = q.get({ signal: ac.signal });
    q.add('a');
    ac.abort();
    expect(await p).toEqual(['a', false]);
    expect(q.processing().map((e) => e.item)).toEqual(['a']);
    q.done('a');
    q.shutDown();
  });

  it('many aborted waiters are dropped (compacted) and FIFO order of the live ones is kept', async () => {
    const q = newQueue<number>();
    const live: Array<Promise<unknown>> = [];
    for (let i = 0; i < 300; i++) {
      const ac = new AbortController();
      const p = q.get({ signal: ac.signal });
      if (i % 10 === 0) live.push(p);
      else {
        p.catch(() => undefined);
        ac.abort();
      }
    }
    await flush();
    expect(q.stats().waitingGets).toBe(30);
    for (let i = 0; i < 30; i++) q.add(i);
    expect(await Promise.all(live)).toEqual(Array.from({ length: 30 }, (_, i) => [i, false]));
    q.shutDown();
  });

  it('shutdown resolves a waiting get with a signal and removes its listener', async () => {
    const q = newQueue<string>();
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const p = q.get({ signal: ac.signal });
    q.shutDown();
    expect(await p).toEqual([undefined, true]);
    expect(remove).toHaveBeenCalledTimes(1);
    ac.abort(); // too late: nothing happens
  });

  it('rejects a signal that is not one, and unknown options, synchronously', () => {
    const q = newQueue<string>();
    expect(() => q.get({ signal: {} as never })).toThrow(new TypeError('get: option "signal" must be an AbortSignal, got {}'));
    expect(() => q.get({ signl: 1 } as never)).toThrow(/get: unknown option "signl"/);
    expect(q.stats().waitingGets).toBe(0);
    q.shutDown();
  });
});

describe('lease()', () => {
  it('await using marks the item done on every path, including a throw', async () => {
    const q = newQueue<string>();
    q.add('ok');
    q.add('boom');
    {
      await using lease = await q.lease();
      expect(lease.shutdown).toBe(false);
      if (!lease.shutdown) expect(lease.item).toBe('ok');
      expect(q.processing().map((e) => e.item)).toEqual(['ok']);
    }
    expect(q.processing()).toEqual([]);
    const work = async (): Promise<void> => {
      await using lease = await q.lease();
      if (lease.shutdown) return;
      throw new Error(`failed ${lease.item}`);
    };
    await expect(work()).rejects.toThrow('failed boom');
    expect(q.stats()).toMatchObject({ gets: 2, dones: 2, processing: 0 });
    q.shutDown();
  });

  it('done() releases once; a second done() and the disposals after it do nothing', async () => {
    const q = newQueue<string>();
    q.add('a');
    const lease = await q.lease();
    expect(lease.released).toBe(false);
    expect(lease.done()).toBe(true);
    expect(lease.released).toBe(true);
    expect(lease.done()).toBe(false);
    lease[Symbol.dispose]();
    await lease[Symbol.asyncDispose]();
    expect(q.stats()).toMatchObject({ dones: 1, misuses: 0 });
    q.shutDown();
  });

  it('sync using works too; calling queue.done(item) besides the lease is a double done', async () => {
    const q = newQueue<string>();
    q.add('a');
    const lease = await q.lease();
    if (lease.shutdown) throw new Error('unexpected shutdown');
    q.done(lease.item);
    expect(() => lease.done()).toThrow(QueueMisuseError);
    q.add('b');
    {
      using l2 = await q.lease();
      expect(l2.item).toBe('b');
    }
    expect(q.processing()).toEqual([]);
    q.shutDown();
  });

  it('resolves the shared shutdown lease on a shut-down empty queue; disposing it does nothing', async () => {
    const q = newQueue<string>();
    q.shutDown();
    const lease = await q.lease();
    expect(lease).toMatchObject({ shutdown: true, item: undefined, released: true });
    expect(lease.done()).toBe(false);
    lease[Symbol.dispose]();
    expect(Object.isFrozen(lease)).toBe(true);
    expectTypeOf(lease).toEqualTypeOf<Lease<string>>();
    if (!lease.shutdown) expectTypeOf(lease.item).toEqualTypeOf<string>();
  });

  it('passes the signal on to get()', async () => {
    const q = newQueue<string>();
    const ac = new AbortController();
    const p = q.lease({ signal: ac.signal });
    ac.abort(new Error('bye'));
    await expect(p).rejects.toThrow('bye');
    expect(q.stats().waitingGets).toBe(0);
    q.shutDown();
  });
});

describe('onIdle()', () => {
  it('resolves once nothing is queued or processing, at once when idle already', async () => {
    const q = newQueue<string>();
    expect(await isSettled(q.onIdle())).toBe(true);
    q.add('a');
    q.add('b');
    const idle = q.onIdle();
    const a = await mustGet(q);
    q.done(a);
    expect(await isSettled(idle)).toBe(false); // 'b' still queued
    const b = await mustGet(q);
    q.add(b); // dirty while processing: done() re-queues it, so not idle yet
    q.done(b);
    expect(await isSettled(idle)).toBe(false);
    q.done(await mustGet(q));
    expect(await isSettled(idle)).toBe(true);
    q.shutDown();
  });

  it('on a delaying queue, also waits for items waiting for their delay; shutdown drops them', async () => {
    const clock = new FakeClock(0);
    const q = newDelayingQueue<string>({ clock });
    q.addAfter('later', 100);
    const idle = q.onIdle();
    clock.step(100);
    expect(await isSettled(idle)).toBe(false);
    q.done(await mustGet(q));
    expect(await isSettled(idle)).toBe(true);
    q.addAfter('never', Infinity);
    const idle2 = q.onIdle();
    expect(await isSettled(idle2)).toBe(false);
    q.shutDown();
    expect(await isSettled(idle2)).toBe(true);
  });
});

describe('runWorkers()', () => {
  function setup() {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(10, 1_000), { clock });
    return { clock, q };
  }

  it('processes with N workers, retries a failing key with rate limiting, drops it after maxRetries, forgets on success', async () => {
    const { clock, q } = setup();
    const attempts = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    const retries: Array<[string, number]> = [];
    const drops: Array<[string, string, number]> = [];
    const release: Array<() => void> = [];
    const handler = async (key: string) => {
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      if (key === 'bad') throw new Error(`bad ${attempts.get(key)}`);
    };
    for (const key of ['a', 'b', 'bad', 'c']) q.add(key);
    const done = runWorkers(q, handler, {
      workers: 3,
      maxRetries: 2,
      onRetry: (key, _e, n) => retries.push([key, n]),
      onDrop: (key, e, n) => drops.push([key, (e as Error).message, n]),
    });
    for (let round = 0; round < 20 && !(drops.length === 1 && q.len() === 0 && release.length === 0); round++) {
      await flush();
      release.splice(0).forEach((r) => r());
      await flush();
      clock.step(1_000);
    }
    expect(maxRunning).toBe(3);
    expect(Object.fromEntries(attempts)).toEqual({ a: 1, b: 1, bad: 3, c: 1 });
    expect(retries).toEqual([
      ['bad', 1],
      ['bad', 2],
    ]);
    expect(drops).toEqual([['bad', 'bad 3', 2]]);
    expect(q.numRequeues('bad')).toBe(0); // forgotten when dropped
    expect(q.stats()).toMatchObject({ processing: 0, depth: 0 });
    await q.shutDownWithDrain();
    await expect(done).resolves.toBeUndefined();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('stops on abort: the waiting gets are aborted, the item in progress is finished and marked done, nothing else taken', async () => {
    const { q } = setup();
    const ac = new AbortController();
    const seen: Array<[string, boolean]> = [];
    let finish: (() => void) | undefined;
    q.add('slow');
    const done = runWorkers(
      q,
      async (key, { signal }) => {
        await new Promise<void>((resolve) => (finish = resolve));
        seen.push([key, signal.aborted]);
      },
      { workers: 2, signal: ac.signal },
    );
    await flush();
    expect(q.stats()).toMatchObject({ processing: 1, waitingGets: 1 });
    ac.abort();
    q.add('after');
    finish!();
    await done;
    expect(seen).toEqual([['slow', true]]);
    expect(q.stats()).toMatchObject({ processing: 0, waitingGets: 0, depth: 1 });
    expect(q.shuttingDown()).toBe(false); // abort does not shut the queue down
    q.shutDown();
  });

  it('a synchronous throw is a failure too; maxRetries 0 drops at the first failure; the default onDrop warns', async () => {
    const { q } = setup();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    q.add('x');
    q.shutDown(); // queued items are still processed, then the workers stop
    await runWorkers(
      q,
      () => {
        throw new TypeError('nope');
      },
      { maxRetries: 0 },
    );
    expect(warn).toHaveBeenCalledWith("runWorkers: dropped 'x' after 0 requeues: nope", { code: 'WORKQUEUE_ITEM_DROPPED' });
    warn.mockRestore();
    expect(q.stats()).toMatchObject({ gets: 1, dones: 1 });
  });

  it('a handler that marks the item done itself makes that worker stop and runWorkers reject with the misuse', async () => {
    const { q } = setup();
    q.add('x');
    q.shutDown();
    await expect(runWorkers(q, (key) => q.done(key))).rejects.toThrow(QueueMisuseError);
  });

  it('rejects bad arguments at once, naming them', () => {
    const { q } = setup();
    expect(() => runWorkers(newQueue() as never, () => undefined)).toThrow(/runWorkers: queue must be a RateLimitingQueue/);
    expect(() => runWorkers(q, undefined as never)).toThrow(new TypeError('runWorkers: handler must be a function, got undefined'));
    expect(() => runWorkers(q, () => undefined, { workers: 0 })).toThrow(new RangeError('runWorkers: option "workers" must be an integer >= 1, got 0'));
    expect(() => runWorkers(q, () => undefined, { maxRetries: -1 })).toThrow(/option "maxRetries" must be an integer >= 0 or Infinity/);
    expect(() => runWorkers(q, () => undefined, { maxRetries: NaN })).toThrow(RangeError);
    expect(() => runWorkers(q, () => undefined, { signal: 'stop' as never })).toThrow(/option "signal" must be an AbortSignal/);
    expect(() => runWorkers(q, () => undefined, { worker: 2 } as never)).toThrow(/unknown option "worker"/);
    expect(q.stats().waitingGets).toBe(0);
    q.shutDown();
  });
});

describe('constructor validation (issue 15)', () => {
  it('newRateLimitingQueue({ name }) names the mistake instead of failing later in when()', () => {
    expect(() => newRateLimitingQueue({ name: 'pods' } as never)).toThrow(
      new TypeError(
        "newRateLimitingQueue: the first argument, rateLimiter, must be a RateLimiter (when(), forget() and numRequeues()); got { name: 'pods' }, which lacks when(), forget(), numRequeues(). The config is the second argument: newRateLimitingQueue(undefined, config) uses the default limiter",
      ),
    );
    expect(() => newRateLimitingQueue(42 as never)).toThrow(/rateLimiter, must be a RateLimiter.*got 42/);
  });

  it.each([
    [() => newQueue('pods' as never), "newQueue: options must be an object, got 'pods'"],
    [() => newQueue({ nmae: 'pods' } as never), 'newQueue: unknown option "nmae" (known options: name, metricsProvider, clock, onMisuse, onMetricsError, queue)'],
    [() => newQueue({ name: 7 } as never), 'newQueue: option "name" must be a string, got 7'],
    [() => newDelayingQueue({ clock: Date } as never), 'newDelayingQueue: option "clock" must be a Clock (an object with now(), setTimeout() and clearTimeout()), got a function (Date)'],
    [() => newRateLimitingQueue(undefined, { onMisuse: 'ignore' } as never), "newRateLimitingQueue: option \"onMisuse\" must be 'throw' or 'count', got 'ignore'"],
    [() => new FakeClock(NaN), 'FakeClock: startMs must be a finite number, got NaN'],
  ])('%#: a clear TypeError/RangeError', (make, message) => {
    expect(make).toThrow(message);
  });
});
