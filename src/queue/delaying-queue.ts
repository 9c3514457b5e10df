import type { TimerHandle } from './clock.js';
import { IndexedMinHeap } from './heap.js';
import { newRetryMetric, type CounterMetric } from './metrics.js';
import { WorkQueueImpl, type QueueConfig, type WorkQueue } from './queue.js';

/**
 * A {@link WorkQueue} that can also add an item later: client-go's
 * `TypedDelayingInterface`, used to requeue after failures without
 * hot-looping.
 *
 * - `addAfter(item, ms)` with `ms <= 0` (or `NaN`) adds at once; otherwise
 *   the item waits until `clock.now() + ms` and is then `add()`ed (so it
 *   collapses with a copy already queued, and waits for `done()` if it is
 *   being processed). `ms = Infinity` waits until shutdown, i.e. never.
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
export type DelayingQueueConfig = QueueConfig;

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
  /** Deadline the armed timer was set for (`Infinity` when none). */
  private timerAt = Infinity;

  constructor(config: DelayingQueueConfig = {}) {
    super(config);
    this.retries = newRetryMetric(config.metricsProvider, this.name);
  }

  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) {
      this.countIgnoredAdd();
      return;
    }
    this.retries?.inc();
    if (!(ms > 0)) {
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
    if (top.readyAt === Infinity) return;
    this.timerAt = top.readyAt;
    this.timer = this.clock.setTimeout(this.onTimer, top.readyAt - this.clock.now());
  }

  private disarm(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.timerAt = Infinity;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
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

/** Creates a {@link DelayingQueue}: client-go's `NewTypedDelayingQueueWithConfig`. */
export function newDelayingQueue<T>(config?: DelayingQueueConfig): DelayingQueue<T> {
  return new DelayingQueueImpl<T>(config);
}
