import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BucketRateLimiter,
  FakeClock,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  WithMaxWaitRateLimiter,
  defaultControllerRateLimiter,
  defaultItemBasedRateLimiter,
  newRateLimitingQueue,
  type RateLimiter,
} from '../../src/queue/index.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function whens<T>(limiter: RateLimiter<T>, item: T, n: number): number[] {
  return Array.from({ length: n }, () => limiter.when(item));
}

describe('ItemExponentialFailureRateLimiter', () => {
  // client-go TestItemExponentialFailureRateLimiter.
  it('doubles per failure, per item, and forgets', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(1, 1 * SECOND);
    expect(whens(limiter, 'one', 5)).toEqual([1, 2, 4, 8, 16]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([1, 2]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(1);
  });

  it('caps at the maximum', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(1, 1 * SECOND);
    expect(whens(limiter, 'x', 12)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000]);
  });

  // client-go TestItemExponentialFailureRateLimiterOverFlow.
  it('never overflows', () => {
    let limiter = new ItemExponentialFailureRateLimiter<string>(1, 1000 * SECOND);
    whens(limiter, 'one', 5);
    expect(limiter.when('one')).toBe(32);
    whens(limiter, 'overflow1', 1000);
    expect(limiter.when('overflow1')).toBe(1000 * SECOND);

    limiter = new ItemExponentialFailureRateLimiter<string>(1 * MINUTE, 1000 * HOUR);
    whens(limiter, 'two', 2);
    expect(limiter.when('two')).toBe(4 * MINUTE);
    whens(limiter, 'overflow2', 1000);
    expect(limiter.when('overflow2')).toBe(1000 * HOUR);
  });

  it('property: always finite, >= 0 and <= max, even after thousands of failures', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1e9, noNaN: true })),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.oneof(fc.constant(1100), fc.integer({ min: 1, max: 1200 })), // 2^1024 overflows to Infinity
        (base, max, failures) => {
          const limiter = new ItemExponentialFailureRateLimiter<string>(base, max);
          let last = 0;
          for (let i = 0; i < failures; i++) {
            const d = limiter.when('k');
            // Plain checks in the hot loop; one expect at the end.
            if (!Number.isFinite(d) || d < 0 || d > max || d < last) {
              throw new Error(`failure ${i}: delay ${d} (base ${base}, max ${max}, previous ${last})`);
            }
            last = d;
          }
          expect(limiter.numRequeues('k')).toBe(failures);
          if (failures > 1100) expect(last).toBe(base === 0 ? 0 : max);
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  // Issue 16 divergence (1): client-go takes any Duration; only NaN (no Duration) and non-numbers are refused.
  it('takes negative and infinite delays as client-go does, and rejects NaN or non-numbers naming the option', () => {
    const negative = new ItemExponentialFailureRateLimiter<string>(-1, 10);
    expect(whens(negative, 'k', 3)).toEqual([-1, -2, -4]); // <= 0: the queue adds at once
    const uncapped = new ItemExponentialFailureRateLimiter<string>(1, Infinity);
    expect(whens(uncapped, 'k', 3)).toEqual([1, 2, 4]);
    whens(uncapped, 'k', 1100);
    expect(uncapped.when('k')).toBe(Infinity); // no cap: 2^n overflowed, "never"
    expect(new ItemExponentialFailureRateLimiter<string>(Infinity, 5).when('k')).toBe(5);
    expect(() => new ItemExponentialFailureRateLimiter(NaN, 10)).toThrow(
      new RangeError('ItemExponentialFailureRateLimiter: baseDelayMs must not be NaN'),
    );
    expect(() => new ItemExponentialFailureRateLimiter(1, '10' as never)).toThrow(
      new TypeError("ItemExponentialFailureRateLimiter: maxDelayMs must be a number, got '10'"),
    );
    expect(() => new ItemFastSlowRateLimiter(1, NaN, 3)).toThrow(/slowDelayMs must not be NaN/);
    expect(() => new ItemFastSlowRateLimiter(1, 2, undefined as never)).toThrow(/maxFastAttempts must be a number/);
    expect(() => new WithMaxWaitRateLimiter(negative, NaN)).toThrow(/maxDelayMs must not be NaN/);
    expect(() => new WithMaxWaitRateLimiter({} as never, 5)).toThrow(/WithMaxWaitRateLimiter: limiter must be a RateLimiter/);
    expect(() => new MaxOfRateLimiter(negative, 5 as never)).toThrow(/MaxOfRateLimiter: limiter 1 must be a RateLimiter/);
  });

  it('defaultItemBasedRateLimiter goes from 1 ms to 1000 s', () => {
    const limiter = defaultItemBasedRateLimiter<string>();
    expect(whens(limiter, 'k', 3)).toEqual([1, 2, 4]);
    whens(limiter, 'k', 100);
    expect(limiter.when('k')).toBe(1000 * SECOND);
  });
});

