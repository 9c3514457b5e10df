import { realClock, type Clock, type TimerHandle } from './clock.js';
import { DrainTimeoutError, QueueMisuseError, formatItem, queueLabel } from './errors.js';
import {
  UNFINISHED_WORK_UPDATE_PERIOD_MS,
  newQueueMetrics,
  type MetricsProvider,
  type QueueMetricsRecorder,
} from './metrics.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * What `get()` resolves to. Destructure and test `shutdown` first, which
 * narrows `item` to `T`:
 *
 * ```ts
 * const [item, shutdown] = await queue.get();
 * if (shutdown) return;
 * try { await reconcile(item); } finally { queue.done(item); }
 * ```
 *
 * The shutdown tuple is a frozen, shared array.
 */
export type GetResult<T> = [item: T, shutdown: false] | [item: undefined, shutdown: true];

/** One item taken with `get()` and not yet marked `done()`. */
export interface ProcessingEntry<T> {
  item: T;
  /** `clock.now()` when `get()` handed the item out. */
  since: number;
  /** `clock.now() - since`, at the time `processing()` was called. */
  ageMs: number;
}

/** Counters of a queue's life, for tests and operators. */
export interface QueueStats {
  /** `add()` (and due `addAfter()`) calls accepted while running, collapsed ones included. */
  adds: number;
  /** `add()` / `addAfter()` / `addRateLimited()` calls ignored because the queue was shutting down. */
  ignoredAdds: number;
  /** Items handed out by `get()`. */
  gets: number;
  /** Successful `done()` calls. */
  dones: number;
  /** Misuse events: `done()` for an item not being processed (thrown or only counted). */
  misuses: number;
  /** Items queued now (`len()`). */
  depth: number;
  /** Items taken and not yet done now. */
  processing: number;
  /** `get()` calls waiting for an item now. */
  waitingGets: number;
}

/**
 * What to do when `done()` is called for an item that is not being processed:
 * `'throw'` (default) throws a {@link QueueMisuseError}; `'count'` ignores the
 * call. Both count it in `stats().misuses`.
 */
export type MisuseMode = 'throw' | 'count';

/** Options of {@link newQueue}. */
export interface QueueConfig {
  /** Queue name: the `name` label of its metrics. Unnamed queues record no metrics (as in client-go). */
  name?: string;
  /** Where metrics go; defaults to the no-op provider. */
  metricsProvider?: MetricsProvider;
  /** Time source and timers; defaults to {@link realClock}. */
  clock?: Clock;
  /** Reaction to `done()` misuse; defaults to `'throw'`. */
  onMisuse?: MisuseMode;
}

/** Options of `shutDownWithDrain()`. */
export interface ShutDownWithDrainOptions {
  /**
   * Reject with a {@link DrainTimeoutError} if items are still being
   * processed after this many milliseconds of the queue's clock.
   * Omitted or `Infinity`: wait for ever.
   */
  timeoutMs?: number;
}

/**
 * A work queue with client-go `workqueue.Typed` semantics: a FIFO of distinct
 * items with "dirty" and "processing" sets, for controllers whose async
 * workers loop on `get()` / `done()`.
 *
 * Identity: items compare with SameValueZero (`Set`/`Map` semantics). Object
 * items compare by reference, so two equal-looking objects are two items;
 * use string keys such as `namespace/name` (the usual choice) or numbers.
 *
 * Guarantees:
 * - An item added several times before a worker takes it is queued once
 *   (its first position is kept).
 * - An item is never handed to two workers at once: if it is added while
 *   being processed, it is only marked dirty and is queued again when
 *   `done()` is called for it.
 * - `get()` waits while the queue is empty and running; waiting `get()`
 *   calls are served first come, first served.
 * - After `shutDown()` / `shutDownWithDrain()`, new adds are ignored (and
 *   counted in `stats().ignoredAdds`), workers still receive what is queued
 *   (including dirty items re-queued by `done()`), and `get()` resolves
 *   `[undefined, true]` once the queue is empty — immediately, for calls made
 *   on a shut-down empty queue.
 * - All operations are O(1) amortised (a ring buffer and hash maps; no
 *   `Array.prototype.shift`, no scans), except the diagnostic
 *   `processing()`, which is O(items being processed). The queue's index may
 *   keep a reference to a taken item until the queue next becomes empty
 *   (bounded: the index holds at most 8 × `len()` + 64 entries).
 */
