import { realClock, type Clock } from './clock.js';
import { checkClock, checkConfigObject, checkNumber, describeValue } from './validate.js';

/**
 * Decides how long an item should wait before it is retried: client-go's
 * `TypedRateLimiter`. Durations are milliseconds.
 *
 * - `when(item)` records one more failure (for per-item limiters) and returns
 *   the delay in ms. As in client-go, it may be <= 0 (the queue adds at
 *   once) and, with the options that say so, `Infinity` ("never": the item
 *   waits until shutdown); it is never `NaN` for the limiters here.
 * - `forget(item)` stops tracking the item (after success, or when giving up).
 *   Forgetting does not call `done()` on the queue.
 * - `numRequeues(item)` is how many failures are being tracked for the item.
 *
 * Per-item limiters key their state with SameValueZero (`Map`), like the queue.
 */
export interface RateLimiter<T> {
  when(item: T): number;
  forget(item: T): void;
  numRequeues(item: T): number;
}

/**
 * A delay option: any number of ms, as client-go takes any `time.Duration`
 * (negative: "at once"; `Infinity`: "never" or "no cap"). `NaN`, which no
 * Duration can be, is a RangeError; a non-number a TypeError.
 */
function checkDelay(what: string, ms: unknown): void {
  checkNumber(ms, what);
}

/**
 * `baseDelayMs * 2^failures`, capped at `maxDelayMs`: client-go's
 * `ItemExponentialFailureRateLimiter`. The first `when()` returns
 * `baseDelayMs`. Overflow-safe: once `2^failures` overflows (or the product
 * exceeds the cap) the result is `maxDelayMs`, never `NaN`; a base of 0
 * always gives 0. `maxDelayMs: Infinity` means no cap (the delay doubles
 * until it overflows to `Infinity`, "never"); a negative base gives
 * negative delays ("at once"), as in client-go.
 */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {
    checkDelay('ItemExponentialFailureRateLimiter: baseDelayMs', baseDelayMs);
    checkDelay('ItemExponentialFailureRateLimiter: maxDelayMs', maxDelayMs);
  }

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const base = this.baseDelayMs;
    if (base === 0) return 0; // 0 · 2^exp, without 0 · Infinity = NaN once 2^exp overflows
    const backoff = base * 2 ** exp;
    return backoff <= this.maxDelayMs ? backoff : this.maxDelayMs;
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }
}

/**
 * `fastDelayMs` for the first `maxFastAttempts` failures of an item, then
 * `slowDelayMs`: client-go's `ItemFastSlowRateLimiter`.
 */
export class ItemFastSlowRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    readonly fastDelayMs: number,
    readonly slowDelayMs: number,
    readonly maxFastAttempts: number,
  ) {
    checkDelay('ItemFastSlowRateLimiter: fastDelayMs', fastDelayMs);
    checkDelay('ItemFastSlowRateLimiter: slowDelayMs', slowDelayMs);
    checkNumber(maxFastAttempts, 'ItemFastSlowRateLimiter: maxFastAttempts');
  }

  when(item: T): number {
    const n = (this.failures.get(item) ?? 0) + 1;
    this.failures.set(item, n);
    return n <= this.maxFastAttempts ? this.fastDelayMs : this.slowDelayMs;
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }
}

/** Options of {@link BucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second (`>= 0`; `Infinity` never delays; 0: `burst` tokens, then never). */
  qps: number;
  /** Bucket size (an integer; the bucket starts full). `<= 0` with a finite `qps`: every delay is `Infinity`, as in client-go. */
  burst: number;
  /** Clock used to refill the bucket; defaults to {@link realClock}. */
  clock?: Clock;
}

