// Property-based tests: random schedules of add / get / done / shutdown with
// several async workers, checked against a model after every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, QueueMisuseError, newDelayingQueue, newQueue, type WorkQueue } from '../../src/queue/index.js';
import { flush } from './helpers.js';

type Cmd =
  | { t: 'add'; key: number }
  | { t: 'finish'; w: number } // worker w marks its item done (if it holds one)
  | { t: 'readd'; w: number } // add the item worker w is processing (dirty while processing)
  | { t: 'badDone'; key: number } // done() for an item nobody holds: misuse
  | { t: 'shutdown' }
  | { t: 'drain' }
  | { t: 'step'; ms: number }; // move the fake clock (delayed adds fall due)

const KEYS = 6;

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('add' as const), key: fc.integer({ min: 0, max: KEYS - 1 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('finish' as const), w: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('readd' as const), w: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('badDone' as const), key: fc.integer({ min: 0, max: KEYS - 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'shutdown' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'drain' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('step' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
);

interface Run {
  q: WorkQueue<number> & { addAfter?: (item: number, ms: number) => void };
  clock: FakeClock;
  workers: number;
}

async function runSchedule({ q, clock, workers }: Run, cmds: Cmd[]): Promise<void> {
  let event = 0;
  const lastAcceptedAdd = new Map<number, number>();
  const lastGet = new Map<number, number>();
  const heldBy = new Map<number, number>(); // item → worker
  const held: (number | undefined)[] = Array.from({ length: workers }, () => undefined);
  const release: ((() => void) | undefined)[] = Array.from({ length: workers }, () => undefined);
  const exited: boolean[] = Array.from({ length: workers }, () => false);
  const violations: string[] = [];
  let misuses = 0;

  let drainCalled = false;
  let drainResolved = false;
  let zeroSinceDrain = false; // nothing was being processed at some point since the drain call
  let forced = false; // shutDown() after the drain
  // Items handed out whose worker has not resumed yet are in flight too: the
  // queue counts hand-outs (stats().gets, checked against the model at every
  // quiet point), the workers count what they have seen.
  let seenGets = 0;
  const inFlight = () => heldBy.size + (q.stats().gets - seenGets);

  const loops = Array.from({ length: workers }, async (_, w) => {
    for (;;) {
      const [item, shutdown] = await q.get();
      if (shutdown) {
        exited[w] = true;
        return;
      }
      if (heldBy.has(item)) violations.push(`item ${item} given to worker ${w} while worker ${heldBy.get(item)} processes it`);
      heldBy.set(item, w);
      held[w] = item;
      seenGets++;
      lastGet.set(item, ++event);
      await new Promise<void>((resolve) => {
        release[w] = resolve;
      });
      release[w] = undefined;
      heldBy.delete(item);
      held[w] = undefined;
      q.done(item);
      if (drainCalled && inFlight() === 0) zeroSinceDrain = true;
    }
  });

  const accept = (key: number) => {
    if (!q.shuttingDown()) lastAcceptedAdd.set(key, ++event);
  };

  const check = (where: string) => {
    if (violations.length > 0) throw new Error(`${where}: ${violations.join('; ')}`);
    expect(q.processing().map((p) => p.item).sort()).toEqual([...heldBy.keys()].sort());
    const s = q.stats();
    expect(s.gets).toBe(seenGets);
    expect(s.gets - s.dones).toBe(heldBy.size);
    expect(s.misuses).toBe(misuses);
    if (drainCalled) expect(drainResolved).toBe(zeroSinceDrain || forced);
  };

  await flush();
  for (const [i, c] of cmds.entries()) {
    switch (c.t) {
      case 'add':
        accept(c.key);
        q.add(c.key);
        break;
      case 'finish':
        release[c.w % workers]?.();
        break;
      case 'readd': {
        const item = held[c.w % workers];
        if (item !== undefined) {
          accept(item);
          q.add(item);
        }
        break;
      }
      case 'badDone':
        if (!heldBy.has(c.key)) {
          misuses++;
          expect(() => q.done(c.key)).toThrow(QueueMisuseError);
        }
        break;
      case 'shutdown':
        if (drainCalled) forced = true;
        q.shutDown();
        break;
      case 'drain':
        if (!drainCalled) {
          drainCalled = true;
          if (inFlight() === 0) zeroSinceDrain = true;
          void q.shutDownWithDrain().then(() => {
            drainResolved = true;
          });
        }
        break;
      case 'step':
        if (q.addAfter) {
          // Delayed adds: the item becomes an accepted add when it falls due.
          const key = i % KEYS;
          if (!q.shuttingDown()) q.addAfter(key, c.ms);
          const due = clock.now() + c.ms;
          clock.step(c.ms);
          if (c.ms <= 0 || due <= clock.now()) accept(key);
        } else {
          clock.step(c.ms);
        }
        break;
    }
    await flush();
    check(`after command ${i} ${JSON.stringify(c)}`);
  }

  // Wind down: shut down (if not yet), then let every worker finish until all have exited.
  if (!q.shuttingDown()) q.shutDown();
  for (let round = 0; round < 1_000 && exited.some((e) => !e); round++) {
    for (const r of release) r?.();
    await flush();
    check(`wind-down round ${round}`);
  }
  expect(exited.every(Boolean)).toBe(true);
  expect(q.len()).toBe(0);
  expect(q.processing()).toEqual([]);
  // No item lost: every accepted add was followed by a get of that item.
  for (const [key, addedAt] of lastAcceptedAdd) {
    const gotAt = lastGet.get(key) ?? -1;
    if (gotAt < addedAt) throw new Error(`item ${key} added at event ${addedAt} was never processed afterwards`);
  }
  if (drainCalled) {
    await flush();
    expect(drainResolved).toBe(true);
  }
  await Promise.all(loops);
  // Delayed items never fall due after shutdown: no timer is left.
  expect(clock.pendingTimerCount()).toBe(0);
}

describe('WorkQueue properties (fast-check)', () => {
  it('regression: an item handed out but not yet seen by its worker holds the drain', async () => {
    // add(0) hands 0 straight to a waiting worker, the second add(0) marks it dirty while
    // processing; on done(0) it is taken again before the other worker's done(1).
    const clock = new FakeClock(0);
    await runSchedule({ q: newDelayingQueue<number>({ clock }), clock, workers: 2 }, [
      { t: 'add', key: 0 },
      { t: 'add', key: 0 },
      { t: 'add', key: 1 },
      { t: 'drain' },
    ]);
  });
  it('no item lost, never two workers on one item, drain resolves exactly when taken items are done', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(cmdArb, { maxLength: 40 }), async (workers, cmds) => {
        const clock = new FakeClock(0);
        await runSchedule({ q: newQueue<number>({ clock }), clock, workers }, cmds);
      }),
      { seed: 424242, numRuns: 150 },
    );
  });

  it('the same holds for a delaying queue with delayed adds falling due between steps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(cmdArb, { maxLength: 40 }), async (workers, cmds) => {
        const clock = new FakeClock(0);
        await runSchedule({ q: newDelayingQueue<number>({ clock }), clock, workers }, cmds);
      }),
      { seed: 1337, numRuns: 100 },
    );
  });

  it('with metrics enabled, the depth gauge always equals the number of dirty items not being processed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { maxLength: 40 }), async (cmds) => {
        let depth = 0;
        const noop = { inc() {}, dec() {}, set() {}, observe() {} };
        const clock = new FakeClock(0);
        const q = newQueue<number>({
          name: 'p',
          clock,
          metricsProvider: {
            newDepthMetric: () => ({
              inc: () => {
                depth++;
              },
              dec: () => {
                depth--;
              },
            }),
            newAddsMetric: () => noop,
            newLatencyMetric: () => noop,
            newWorkDurationMetric: () => noop,
            newUnfinishedWorkSecondsMetric: () => noop,
            newLongestRunningProcessorSecondsMetric: () => noop,
            newRetriesMetric: () => noop,
          },
        });
        // One worker held by hand: take / finish / re-add.
        const taken: number[] = [];
        const dirtyWhileTaken = new Set<number>();
        for (const c of cmds) {
          if (c.t === 'add') {
            q.add(c.key);
            if (taken.includes(c.key)) dirtyWhileTaken.add(c.key);
          } else if (c.t === 'finish' && q.len() > 0) {
            const [item, shutdown] = await q.get();
            if (!shutdown) taken.push(item);
          } else if (c.t === 'readd' && taken.length > 0) {
            const item = taken.shift() as number;
            q.done(item);
            dirtyWhileTaken.delete(item);
          }
          // client-go's depth: items dirty and not yet taken, including those re-added while taken.
          expect(depth).toBe(q.len() + dirtyWhileTaken.size);
        }
        q.shutDown();
        expect(clock.pendingTimerCount()).toBe(0);
      }),
      { seed: 99, numRuns: 150 },
    );
  });

  it('matches a model of client-go semantics over long single-consumer histories (queue index, reindexing)', async () => {
    type Op = { t: 'add'; key: number } | { t: 'take' } | { t: 'done'; nth: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ t: fc.constant('add' as const), key: fc.integer({ min: 0, max: 30 }) }) },
      { weight: 3, arbitrary: fc.constant({ t: 'take' as const }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('done' as const), nth: fc.nat() }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 400 }), async (ops) => {
        const q = newQueue<number>();
        const fifo: number[] = []; // model: distinct queued items, in order
        const inFlight: number[] = [];
        const dirty = new Set<number>(); // re-added while in flight
        for (const op of ops) {
          if (op.t === 'add') {
            q.add(op.key);
            if (inFlight.includes(op.key)) dirty.add(op.key);
            else if (!fifo.includes(op.key)) fifo.push(op.key);
          } else if (op.t === 'take') {
            if (fifo.length === 0) continue;
            const [item, shutdown] = await q.get();
            expect(shutdown).toBe(false);
            expect(item).toBe(fifo.shift());
            inFlight.push(item as number);
          } else {
            if (inFlight.length === 0) continue;
            const [item] = inFlight.splice(op.nth % inFlight.length, 1) as [number];
            q.done(item);
            if (dirty.delete(item)) fifo.push(item);
          }
          expect(q.len()).toBe(fifo.length);
        }
        q.shutDown();
      }),
      { seed: 8080, numRuns: 200 },
    );
  });

  it('reindexes the queue index while the queue never empties, keeping order and dedupe', async () => {
    const q = newQueue<string>();
    const model: string[] = [];
    let next = 0;
    for (let i = 0; i < 5; i++) {
      q.add(`k${next}`);
      model.push(`k${next++}`);
    }
    for (let round = 0; round < 2_000; round++) {
      // Re-adding something queued collapses; re-adding something finished queues it again.
      const queuedKey = model[model.length - 1] as string;
      q.add(queuedKey);
      const [item] = await q.get();
      expect(item).toBe(model.shift());
      q.done(item as string);
      const key = round % 3 === 0 ? (item as string) : `k${next++}`;
      q.add(key);
      model.push(key);
      expect(q.len()).toBe(model.length);
    }
    q.shutDown();
  });
});