export interface WorkQueue<T> {
  /** Marks `item` as needing processing. Ignored (and counted) after shutdown. */
  add(item: T): void;
  /**
   * Takes the next item, waiting while the queue is empty and running.
   * The caller must call `done(item)` when finished with it.
   * Resolves `[undefined, true]` when the queue is shut down and empty.
   */
  get(): Promise<GetResult<T>>;
  /**
   * Marks `item` as done. If it was added again while being processed, it is
   * queued again. Throws {@link QueueMisuseError} (or only counts, with
   * `onMisuse: 'count'`) if `item` is not being processed.
   */
  done(item: T): void;
  /** Number of items queued (not counting items being processed). */
  len(): number;
  /**
   * Stops the queue: adds are ignored from now on, waiting `get()` calls with
   * nothing to take resolve `[undefined, true]`, timers stop, and a pending
   * `shutDownWithDrain()` is released (it resolves). Idempotent.
   */
  shutDown(): void;
  /**
   * Like `shutDown()`, then resolves once every item taken with `get()` has
   * been marked `done()` (queued items no worker has taken do not hold it).
   * With `timeoutMs`, rejects with a {@link DrainTimeoutError} naming the
   * items still being processed. A later `shutDown()` releases it.
   */
  shutDownWithDrain(options?: ShutDownWithDrainOptions): Promise<void>;
  /** Whether `shutDown()` or `shutDownWithDrain()` has been called. */
  shuttingDown(): boolean;
  /**
   * Leak detection: items taken with `get()` and not yet marked `done()`,
   * oldest first, with the clock time they were taken and their age.
   * An entry that keeps ageing usually means a path that forgot `done()`.
   */
  processing(): Array<ProcessingEntry<T>>;
  /** Counters; see {@link QueueStats}. */
  stats(): QueueStats;
}

type Waiter<T> = (result: GetResult<T>) => void;

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: TimerHandle | undefined;
}

const SHUTDOWN_RESULT = Object.freeze([undefined, true]) as unknown as GetResult<never>;
const SHUTDOWN_PROMISE: Promise<GetResult<never>> = Promise.resolve(SHUTDOWN_RESULT);
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Implementation of {@link WorkQueue}; extended by the delaying queue.
 * @internal Use {@link newQueue}.
 */
export class WorkQueueImpl<T> implements WorkQueue<T> {
  protected readonly clock: Clock;
  protected readonly name: string;
  // client-go's "dirty" set is split in two: items waiting in the queue, and
  // items added again while being processed (`redo`, a subset of `inFlight`,
  // usually tiny). Membership of the queue is tracked with lazy deletion, so
  // that the common path does one lookup in the (possibly huge) index per
  // item, at add() time, and get() touches no hash table but `inFlight`:
  //   - every pushed item gets the next position number (`tailPos`);
  //     `queuedAt` maps the item to it;
  //   - get() shifts the queue and advances `headPos`, leaving the entry
  //     behind: an entry whose position is below `headPos` is stale;
  //   - stale entries go when the queue becomes empty (clear, positions
  //     restart at 0) or when they outnumber live ones eightfold (rebuild from the
  //     ring), so the index holds at most 8 × len() + 64 entries.
  /** Order of work, oldest first. */
  private readonly queue = new RingBuffer<T>();
  /** Item → its position in the queue (live when `>= headPos`). */
  private queuedAt = new Map<T, number>();
  private headPos = 0;
  private tailPos = 0;
  /** Items being processed → `clock.now()` when they were handed out (insertion order = oldest first). */
  private readonly inFlight = new Map<T, number>();
  /** Items added again while being processed: queued again by `done()`. */
  private readonly redo = new Set<T>();
  /** `get()` calls waiting for an item; non-empty only while the queue is empty and running. */
  private readonly waiters = new RingBuffer<Waiter<T>>();
  private readonly metrics: QueueMetricsRecorder<T> | undefined;
  private readonly throwOnMisuse: boolean;
  private stopped = false;
  private drains: DrainWaiter[] = [];
  private tick: TimerHandle | undefined;

