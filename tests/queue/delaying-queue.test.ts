import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, newDelayingQueue, type DelayingQueue } from '../../src/queue/index.js';
import { drainNow, flush, mustGet } from './helpers.js';

function setup(): { clock: FakeClock; q: DelayingQueue<string> } {
  const clock = new FakeClock(1_700_000_000_000);
  return { clock, q: newDelayingQueue<string>({ clock }) };
}

describe('DelayingQueue: client-go behaviours', () => {
  // client-go TestSimpleQueue.
  it('adds an item once its delay has passed', async () => {
    const { clock, q } = setup();
    q.addAfter('foo', 50);
    expect(q.len()).toBe(0);
    expect(q.lenWaiting()).toBe(1);
    clock.step(49);
    expect(q.len()).toBe(0);
    clock.step(11);
    expect(q.len()).toBe(1);
    expect(q.lenWaiting()).toBe(0);
    const item = await mustGet(q);
    q.done(item);
    // Step far past: nothing else appears.
    clock.step(10_000);
    expect(q.len()).toBe(0);
    q.shutDown();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  // client-go TestDeduping.
  it('keeps the earlier deadline when the same item waits twice', async () => {
    const { clock, q } = setup();
    q.addAfter('foo', 50);
    q.addAfter('foo', 70);
    expect(q.lenWaiting()).toBe(1);
    expect(q.len()).toBe(0);
    // Step past the first deadline: the item arrives.
    clock.step(60);
    expect(q.len()).toBe(1);
    await drainNow(q);
    // Step past the second add's deadline: nothing more (it was collapsed).
    clock.step(20);
    expect(q.len()).toBe(0);

    // Again, but this time the later call has the earlier deadline.
    q.addAfter('foo', 50);
    q.addAfter('foo', 30);
    expect(q.len()).toBe(0);
    clock.step(40);
    expect(q.len()).toBe(1);
    await drainNow(q);
    clock.step(20);
    expect(q.len()).toBe(0);
    q.shutDown();
  });

  // client-go TestAddTwoFireEarly.
  it('fires items in deadline order as time passes', async () => {
    const { clock, q } = setup();
    q.addAfter('foo', 1_000);
    q.addAfter('bar', 50);
    expect(q.len()).toBe(0);
    clock.step(60);
    expect(q.len()).toBe(1);
    expect(await mustGet(q)).toBe('bar');
    q.addAfter('baz', 2_000);
    clock.step(1_000);
    expect(q.len()).toBe(1);
    expect(await mustGet(q)).toBe('foo');
    clock.step(2_000);
    expect(q.len()).toBe(1);
    expect(await mustGet(q)).toBe('baz');
    q.shutDown();
  });

  // client-go TestCopyShifting.
  it('adds items that fall due together in deadline order', async () => {
    const { clock, q } = setup();
    q.addAfter('foo', 1_000);
    q.addAfter('bar', 500);
    q.addAfter('baz', 250);
    expect(q.len()).toBe(0);
    clock.step(2_000);
    expect(q.len()).toBe(3);
    expect(await drainNow(q)).toEqual(['baz', 'bar', 'foo']);
    q.shutDown();
  });
});

describe('DelayingQueue: details', () => {
  it('adds at once for a delay <= 0 (client-go: a negative duration)', () => {
    const { clock, q } = setup();
    q.addAfter('zero', 0);
    q.addAfter('negative', -5);
    q.addAfter('minus-infinity', -Infinity);
    expect(q.len()).toBe(3);
    expect(q.lenWaiting()).toBe(0);
    expect(clock.pendingTimerCount()).toBe(0);
    q.shutDown();
  });

  it('rejects a NaN or non-number delay before anything changes, even after shutdown', () => {
    const { clock, q } = setup();
    expect(() => q.addAfter('nan', NaN)).toThrow(new RangeError('addAfter: ms must not be NaN'));
    expect(() => q.addAfter('str', '5' as never)).toThrow(new TypeError("addAfter: ms must be a number, got '5'"));
    expect(q.len()).toBe(0);
    expect(q.lenWaiting()).toBe(0);
    expect(clock.pendingTimerCount()).toBe(0);
    expect(q.stats()).toMatchObject({ adds: 0, ignoredAdds: 0 });
    q.shutDown();
    expect(() => q.addAfter('nan', NaN)).toThrow(RangeError);
    expect(q.stats().ignoredAdds).toBe(0);
  });

  // Issue 16: an Infinity delay armed no timer, so a real-clock process whose only waiting item had one exited.
  it('keeps an item with an infinite delay waiting, with a timer armed that never fires, until shutdown', () => {
    const { clock, q } = setup();
    q.addAfter('never', Infinity);
    expect(q.lenWaiting()).toBe(1);
    expect(clock.pendingTimerCount()).toBe(1);
    clock.step(1e12);
    expect(q.len()).toBe(0);
    // A finite deadline takes over the timer, and the infinite one re-arms after it.
    q.addAfter('soon', 10);
    expect(clock.pendingTimerCount()).toBe(1);
    clock.step(10);
    expect(q.len()).toBe(1);
    expect(q.lenWaiting()).toBe(1);
    expect(clock.pendingTimerCount()).toBe(1);
    q.shutDown();
    expect(q.lenWaiting()).toBe(0);
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('arms a single timer for the earliest deadline', () => {
    const { clock, q } = setup();
    const t0 = clock.now();
    for (let i = 0; i < 100; i++) q.addAfter(`k${i}`, 1_000 - i);
    expect(clock.pendingTimerCount()).toBe(1);
    expect(clock.nextDeadline()).toBe(t0 + 901);
    q.addAfter('early', 10);
    expect(clock.pendingTimerCount()).toBe(1);
    expect(clock.nextDeadline()).toBe(t0 + 10);
    clock.step(10);
    expect(q.len()).toBe(1);
    expect(clock.pendingTimerCount()).toBe(1);
    expect(clock.nextDeadline()).toBe(t0 + 901);
    q.shutDown();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('adds items with the same deadline in the order they were scheduled', async () => {
    const { clock, q } = setup();
    for (const k of ['c', 'a', 'b']) q.addAfter(k, 100);
    clock.step(100);
    expect(await drainNow(q)).toEqual(['c', 'a', 'b']);
    q.shutDown();
  });

  it('collapses a due item with the same item already queued', () => {
    const { clock, q } = setup();
    q.add('x');
    q.addAfter('x', 10);
    clock.step(10);
    expect(q.len()).toBe(1);
    expect(q.stats().adds).toBe(2);
    q.shutDown();
  });

  it('a due item that is being processed waits for done()', async () => {
    const { clock, q } = setup();
    q.add('x');
    await mustGet(q);
    q.addAfter('x', 10);
    clock.step(10);
    expect(q.len()).toBe(0); // dirty, not handed out while processing
    q.done('x');
    expect(q.len()).toBe(1);
    q.shutDown();
  });

  it('hands a due item to a waiting worker', async () => {
    const { clock, q } = setup();
    const got = q.get();
    q.addAfter('later', 5);
    clock.step(5);
    expect(await got).toEqual(['later', false]);
    q.shutDown();
  });

  it('ignores addAfter after shutdown, drops waiting items and clears its timer', async () => {
    const { clock, q } = setup();
    q.addAfter('a', 10);
    q.shutDown();
    expect(clock.pendingTimerCount()).toBe(0);
    expect(q.lenWaiting()).toBe(0);
    q.addAfter('b', 10);
    q.addAfter('c', 0);
    expect(q.stats().ignoredAdds).toBe(2);
    clock.step(100);
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual([undefined, true]);
  });

  it('shutDownWithDrain also stops the delay timer', async () => {
    const { clock, q } = setup();
    q.add('x');
    await mustGet(q);
    q.addAfter('y', 10);
    const drained = q.shutDownWithDrain();
    expect(clock.pendingTimerCount()).toBe(0);
    q.done('x');
    await drained;
  });

  it('property: items arrive exactly when their earliest deadline passes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('addAfter' as const), key: fc.integer({ min: 0, max: 7 }), ms: fc.integer({ min: -5, max: 200 }) }),
            fc.record({ op: fc.constant('step' as const), ms: fc.integer({ min: 0, max: 120 }) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const clock = new FakeClock(0);
          const q = newDelayingQueue<number>({ clock });
          const deadline = new Map<number, number>(); // waiting items → earliest deadline
          const queued = new Set<number>();
          for (const o of ops) {
            if (o.op === 'addAfter') {
              q.addAfter(o.key, o.ms);
              if (o.ms <= 0) queued.add(o.key);
              else {
                const d = clock.now() + o.ms;
                deadline.set(o.key, Math.min(deadline.get(o.key) ?? Infinity, d));
              }
            } else {
              clock.step(o.ms);
              for (const [k, d] of deadline) {
                if (d <= clock.now()) {
                  queued.add(k);
                  deadline.delete(k);
                }
              }
            }
            expect(q.len()).toBe(queued.size);
            expect(q.lenWaiting()).toBe(deadline.size);
            expect(clock.pendingTimerCount()).toBe(deadline.size > 0 ? 1 : 0);
          }
          q.shutDown();
          expect(clock.pendingTimerCount()).toBe(0);
        },
      ),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('orders many random deadlines', async () => {
    const clock = new FakeClock();
    const q = newDelayingQueue<number>({ clock });
    const delays = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) + 1);
    delays.forEach((d, i) => q.addAfter(i, d));
    clock.step(1_000);
    const out = await drainNow(q);
    const expected = delays.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(out).toEqual(expected);
    q.shutDown();
    await flush();
  });
});