describe('ItemFastSlowRateLimiter', () => {
  // client-go TestItemFastSlowRateLimiter.
  it('is fast for maxFastAttempts failures, then slow', () => {
    const limiter = new ItemFastSlowRateLimiter<string>(5, 10 * SECOND, 3);
    expect(whens(limiter, 'one', 5)).toEqual([5, 5, 5, 10 * SECOND, 10 * SECOND]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([5, 5]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(5);
  });
});

describe('MaxOfRateLimiter', () => {
  // client-go TestMaxOfRateLimiter.
  it('returns the worst case of its limiters', () => {
    const limiter = new MaxOfRateLimiter<string>(
      new ItemFastSlowRateLimiter(5, 3 * SECOND, 3),
      new ItemExponentialFailureRateLimiter(1, 1 * SECOND),
    );
    expect(whens(limiter, 'one', 5)).toEqual([5, 5, 5, 3 * SECOND, 3 * SECOND]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([5, 5]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(5);
  });
});

describe('WithMaxWaitRateLimiter', () => {
  // client-go TestWithMaxWaitRateLimiter (with its StepRateLimiter).
  it('caps the delay of another limiter', () => {
    let count = 0;
    const step: RateLimiter<number> = {
      when: () => (++count <= 100 ? 5 : 1000 * SECOND),
      forget: () => {},
      numRequeues: () => 0,
    };
    const limiter = new WithMaxWaitRateLimiter(step, 500 * SECOND);
    for (let i = 0; i < 100; i++) expect(limiter.when(i)).toBe(5);
    for (let i = 100; i < 200; i++) expect(limiter.when(i)).toBe(500 * SECOND);
  });
});

describe('BucketRateLimiter', () => {
  it('gives burst tokens at once, then one per 1/qps second of debt', () => {
    const clock = new FakeClock(0);
    const limiter = new BucketRateLimiter<string>({ qps: 10, burst: 3, clock });
    expect(whens(limiter, 'any', 6)).toEqual([0, 0, 0, 100, 200, 300]);
    expect(limiter.numRequeues('any')).toBe(0);
  });

  it('refills at qps, up to burst', () => {
    const clock = new FakeClock(0);
    const limiter = new BucketRateLimiter<string>({ qps: 10, burst: 3, clock });
    whens(limiter, 'x', 3); // empty
    clock.step(100); // one token back
    expect(limiter.when('x')).toBe(0);
    expect(limiter.when('x')).toBe(100);
    clock.step(10_000); // refills to burst, not beyond (from -1: pays the debt, then 3)
    expect(whens(limiter, 'x', 4)).toEqual([0, 0, 0, 100]);
  });

  it('pays back debt as time passes', () => {
    const clock = new FakeClock(0);
    const limiter = new BucketRateLimiter<string>({ qps: 2, burst: 1, clock });
    expect(limiter.when('x')).toBe(0);
    expect(limiter.when('x')).toBe(500);
    expect(limiter.when('x')).toBe(1000);
    clock.step(250);
    expect(limiter.when('x')).toBe(1250); // tokens were -2, +0.5 → -1.5 - 1 = -2.5 → 1250 ms
  });

  // Issue 16 divergence (1): qps 0 and burst 0 are x/time/rate's "never", not errors.
  it('follows x/time/rate for qps 0 and burst 0; an infinite qps never delays; rejects NaN, negative qps, fractional burst', () => {
    const clock = new FakeClock(0);
    const frozen = new BucketRateLimiter<string>({ qps: 0, burst: 2, clock });
    expect(whens(frozen, 'x', 4)).toEqual([0, 0, Infinity, Infinity]);
    clock.step(HOUR);
    expect(frozen.when('x')).toBe(Infinity); // qps 0 never refills
    const noBurst = new BucketRateLimiter<string>({ qps: 10, burst: 0, clock });
    expect(whens(noBurst, 'x', 3)).toEqual([Infinity, Infinity, Infinity]);
    const inf = new BucketRateLimiter<string>({ qps: Infinity, burst: 0 });
    expect(whens(inf, 'x', 5)).toEqual([0, 0, 0, 0, 0]);
    expect(() => new BucketRateLimiter({ qps: -1, burst: 1 })).toThrow(new RangeError('BucketRateLimiter: option "qps" must be >= 0, got -1'));
    expect(() => new BucketRateLimiter({ qps: NaN, burst: 1 })).toThrow(/option "qps" must not be NaN/);
    expect(() => new BucketRateLimiter({ qps: 1, burst: 1.5 })).toThrow(new RangeError('BucketRateLimiter: option "burst" must be an integer, got 1.5'));
    expect(() => new BucketRateLimiter({ qps: 1 } as never)).toThrow(/option "burst" must be a number/);
    expect(() => new BucketRateLimiter(undefined as never)).toThrow(TypeError);
    expect(() => new BucketRateLimiter({ qps: 1, burst: 1, clock: Date } as never)).toThrow(/option "clock" must be a Clock/);
    expect(() => new BucketRateLimiter({ qps: 1, burst: 1, bursts: 2 } as never)).toThrow(/unknown option "bursts"/);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is max(5 ms·2^n capped at 1000 s, a 10 qps bucket of 100)', () => {
    const clock = new FakeClock(0);
    const limiter = defaultControllerRateLimiter<string>({ clock });
    // Per item: 5, 10, 20, 40 ms (the bucket still has tokens).
    expect(whens(limiter, 'a', 4)).toEqual([5, 10, 20, 40]);
    expect(limiter.numRequeues('a')).toBe(4);
    // Use up the bucket with distinct items: 96 tokens left → 96 × 5 ms.
    for (let i = 0; i < 96; i++) expect(limiter.when(`item-${i}`)).toBe(5);
    // Bucket empty: the overall limit dominates (100 ms per token of debt).
    expect(limiter.when('b')).toBe(100);
    expect(limiter.when('c')).toBe(200);
    // The per-item backoff dominates when it is longer: 'a' fails a 5th time → 80 ms... but the
    // bucket debt is now 300 ms; after the debt is paid, the item's own backoff shows again.
    expect(limiter.when('a')).toBe(300);
    clock.step(10_000);
    expect(limiter.when('a')).toBe(160);
    // Capped at 1000 s.
    for (let i = 0; i < 40; i++) limiter.when('slow');
    expect(limiter.when('slow')).toBe(1000 * SECOND);
    limiter.forget('slow');
    expect(limiter.numRequeues('slow')).toBe(0);
  });
});

describe('RateLimitingQueue', () => {
  // client-go TestRateLimitingQueue: the delays handed to the delaying queue.
  it('adds after the rate limiter delay and forgets', async () => {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 1 * SECOND), { clock });

    q.addRateLimited('one');
    expect(clock.nextDeadline()).toBe(1);
    clock.step(1);
    expect(q.len()).toBe(1);
    await q.get();
    q.done('one');

    q.addRateLimited('one');
    expect(clock.nextDeadline()).toBe(1 + 2);
    expect(q.numRequeues('one')).toBe(2);
    clock.step(2);
    expect(q.len()).toBe(1);
    await q.get();
    q.done('one');

    q.addRateLimited('two');
    expect(clock.nextDeadline()).toBe(3 + 1);
    clock.step(1);
    q.addRateLimited('two');
    expect(clock.nextDeadline()).toBe(4 + 2);

    q.forget('one');
    expect(q.numRequeues('one')).toBe(0);
    q.addRateLimited('one');
    expect(q.lenWaiting()).toBe(1 + 1);
    clock.step(1);
    expect(q.len()).toBe(2); // "two" (due at 4) and "one" (due at 5)
    q.shutDown();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('uses the default controller rate limiter on the queue clock', () => {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<string>(undefined, { clock });
    q.addRateLimited('a');
    expect(clock.nextDeadline()).toBe(5);
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    clock.step(5);
    expect(q.len()).toBe(1);
    q.shutDown();
  });

  it('consults the rate limiter even when shutting down, and ignores the add', () => {
    const clock = new FakeClock(0);
    const q = newRateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 1 * SECOND), { clock });
    q.shutDown();
    q.addRateLimited('x');
    expect(q.numRequeues('x')).toBe(1);
    expect(q.lenWaiting()).toBe(0);
    expect(q.stats().ignoredAdds).toBe(1);
  });
});
