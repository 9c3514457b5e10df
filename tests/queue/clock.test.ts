import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/queue/index.js';
import { IndexedMinHeap } from '../../src/queue/heap.js';
import { RingBuffer } from '../../src/queue/ring-buffer.js';

describe('FakeClock', () => {
  it('starts at the given time and only moves on step/setTime', () => {
    const c = new FakeClock(1_000);
    expect(c.now()).toBe(1_000);
    c.step(5);
    expect(c.now()).toBe(1_005);
    c.setTime(2_000);
    expect(c.now()).toBe(2_000);
  });

  it('fires due timers in deadline order, ties in scheduling order, with now() at the deadline', () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    const at = (name: string) => () => log.push(`${name}@${c.now()}`);
    c.setTimeout(at('c'), 30);
    c.setTimeout(at('a'), 10);
    c.setTimeout(at('b1'), 20);
    c.setTimeout(at('b2'), 20);
    c.setTimeout(at('late'), 100);
    expect(c.pendingTimerCount()).toBe(5);
    c.step(30);
    expect(log).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(c.now()).toBe(30);
    expect(c.pendingTimerCount()).toBe(1);
    expect(c.nextDeadline()).toBe(100);
  });

  it('fires timers scheduled by callbacks within the same step', () => {
    const c = new FakeClock(0);
    const log: number[] = [];
    const tick = () => {
      log.push(c.now());
      if (log.length < 10) c.setTimeout(tick, 7);
    };
    c.setTimeout(tick, 7);
    c.step(30);
    expect(log).toEqual([7, 14, 21, 28]);
    expect(c.pendingTimerCount()).toBe(1);
    c.step(1_000);
    expect(log.length).toBe(10);
    expect(c.hasWaiters()).toBe(false);
  });

  it('clearTimeout cancels; clearing twice or after firing is harmless', () => {
    const c = new FakeClock(0);
    let fired = 0;
    const h1 = c.setTimeout(() => fired++, 10);
    const h2 = c.setTimeout(() => fired++, 20);
    c.clearTimeout(h1);
    c.clearTimeout(h1);
    expect(c.pendingTimerCount()).toBe(1);
    c.step(20);
    c.clearTimeout(h2);
    c.clearTimeout(undefined);
    c.clearTimeout({});
    expect(fired).toBe(1);
    expect(c.pendingTimerCount()).toBe(0);
  });

  it('treats negative delays as 0 and keeps Infinity pending for ever', () => {
    const c = new FakeClock(0);
    let fired = 0;
    c.setTimeout(() => fired++, -5);
    c.setTimeout(() => fired++, Infinity);
    c.step(0);
    expect(fired).toBe(1);
    c.step(1e15);
    expect(fired).toBe(1);
    expect(c.pendingTimerCount()).toBe(1);
  });

  it('rejects going backwards or a non-finite step', () => {
    const c = new FakeClock(10);
    expect(() => c.step(-1)).toThrow(RangeError);
    expect(() => c.step(NaN)).toThrow(RangeError);
    expect(() => c.step(Infinity)).toThrow(RangeError);
    expect(() => c.setTime(5)).toThrow(RangeError);
  });

  it('property: fires exactly the due timers, sorted by (deadline, scheduling order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }),
        (timers, steps) => {
          const c = new FakeClock(0);
          const fired: number[] = [];
          const handles = timers.map(([ms], i) => c.setTimeout(() => fired.push(i), ms));
          timers.forEach(([, cancel], i) => cancel && c.clearTimeout(handles[i]));
          let t = 0;
          for (const s of steps) {
            c.step(s);
            t += s;
          }
          const expected = timers
            .map(([ms, cancel], i) => ({ ms, cancel, i }))
            .filter((x) => !x.cancel && steps.length > 0 && x.ms <= t)
            .sort((a, b) => a.ms - b.ms || a.i - b.i)
            .map((x) => x.i);
          expect(fired).toEqual(expected);
          expect(c.pendingTimerCount()).toBe(timers.filter(([, cancel]) => !cancel).length - fired.length);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('internal structures', () => {
  it('RingBuffer behaves as a FIFO through growth and shrinkage', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 60 }), fc.constant(-1)), { maxLength: 200 }), (ops) => {
        const rb = new RingBuffer<number>();
        const model: number[] = [];
        let next = 0;
        for (const op of ops) {
          if (op < 0) {
            const got = rb.shift();
            const want = model.shift();
            if (got !== want) throw new Error(`shift: got ${got}, want ${want}`);
          } else {
            for (let i = 0; i < op; i++) {
              rb.push(next);
              model.push(next++);
            }
          }
          if (rb.size !== model.length || rb.peek() !== model[0]) throw new Error('size/peek mismatch');
        }
        expect([...rb.values()]).toEqual(model);
        while (rb.size > 0) expect(rb.shift()).toBe(model.shift());
        expect(rb.shift()).toBeUndefined();
      }),
      { seed: 5, numRuns: 150 },
    );
  });

  it('RingBuffer gives memory back after a large backlog', () => {
    const rb = new RingBuffer<number>();
    for (let i = 0; i < 100_000; i++) rb.push(i);
    let inOrder = true;
    for (let i = 0; i < 100_000; i++) if (rb.shift() !== i) inOrder = false;
    expect(inOrder).toBe(true);
    // Shrinking while the contents wrap around the end of the buffer keeps the order.
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3_000; i++) {
        rb.push(next);
        model.push(next++);
      }
      for (let i = 0; i < 2_990; i++) if (rb.shift() !== model.shift()) inOrder = false;
    }
    for (let i = 0; i < 400; i++) if (rb.shift() !== model.shift()) inOrder = false;
    expect(inOrder).toBe(true);
    expect([...rb.values()]).toEqual(model);
    while (rb.size > 0) rb.shift();
    // Capacity is private; check behaviour still holds after shrinking to the minimum.
    for (let i = 0; i < 20; i++) rb.push(i);
    expect([...rb.values()]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    rb.clear();
    expect(rb.size).toBe(0);
  });

  it('IndexedMinHeap pops in order and supports remove/fix', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 100 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (keys, removals) => {
          type N = { index: number; key: number };
          const heap = new IndexedMinHeap<N>((a, b) => a.key < b.key);
          const nodes = keys.map((key) => ({ index: -1, key }));
          for (const n of nodes) heap.push(n);
          const removed = new Set<N>();
          for (const r of removals) {
            const n = nodes[r % nodes.length] as N;
            if (removed.has(n)) continue;
            if (r % 3 === 0) {
              n.key = Math.floor(n.key / 2);
              heap.fix(n.index);
            } else {
              heap.remove(n);
              removed.add(n);
              expect(n.index).toBe(-1);
            }
          }
          const out: number[] = [];
          for (let n = heap.pop(); n !== undefined; n = heap.pop()) out.push(n.key);
          const expected = nodes.filter((n) => !removed.has(n)).map((n) => n.key).sort((a, b) => a - b);
          expect(out).toEqual(expected);
        },
      ),
      { seed: 9, numRuns: 300 },
    );
  });
});