/**
 * An overall (not per-item) token bucket: client-go's `BucketRateLimiter`
 * over `golang.org/x/time/rate`'s `Limiter.Reserve().Delay()`.
 *
 * The bucket holds up to `burst` tokens, starts full and refills at `qps`
 * tokens per second. Each `when()` reserves one token: with a token at hand
 * the delay is 0, otherwise the reservation goes into debt and the delay is
 * the time until that token will have been refilled. So at a fixed instant a
 * full bucket of `burst` gives `burst` zeros, then `1000/qps` ms,
 * `2·1000/qps` ms, … `numRequeues` is always 0 and `forget` does nothing.
 *
 * Edge cases as in `x/time/rate`: `qps: Infinity` always gives 0; `qps: 0`
 * gives `burst` zeros, then `Infinity` (its "never", `InfDuration`); a
 * `burst` of 0 or less with a finite `qps` always gives `Infinity`. A
 * negative or `NaN` qps, or a fractional burst, is a RangeError.
 */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  readonly qps: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: BucketRateLimiterOptions) {
    if ((options as BucketRateLimiterOptions | undefined) === undefined) throw new TypeError('BucketRateLimiter: options { qps, burst } are required');
    const o = checkConfigObject(options, 'BucketRateLimiter', ['qps', 'burst', 'clock']) as Partial<BucketRateLimiterOptions>;
    const { qps, burst } = o;
    checkNumber(qps, 'BucketRateLimiter: option "qps"');
    if (qps < 0) throw new RangeError(`BucketRateLimiter: option "qps" must be >= 0, got ${qps}`);
    checkNumber(burst, 'BucketRateLimiter: option "burst"');
    if (!Number.isInteger(burst)) throw new RangeError(`BucketRateLimiter: option "burst" must be an integer, got ${burst}`);
    if (o.clock !== undefined) checkClock(o.clock, 'BucketRateLimiter: option "clock"');
    this.qps = qps;
    this.burst = burst;
    this.clock = o.clock ?? realClock;
    this.tokens = burst;
    this.last = this.clock.now();
  }

  when(_item: T): number {
    if (this.qps === Infinity) return 0;
    if (this.burst <= 0) return Infinity; // x/time/rate: a reservation larger than the burst is never granted
    const now = this.clock.now();
    const at = now > this.last ? now : this.last;
    let tokens = this.tokens + ((at - this.last) / 1000) * this.qps;
    if (tokens > this.burst) tokens = this.burst;
    tokens -= 1;
    this.tokens = tokens;
    this.last = at;
    if (tokens >= 0) return at - now;
    return at - now + (-tokens / this.qps) * 1000;
  }

  numRequeues(_item: T): number {
    return 0;
  }

  forget(_item: T): void {
    // The bucket keeps no per-item state.
  }
}

/**
 * Asks every limiter and returns the longest delay: client-go's
 * `MaxOfRateLimiter`. `numRequeues` is the maximum over the limiters and
 * `forget` forgets in all of them. Every limiter's `when()` is called, so
 * each one records the failure.
 */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: readonly RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    limiters.forEach((l, i) => {
      checkLimiter(l, `MaxOfRateLimiter: limiter ${i}`);
    });
    this.limiters = limiters;
  }

  when(item: T): number {
    let ret = 0;
    for (const l of this.limiters) {
      const d = l.when(item);
      if (d > ret) ret = d;
    }
    return ret;
  }

  numRequeues(item: T): number {
    let ret = 0;
    for (const l of this.limiters) {
      const n = l.numRequeues(item);
      if (n > ret) ret = n;
    }
    return ret;
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }
}

/** Caps another limiter's delay at `maxDelayMs`: client-go's `WithMaxWaitRateLimiter`. */
export class WithMaxWaitRateLimiter<T> implements RateLimiter<T> {
  constructor(
    private readonly limiter: RateLimiter<T>,
    readonly maxDelayMs: number,
  ) {
    checkLimiter(limiter, 'WithMaxWaitRateLimiter: limiter');
    checkDelay('WithMaxWaitRateLimiter: maxDelayMs', maxDelayMs);
  }

  when(item: T): number {
    const d = this.limiter.when(item);
    return d > this.maxDelayMs ? this.maxDelayMs : d;
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }

  forget(item: T): void {
    this.limiter.forget(item);
  }
}

/** Options of {@link defaultControllerRateLimiter}. */
export interface DefaultControllerRateLimiterOptions {
  /** Clock of the token bucket; defaults to {@link realClock}. */
  clock?: Clock;
}

/**
 * client-go's `DefaultTypedControllerRateLimiter`: the maximum of a per-item
 * exponential limiter (5 ms, 10 ms, 20 ms, … capped at 1000 s) and an overall
 * token bucket of 10 qps with a burst of 100.
 */
export function defaultControllerRateLimiter<T>(options: DefaultControllerRateLimiterOptions = {}): RateLimiter<T> {
  checkConfigObject(options, 'defaultControllerRateLimiter', ['clock']);
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>(5, 1000 * 1000),
    new BucketRateLimiter<T>({ qps: 10, burst: 100, ...(options.clock ? { clock: options.clock } : {}) }),
  );
}

/** client-go's `DefaultTypedItemBasedRateLimiter`: exponential from 1 ms, capped at 1000 s. */
export function defaultItemBasedRateLimiter<T>(): RateLimiter<T> {
  return new ItemExponentialFailureRateLimiter<T>(1, 1000 * 1000);
}

function checkLimiter(limiter: unknown, what: string): void {
  const l = limiter as Record<string, unknown> | null;
  if (typeof l !== 'object' || l === null || ['when', 'forget', 'numRequeues'].some((m) => typeof l[m] !== 'function')) {
    throw new TypeError(`${what} must be a RateLimiter (when(), forget() and numRequeues()), got ${describeValue(limiter)}`);
  }
}