  private nAdds = 0;
  private nIgnoredAdds = 0;
  private nGets = 0;
  private nDones = 0;
  private nMisuses = 0;

  constructor(config: QueueConfig = {}) {
    this.clock = config.clock ?? realClock;
    this.name = config.name ?? '';
    const onMisuse = config.onMisuse ?? 'throw';
    // Callers from JavaScript can pass anything: fail loudly rather than pick a mode.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (onMisuse !== 'throw' && onMisuse !== 'count') {
      throw new TypeError(`onMisuse must be 'throw' or 'count', got ${String(onMisuse)}`);
    }
    this.throwOnMisuse = onMisuse === 'throw';
    this.metrics = newQueueMetrics<T>(config.metricsProvider, this.name, this.clock);
    if (this.metrics !== undefined) this.scheduleTick();
  }

  add(item: T): void {
    if (this.stopped) {
      this.nIgnoredAdds++;
      return;
    }
    this.nAdds++;
    if (this.inFlight.has(item)) {
      // Being processed: mark it dirty; done() queues it again.
      const redo = this.redo;
      if (!redo.has(item)) {
        redo.add(item);
        this.metrics?.add(item);
      }
      return;
    }
    if (this.waiters.size !== 0) {
      // Nothing is queued: hand the item straight to the longest-waiting get().
      this.metrics?.add(item);
      this.handOut(item);
      return;
    }
    const at = this.queuedAt.get(item);
    if (at !== undefined && at >= this.headPos) return; // already queued: collapse
    this.metrics?.add(item);
    this.enqueue(item);
  }

  get(): Promise<GetResult<T>> {
    const queue = this.queue;
    if (queue.size !== 0) {
      const item = queue.shift() as T;
      this.headPos++;
      if (queue.size === 0) this.forgetPositions(item);
      else if (this.queuedAt.size > (queue.size << 3) + 64) this.reindex();
      this.inFlight.set(item, this.clock.now());
      this.nGets++;
      this.metrics?.get(item);
      return Promise.resolve<GetResult<T>>([item, false]);
    }
    if (this.stopped) return SHUTDOWN_PROMISE;
    return new Promise<GetResult<T>>((resolve) => this.waiters.push(resolve));
  }

  done(item: T): void {
    const inFlight = this.inFlight;
    if (!inFlight.delete(item)) {
      this.misuse(item);
      return;
    }
    this.nDones++;
    this.metrics?.done(item);
    const redo = this.redo;
    if (redo.size !== 0 && redo.delete(item)) {
      if (this.waiters.size !== 0) {
        this.handOut(item);
      } else {
        this.enqueue(item);
      }
    }
    if (inFlight.size === 0 && this.drains.length !== 0) this.releaseDrains();
  }

  len(): number {
    return this.queue.size;
  }

  shutDown(): void {
    this.stop();
    this.releaseDrains();
  }

  shutDownWithDrain(options: ShutDownWithDrainOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(timeoutMs >= 0)) {
      return Promise.reject(new RangeError(`shutDownWithDrain: timeoutMs must be >= 0, got ${timeoutMs}`));
    }
    this.stop();
    if (this.inFlight.size === 0) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      const waiter: DrainWaiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined && timeoutMs !== Infinity) {
        waiter.timer = this.clock.setTimeout(() => {
          waiter.timer = undefined;
          const i = this.drains.indexOf(waiter);
          if (i < 0) return;
          this.drains.splice(i, 1);
          reject(new DrainTimeoutError(Array.from(this.inFlight.keys()), timeoutMs, this.name));
        }, timeoutMs);
      }
      this.drains.push(waiter);
    });
  }

  shuttingDown(): boolean {
    return this.stopped;
  }

  processing(): Array<ProcessingEntry<T>> {
    const now = this.clock.now();
    const out: Array<ProcessingEntry<T>> = [];
    for (const [item, since] of this.inFlight) out.push({ item, since, ageMs: now - since });
    return out;
  }

  stats(): QueueStats {
    return {
      adds: this.nAdds,
      ignoredAdds: this.nIgnoredAdds,
      gets: this.nGets,
      dones: this.nDones,
      misuses: this.nMisuses,
      depth: this.queue.size,
      processing: this.inFlight.size,
      waitingGets: this.waiters.size,
    };
  }

  /** Counts an add refused because the queue is shutting down (used by `addAfter`). */
  protected countIgnoredAdd(): void {
    this.nIgnoredAdds++;
  }

  /** Called once, when the queue starts shutting down: subclasses stop their timers here. */
  protected onShutdown(): void {}

  /** Appends `item` (neither queued nor in flight) to the queue. */
  private enqueue(item: T): void {
    this.queuedAt.set(item, this.tailPos++);
    this.queue.push(item);
  }

  /** The queue just became empty (`last` was its last item): every position entry is stale. */
  private forgetPositions(last: T): void {
    const index = this.queuedAt;
    if (index.size === 1) index.delete(last);
    else index.clear();
    this.headPos = 0;
    this.tailPos = 0;
  }

  /** Drops stale position entries: rebuilds the index from the queue, numbering from 0. */
  private reindex(): void {
    const index = new Map<T, number>();
    let pos = 0;
    for (const item of this.queue.values()) index.set(item, pos++);
    this.queuedAt = index;
    this.headPos = 0;
    this.tailPos = pos;
  }

  /** Gives `item` (neither queued nor in flight) to the oldest waiting get(). */
  private handOut(item: T): void {
    const resolve = this.waiters.shift() as Waiter<T>;
    this.inFlight.set(item, this.clock.now());
    this.nGets++;
    this.metrics?.get(item);
    resolve([item, false]);
  }

  private misuse(item: T): void {
    this.nMisuses++;
    if (this.throwOnMisuse) {
      throw new QueueMisuseError(
        'ERR_WORKQUEUE_DONE_NOT_PROCESSING',
        item,
        this.name,
        `${queueLabel(this.name)}done(${formatItem(item)}) called for an item that is not being processed: ` +
          'it was never returned by get(), or done() was already called for it',
      );
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Waiters exist only while the queue is empty: they all get the shutdown signal.
    const waiters = this.waiters;
    while (waiters.size !== 0) (waiters.shift() as Waiter<T>)(SHUTDOWN_RESULT);
    if (this.tick !== undefined) {
      this.clock.clearTimeout(this.tick);
      this.tick = undefined;
    }
    this.onShutdown();
  }

  private releaseDrains(): void {
    const drains = this.drains;
    if (drains.length === 0) return;
    this.drains = [];
    for (const d of drains) {
      if (d.timer !== undefined) {
        this.clock.clearTimeout(d.timer);
        d.timer = undefined;
      }
      d.resolve();
    }
  }

  private scheduleTick(): void {
    this.tick = this.clock.setTimeout(this.onTick, UNFINISHED_WORK_UPDATE_PERIOD_MS);
  }

  private readonly onTick = (): void => {
    this.tick = undefined;
    if (this.stopped) return;
    this.metrics?.updateUnfinishedWork();
    this.scheduleTick();
  };
}

/**
 * Creates a {@link WorkQueue}: client-go's `workqueue.NewTypedWithConfig`.
 *
 * ```ts
 * const queue = newQueue<string>({ name: 'pods' });
 * queue.add('default/nginx');
 * ```
 */
export function newQueue<T>(config?: QueueConfig): WorkQueue<T> {
  return new WorkQueueImpl<T>(config);
}
