import type { TimerHandle } from './clock.js';
import { IndexedMinHeap } from './heap.js';
import { newRetryMetric, type CounterMetric } from './metrics.js';
import { WorkQueueImpl, type QueueConfig, type WorkQueue } from './queue.js';
import { checkNumber } from './validate.js';

/**
 * A {@link WorkQueue} that can also add an item later: client-go's
 * `TypedDelayingInterface`, used to requeue after failures without
 * hot-looping.
 *
 * - `addAfter(item, ms)` with `ms <= 0` adds at once (as client-go does for
 *   a negative duration); otherwise the item waits until `clock.now() + ms`
 *   and is then `add()`ed (so it collapses with a copy already queued, and
 *   waits for `done()` if it is being processed). `ms = Infinity` waits
 *   until shutdown, i.e. never. `NaN` is a RangeError and a non-number a
 *   TypeError, thrown before anything changes.
 * - A waiting item keeps a clock timer armed (on the real clock, a
 *   referenced Node timer, chained for delays beyond 2^31-1 ms and for
 *   `Infinity`), so a running queue with waiting items keeps the process
 *   alive; shutdown clears it.
 * - An item waiting twice keeps the earlier deadline: a later, longer delay
 *   does not postpone it; a shorter one brings it forward.
 * - Items falling due together are added in deadline order (ties: first
 *   scheduled first).
 * - Waiting items live in a min-heap by deadline with one clock timer armed
 *   for the earliest deadline (no polling, no heartbeat). Shutdown drops the
 *   waiting items and clears the timer; `addAfter` after shutdown is ignored.
 * - Each `addAfter` on a running queue counts one `workqueue_retries_total`
 *   for a named queue, as in client-go.
 */
export interface DelayingQueue<T> extends WorkQueue<T> {
  /** Adds `item` after `ms` milliseconds of the queue's clock. */
  addAfter(item: T, ms: number): void;
  /** Number of items waiting for their deadline (not yet in `len()`). */
  lenWaiting(): number;
}

/** Options of {@link newDelayingQueue}: those of {@link QueueConfig}. */
export type DelayingQueueConfig<T = unknown> = QueueConfig<T>;

class WaitEntry<T> {
  index = -1;
  constructor(
    readonly item: T,
    public readyAt: number,
    public seq: number,
  ) {}
}

function waitLess<T>(a: WaitEntry<T>, b: WaitEntry<T>): boolean {
  return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
}

/**
 * Implementation of {@link DelayingQueue}.
 * @internal Use {@link newDelayingQueue}.
 */
export class DelayingQueueImpl<T> extends WorkQueueImpl<T> implements DelayingQueue<T> {
  private readonly heap = new IndexedMinHeap<WaitEntry<T>>(waitLess);
  private readonly waiting = new Map<T, WaitEntry<T>>();
  private readonly retries: CounterMetric | undefined;
  private seq = 0;
  private timer: TimerHandle | undefined;
  /** Deadline the armed timer was set for (`NaN` when none). */
  private timerAt = NaN;

  constructor(config: DelayingQueueConfig<T> = {}, where = 'newDelayingQueue', extraOptions: readonly string[] = []) {
    super(config, where, extraOptions);
    this.retries = newRetryMetric(config.metricsProvider, this.name, this.reportMetricsError);
  }

  addAfter(item: T, ms: number): void {
    checkNumber(ms, 'addAfter: ms');
    if (this.shuttingDown()) {
      this.countIgnoredAdd();
      return;
    }
    this.retries?.inc();
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing !== undefined) {
      if (readyAt >= existing.readyAt) return;
      existing.readyAt = readyAt;
      this.heap.fix(existing.index);
    } else {
      const entry = new WaitEntry(item, readyAt, this.seq++);
      this.waiting.set(item, entry);
      this.heap.push(entry);
    }
    this.arm();
  }

  lenWaiting(): number {
    return this.heap.size;
  }

  protected override isIdle(): boolean {
    return this.heap.size === 0 && super.isIdle();
  }

  protected override onShutdown(): void {
    this.disarm();
    this.heap.clear();
    this.waiting.clear();
  }

  /** Makes sure a timer is armed no later than the earliest deadline. */
  private arm(): void {
    const top = this.heap.peek();
    if (top === undefined) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timerAt <= top.readyAt) return;
    this.disarm();
    // Armed for Infinity too: the timer never fires, but keeps a real-clock process alive like any waiting item.
    this.timerAt = top.readyAt;
    this.timer = this.clock.setTimeout(this.onTimer, top.readyAt - this.clock.now());
  }

  private disarm(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.timerAt = NaN; // compares false: no deadline
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = NaN;
    if (this.shuttingDown()) return;
    const now = this.clock.now();
    const heap = this.heap;
    for (;;) {
      const top = heap.peek();
      if (top === undefined || top.readyAt > now) break;
      heap.pop();
      this.waiting.delete(top.item);
      this.add(top.item);
    }
    // A real timer may fire a little early: re-arming covers that too.
    this.arm();
  };
}

/**
 * Creates a {@link DelayingQueue}: client-go's `NewTypedDelayingQueueWithConfig`.
 * Throws a TypeError naming the option if `config` is not valid.
 */
export function newDelayingQueue<T>(config?: DelayingQueueConfig<T>): DelayingQueue<T> {
  return new DelayingQueueImpl<T>(config, 'newDelayingQueue');
}
