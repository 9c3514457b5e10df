import { IndexedMinHeap } from './heap.js';
import { checkFunction, checkNumber } from './validate.js';

/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = object;

/**
 * The time source and timer service every queue, rate limiter and metrics
 * recorder in this package uses. Inject a {@link FakeClock} in tests so that
 * nothing depends on the machine's speed.
 *
 * Contract:
 * - `now()` returns milliseconds (fractions allowed) and never goes backwards.
 * - `setTimeout(fn, ms)` calls `fn` once, no earlier than `ms` after the call
 *   (a real clock may be late, never early by more than its timer resolution;
 *   callers re-check `now()` when a deadline matters), and returns a handle.
 * - `clearTimeout(handle)` cancels a pending timer; cancelling a timer that
 *   already fired or was already cancelled does nothing.
 *
 * The queues never leave a timer armed after they are shut down, so a process
 * that shut its queues down exits on its own; timers are not `unref`'d, so a
 * queue that is still running with waiting delayed items (whatever their
 * delay, `Infinity` included), a metrics tick or a drain timeout keeps the
 * process alive.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

const timeOrigin = performance.timeOrigin;

function checkTimer(fn: unknown, ms: unknown, where: string): void {
  checkFunction(fn, `${where}: fn`);
  checkNumber(ms, `${where}: ms`);
}

/** Longest delay Node's `setTimeout` accepts (about 24.8 days). */
const MAX_NODE_DELAY = 2_147_483_647;

interface RealTimer {
  t: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The process clock: `now()` is `performance.timeOrigin + performance.now()`
 * (milliseconds since the Unix epoch, monotonic within the process); timers
 * are Node timers, referenced (a pending one keeps the process alive).
 * Delays longer than Node's 2^31-1 ms limit (which Node would cut to 1 ms)
 * are chained instead; `Infinity` never fires but stays armed (a chain of
 * 2^31-1 ms timers) until cleared; a delay <= 0 fires on the next turn.
 * `NaN` is a RangeError, a non-number delay or callback a TypeError.
 */
export const realClock: Clock = Object.freeze({
  now(): number {
    return timeOrigin + performance.now();
  },
  setTimeout(fn: () => void, ms: number): TimerHandle {
    checkTimer(fn, ms, 'realClock.setTimeout');
    const handle: RealTimer = { t: undefined };
    let remaining = ms > 0 ? ms : 0;
    const arm = (): void => {
      if (remaining > MAX_NODE_DELAY) {
        remaining -= MAX_NODE_DELAY;
        handle.t = setTimeout(arm, MAX_NODE_DELAY);
      } else {
        handle.t = setTimeout(() => {
          handle.t = undefined;
          fn();
        }, remaining);
      }
    };
    arm();
    return handle;
  },
  clearTimeout(handle: TimerHandle | undefined): void {
    const h = handle as RealTimer | undefined;
    if (h !== undefined && h.t !== undefined) {
      clearTimeout(h.t);
      h.t = undefined;
    }
  },
});

class FakeTimer {
  index = -1;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
}

function timerLess(a: FakeTimer, b: FakeTimer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/**
 * A manual clock for tests (and for other engineers' tests).
 *
 * - Time only moves when {@link FakeClock.step} (or {@link FakeClock.setTime})
 *   is called.
 * - `step(ms)` fires every timer whose deadline falls within the step, in
 *   deadline order (ties in the order they were scheduled), with `now()` set
 *   to each timer's deadline while its callback runs; timers scheduled by
 *   those callbacks fire in the same step if they fall due within it. When it
 *   returns, `now()` is the old time plus `ms`.
 * - Callbacks run synchronously inside `step`; promise continuations they
 *   cause run afterwards, so tests usually `await` a macrotask after a step.
 * - `pendingTimerCount()` tells how many timers are armed: after a queue is
 *   shut down it must be 0.
 * - A timer scheduled with a delay of `Infinity` stays pending and never
 *   fires; a delay <= 0 fires at the next `step` (even `step(0)`); `NaN` is
 *   a RangeError, as on {@link realClock}.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new IndexedMinHeap<FakeTimer>(timerLess);

  constructor(startMs = 0) {
    if (typeof startMs !== 'number' || !Number.isFinite(startMs)) {
      throw new RangeError(`FakeClock: startMs must be a finite number, got ${String(startMs)}`);
    }
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    checkTimer(fn, ms, 'FakeClock.setTimeout');
    const delay = ms > 0 ? ms : 0;
    const timer = new FakeTimer(this.time + delay, this.seq++, fn);
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle instanceof FakeTimer) this.timers.remove(handle);
  }

  /** Advances time by `ms` (≥ 0), firing due timers in deadline order. */
  step(ms: number): void {
    if (!(ms >= 0 && ms < Infinity)) throw new RangeError(`FakeClock.step: ms must be finite and >= 0, got ${ms}`);
    this.advanceTo(this.time + ms);
  }

  /** Moves time to `t` (not before `now()`), firing due timers in order. */
  setTime(t: number): void {
    if (!(t >= this.time && t < Infinity)) throw new RangeError(`FakeClock.setTime: cannot go back from ${this.time} to ${t}`);
    this.advanceTo(t);
  }

  /** Number of timers armed and not yet fired or cancelled. */
  pendingTimerCount(): number {
    return this.timers.size;
  }

  /** Whether any timer is armed (client-go's `HasWaiters`). */
  hasWaiters(): boolean {
    return this.timers.size > 0;
  }

  /** Deadline of the next timer to fire, or `undefined`. */
  nextDeadline(): number | undefined {
    return this.timers.peek()?.deadline;
  }

  private advanceTo(target: number): void {
    for (;;) {
      const next = this.timers.peek();
      if (next === undefined || next.deadline > target) break;
      this.timers.pop();
      if (next.deadline > this.time) this.time = next.deadline;
      next.fn();
    }
    this.time = target;
  }
}
