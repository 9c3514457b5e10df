import { realClock, type Clock, type TimerHandle } from './clock.js';
import { DrainTimeoutError, QueueMisuseError, formatItem, queueLabel } from './errors.js';
import {
  UNFINISHED_WORK_UPDATE_PERIOD_MS,
  WORKQUEUE_METRICS,
  checkMetricsProvider,
  newQueueMetrics,
  type MetricsErrorHandler,
  type MetricsErrorInfo,
  type MetricsProvider,
  type QueueMetricsRecorder,
} from './metrics.js';
import { RingBuffer } from './ring-buffer.js';
import { checkAbortSignal, checkClock, checkConfigObject, checkFunction, describeValue } from './validate.js';

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
  /** `get()` calls waiting for an item now (aborted ones excluded). */
  waitingGets: number;
  /** Errors thrown by the metrics provider's metrics, caught by the queue (see `onMetricsError`). */
  metricsErrors: number;
}

/**
 * What to do when `done()` is called for an item that is not being processed:
 * `'throw'` (default) throws a {@link QueueMisuseError}; `'count'` ignores the
 * call. Both count it in `stats().misuses`.
 */
export type MisuseMode = 'throw' | 'count';

/** Options of {@link newQueue}. */
export interface QueueConfig<T = unknown> {
  /** Queue name: the `name` label of its metrics. Unnamed queues record no metrics (as in client-go). */
  name?: string;
  /** Where metrics go; defaults to the no-op provider. */
  metricsProvider?: MetricsProvider;
  /** Time source and timers; defaults to {@link realClock}. */
  clock?: Clock;
  /** Reaction to `done()` misuse; defaults to `'throw'`. */
  onMisuse?: MisuseMode;
  /**
   * Receives the errors the metrics provider's metrics throw. The queue
   * catches every such error before it can leave the queue half-updated (an
   * item marked processing that no worker holds, say), completes the
   * operation, counts the error in `stats().metricsErrors` and then calls
   * this handler from a microtask; an error the handler throws is an
   * uncaught exception. Default: one process warning
   * (`WORKQUEUE_METRICS_ERROR`) for the queue's first metrics error; later
   * ones are only counted.
   */
  onMetricsError?: MetricsErrorHandler;
  /**
   * The storage of the queued items (client-go's `TypedQueueConfig.Queue`):
   * for example a priority queue. Defaults to a FIFO. The work queue still
   * keeps the dirty and processing sets: the storage only ever holds items
   * that are queued and not being processed, each once.
   */
  queue?: QueueStorage<T>;
}

/**
 * The storage of a work queue's queued items: client-go's `Queue[T]`
 * interface. The queue calls it synchronously, never re-entrantly:
 *
 * - `push(item)`: a new item to store (never one already stored);
 * - `touch(item)` (optional): an item already stored was added again (a
 *   priority queue may reorder it);
 * - `len()`: how many items are stored;
 * - `pop()`: removes and returns one stored item (the next to process);
 *   called only when `len() > 0`. Returning anything that is not stored is a
 *   TypeError from `get()`.
 */
export interface QueueStorage<T> {
  touch?(item: T): void;
  push(item: T): void;
  len(): number;
  pop(): T;
}

/** A FIFO {@link QueueStorage} (client-go's `DefaultQueue`), for wrapping or for tests. */
export function defaultQueueStorage<T>(): QueueStorage<T> {
  const buffer = new RingBuffer<T>();
  return {
    touch(): void {},
    push(item: T): void {
      buffer.push(item);
    },
    len(): number {
      return buffer.size;
    },
    pop(): T {
      if (buffer.size === 0) throw new RangeError('defaultQueueStorage: pop() on an empty queue');
      return buffer.shift() as T;
    },
  };
}

/** Options of `get()` and `lease()`. */
export interface GetOptions {
  /**
   * Aborting it rejects a waiting `get()` with `signal.reason` and removes
   * the waiter: no item is taken or marked processing for it. A signal
   * already aborted rejects at once, even if an item is queued. Once an
   * item has been handed to the call, aborting changes nothing: the caller
   * owns the item and must mark it done.
   */
  signal?: AbortSignal;
}

/**
 * What `lease()` resolves to: an item together with its `done()`, to use
 * with `using` / `await using`, whose disposal marks the item done:
 *
 * ```ts
 * await using lease = await queue.lease();
 * if (lease.shutdown) return;
 * await reconcile(lease.item);
 * // leaving the block, on every path, calls lease.done()
 * ```
 */
export type Lease<T> = ItemLease<T> | ShutdownLease;

/** A {@link Lease} holding an item. */
export interface ItemLease<T> extends Disposable, AsyncDisposable {
  readonly item: T;
  readonly shutdown: false;
  /** Whether `done()` (or a disposal) has already marked the item done. */
  readonly released: boolean;
  /**
   * Marks the item done (`queue.done(item)`) the first time and returns
   * `true`; later calls, and disposals after it, do nothing and return
   * `false`. Do not also call `queue.done(item)` yourself: that is a double
   * done, and the lease's own `done()` would then throw the misuse error.
   */
  done(): boolean;
}

/** The {@link Lease} of a shut-down, empty queue: no item; disposing it does nothing. */
export interface ShutdownLease extends Disposable, AsyncDisposable {
  readonly item: undefined;
  readonly shutdown: true;
  readonly released: true;
  done(): false;
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
   * With `signal`, see {@link GetOptions}.
   */
  get(options?: GetOptions): Promise<GetResult<T>>;
  /**
   * `get()`, as a {@link Lease} whose `done()` or disposal marks the item
   * done. Resolves a shutdown lease (`shutdown: true`) when `get()` would
   * resolve `[undefined, true]`; rejects as `get()` does on abort.
   */
  lease(options?: GetOptions): Promise<Lease<T>>;
  /**
   * Resolves once the queue is idle: nothing queued, nothing being
   * processed (and, for a delaying queue, nothing waiting for its delay).
   * Resolves at once if it already is. Does not shut the queue down.
   */
  onIdle(): Promise<void>;
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
   * Invalid options (a `timeoutMs` that is negative or `NaN`, or not a
   * number) throw synchronously, before anything changes: the queue keeps
   * running.
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

interface Waiter<T> {
  resolve: (result: GetResult<T>) => void;
  /** Set when its signal aborted: skipped (and dropped) by whoever shifts it. */
  cancelled: boolean;
  /** Removes the abort listener, if any. */
  cleanup: (() => void) | undefined;
}

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: TimerHandle | undefined;
}

const SHUTDOWN_RESULT = Object.freeze([undefined, true]) as unknown as GetResult<never>;
const SHUTDOWN_PROMISE: Promise<GetResult<never>> = Promise.resolve(SHUTDOWN_RESULT);
const RESOLVED: Promise<void> = Promise.resolve();

const noop = (): void => {};
const returnFalse = (): false => false;

const SHUTDOWN_LEASE: ShutdownLease = Object.freeze({
  item: undefined,
  shutdown: true,
  released: true,
  done: returnFalse,
  [Symbol.dispose]: noop,
  [Symbol.asyncDispose]: () => RESOLVED,
} as const);

class ItemLeaseImpl<T> implements ItemLease<T> {
  readonly shutdown = false;
  released = false;
  constructor(
    private readonly queue: WorkQueue<T>,
    readonly item: T,
  ) {}

  done(): boolean {
    if (this.released) return false;
    this.released = true;
    this.queue.done(this.item);
    return true;
  }

  [Symbol.dispose](): void {
    this.done();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.done();
    return RESOLVED;
  }
}

const QUEUE_OPTIONS = ['name', 'metricsProvider', 'clock', 'onMisuse', 'onMetricsError', 'queue'] as const;

/**
 * Validates a queue config up front, naming the bad option in a TypeError.
 * @internal
 */
export function checkQueueConfig(config: unknown, where: string, extra: readonly string[] = []): void {
  const c = checkConfigObject(config, where, [...QUEUE_OPTIONS, ...extra]);
  if (c.name !== undefined && typeof c.name !== 'string') {
    throw new TypeError(`${where}: option "name" must be a string, got ${describeValue(c.name)}`);
  }
  if (c.metricsProvider !== undefined) checkMetricsProvider(c.metricsProvider, where);
  if (c.clock !== undefined) checkClock(c.clock, `${where}: option "clock"`);
  if (c.onMisuse !== undefined && c.onMisuse !== 'throw' && c.onMisuse !== 'count') {
    throw new TypeError(`${where}: option "onMisuse" must be 'throw' or 'count', got ${describeValue(c.onMisuse)}`);
  }
  if (c.onMetricsError !== undefined) checkFunction(c.onMetricsError, `${where}: option "onMetricsError"`);
  if (c.queue !== undefined) {
    const q = c.queue as Record<string, unknown> | null;
    const missing =
      typeof q === 'object' && q !== null ? ['push', 'len', 'pop'].filter((m) => typeof q[m] !== 'function') : ['push', 'len', 'pop'];
    if (missing.length === 0 && q !== null && q.touch !== undefined && typeof q.touch !== 'function') missing.push('touch');
    if (missing.length !== 0) {
      throw new TypeError(`${where}: option "queue" must be a QueueStorage (push(), len(), pop() and optionally touch()); it lacks ${missing.map((m) => `${m}()`).join(', ')}`);
    }
  }
}

/** The default `onMetricsError`: one process warning per queue, for its first metrics error. */
function warnOnce(): MetricsErrorHandler {
  let warned = false;
  return (error: unknown, info: MetricsErrorInfo): void => {
    if (warned) return;
    warned = true;
    process.emitWarning(
      `${queueLabel(info.queueName)}the metric ${WORKQUEUE_METRICS[info.metric].name} threw in ${info.method}(): ` +
        `${error instanceof Error ? error.message : formatItem(error)}. The queue caught it and carried on; ` +
        'later metrics errors of this queue are only counted in stats().metricsErrors (pass onMetricsError to handle them)',
      { code: 'WORKQUEUE_METRICS_ERROR' },
    );
  };
}

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
  // With a custom storage (`config.queue`), the ring and the index are
  // unused: `stored` is the set of items in the storage.
  /** Order of work, oldest first. */
  private readonly queue = new RingBuffer<T>();
  /** Item → its position in the queue (live when `>= headPos`). */
  private queuedAt = new Map<T, number>();
  private headPos = 0;
  private tailPos = 0;
  /** The custom storage, if any, and the items it holds. */
  private readonly storage: QueueStorage<T> | undefined;
  private readonly stored: Set<T> | undefined;
  /** Items being processed → `clock.now()` when they were handed out (insertion order = oldest first). */
  private readonly inFlight = new Map<T, number>();
  /** Items added again while being processed: queued again by `done()`. */
  private readonly redo = new Set<T>();
  /**
   * `get()` calls waiting for an item; live ones (`nWaiting`) exist only
   * while the queue is empty and running. Aborted ones stay until shifted or
   * compacted away.
   */
  private waiters = new RingBuffer<Waiter<T>>();
  private nWaiting = 0;
  private nCancelled = 0;
  private readonly metrics: QueueMetricsRecorder<T> | undefined;
  private readonly metricsErrorHandler: MetricsErrorHandler;
  private readonly throwOnMisuse: boolean;
  private stopped = false;
  private drains: DrainWaiter[] = [];
  private idlers: Array<() => void> = [];
  private tick: TimerHandle | undefined;

  private nAdds = 0;
  private nIgnoredAdds = 0;
  private nGets = 0;
  private nDones = 0;
  private nMisuses = 0;
  private nMetricsErrors = 0;

  constructor(config: QueueConfig<T> = {}, where = 'newQueue', extraOptions: readonly string[] = []) {
    checkQueueConfig(config, where, extraOptions);
    this.clock = config.clock ?? realClock;
    this.name = config.name ?? '';
    this.throwOnMisuse = (config.onMisuse ?? 'throw') === 'throw';
    this.metricsErrorHandler = config.onMetricsError ?? warnOnce();
    if (config.queue !== undefined) {
      this.storage = config.queue;
      this.stored = new Set<T>();
    }
    this.metrics = newQueueMetrics<T>(config.metricsProvider, this.name, this.clock, this.reportMetricsError);
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
    if (this.storage !== undefined) {
      this.addToStorage(item, this.storage, this.stored as Set<T>);
      return;
    }
    if (this.nWaiting !== 0) {
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

  get(options?: GetOptions): Promise<GetResult<T>> {
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      checkConfigObject(options, 'get', ['signal']);
      signal = options.signal;
      if (signal !== undefined) {
        checkAbortSignal(signal, 'get: option "signal"');
        if (signal.aborted) return Promise.reject(signal.reason as Error);
      }
    }
    if (this.storage !== undefined) {
      if (this.storage.len() !== 0) {
        try {
          return Promise.resolve(this.take(this.popStorage(this.storage, this.stored as Set<T>)));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    } else {
      const queue = this.queue;
      if (queue.size !== 0) {
        const item = queue.shift() as T;
        this.headPos++;
        if (queue.size === 0) this.forgetPositions(item);
        else if (this.queuedAt.size > (queue.size << 3) + 64) this.reindex();
        return Promise.resolve(this.take(item));
      }
    }
    if (this.stopped) return SHUTDOWN_PROMISE;
    if (signal === undefined) {
      return new Promise<GetResult<T>>((resolve) => {
        this.waiters.push({ resolve, cancelled: false, cleanup: undefined });
        this.nWaiting++;
      });
    }
    const s = signal;
    return new Promise<GetResult<T>>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, cancelled: false, cleanup: undefined };
      const onAbort = (): void => {
        if (waiter.cancelled) return;
        waiter.cancelled = true;
        waiter.cleanup = undefined;
        this.nWaiting--;
        this.nCancelled++;
        if (this.nCancelled > 64 && this.nCancelled > this.nWaiting * 2) this.compactWaiters();
        reject(s.reason as Error);
      };
      waiter.cleanup = () => s.removeEventListener('abort', onAbort);
      s.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.nWaiting++;
    });
  }

  lease(options?: GetOptions): Promise<Lease<T>> {
    return this.get(options).then((result): Lease<T> => (result[1] ? SHUTDOWN_LEASE : new ItemLeaseImpl<T>(this, result[0])));
  }

  onIdle(): Promise<void> {
    if (this.isIdle()) return RESOLVED;
    return new Promise<void>((resolve) => this.idlers.push(resolve));
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
      if (this.storage !== undefined) {
        this.pushToStorage(item, this.storage, this.stored as Set<T>);
      } else if (this.nWaiting !== 0) {
        this.handOut(item);
      } else {
        this.enqueue(item);
      }
    }
    if (inFlight.size === 0) {
      if (this.drains.length !== 0) this.releaseDrains();
      if (this.idlers.length !== 0) this.checkIdle();
    }
  }

  len(): number {
    return this.storage !== undefined ? this.storage.len() : this.queue.size;
  }

  shutDown(): void {
    this.stop();
    this.releaseDrains();
  }

  shutDownWithDrain(options: ShutDownWithDrainOptions = {}): Promise<void> {
    // Validated before anything changes: a bad timeout throws here and leaves the queue running.
    checkConfigObject(options, 'shutDownWithDrain', ['timeoutMs']);
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined) {
      if (typeof timeoutMs !== 'number') {
        throw new TypeError(`shutDownWithDrain: option "timeoutMs" must be a number of ms, got ${describeValue(timeoutMs)}`);
      }
      if (!(timeoutMs >= 0)) {
        throw new RangeError(`shutDownWithDrain: option "timeoutMs" must be >= 0 (or Infinity for no timeout), got ${timeoutMs}`);
      }
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
      depth: this.len(),
      processing: this.inFlight.size,
      waitingGets: this.nWaiting,
      metricsErrors: this.nMetricsErrors,
    };
  }

  /** Counts an add refused because the queue is shutting down (used by `addAfter`). */
  protected countIgnoredAdd(): void {
    this.nIgnoredAdds++;
  }

  /** Called once, when the queue starts shutting down: subclasses stop their timers here. */
  protected onShutdown(): void {}

  /** Whether nothing is queued or being processed; subclasses add their own waiting items. */
  protected isIdle(): boolean {
    return this.len() === 0 && this.inFlight.size === 0;
  }

  /** Resolves the `onIdle()` promises if the queue is idle now. */
  protected checkIdle(): void {
    if (this.idlers.length === 0 || !this.isIdle()) return;
    const idlers = this.idlers;
    this.idlers = [];
    for (const resolve of idlers) resolve();
  }

  /**
   * Where a metric's error goes: counted, then handed to `onMetricsError`
   * from a microtask, once the queue operation that recorded it is over.
   */
  protected readonly reportMetricsError = (error: unknown, info: MetricsErrorInfo): void => {
    this.nMetricsErrors++;
    const handler = this.metricsErrorHandler;
    queueMicrotask(() => handler(error, info));
  };

  /** Marks `item` (just removed from the queue) as being processed. */
  private take(item: T): GetResult<T> {
    this.inFlight.set(item, this.clock.now());
    this.nGets++;
    this.metrics?.get(item);
    return [item, false];
  }

  /** Appends `item` (neither queued nor in flight) to the queue. */
  private enqueue(item: T): void {
    this.queuedAt.set(item, this.tailPos++);
    this.queue.push(item);
  }

  /** add() with a custom storage, for an item not being processed. */
  private addToStorage(item: T, storage: QueueStorage<T>, stored: Set<T>): void {
    if (stored.has(item)) {
      storage.touch?.(item);
      return;
    }
    this.pushToStorage(item, storage, stored, true);
  }

  /**
   * Stores `item` (neither stored nor in flight; `isNew` when it has just
   * become dirty), then serves a waiting get() if there is one.
   */
  private pushToStorage(item: T, storage: QueueStorage<T>, stored: Set<T>, isNew = false): void {
    storage.push(item);
    stored.add(item);
    if (isNew) this.metrics?.add(item);
    if (this.nWaiting !== 0) this.handOut(this.popStorage(storage, stored));
  }

  private popStorage(storage: QueueStorage<T>, stored: Set<T>): T {
    const item = storage.pop();
    if (!stored.delete(item)) {
      throw new TypeError(`${queueLabel(this.name)}option "queue": pop() returned ${formatItem(item)}, which is not stored in it`);
    }
    return item;
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

  /** The oldest live waiting get() (there is one: `nWaiting > 0`), removed from the waiters. */
  private nextWaiter(): Waiter<T> {
    const waiters = this.waiters;
    for (;;) {
      const w = waiters.shift() as Waiter<T>;
      if (!w.cancelled) {
        this.nWaiting--;
        if (w.cleanup !== undefined) {
          w.cleanup();
          w.cleanup = undefined;
        }
        return w;
      }
      this.nCancelled--;
    }
  }

  /** Drops aborted waiters, keeping the others in order. */
  private compactWaiters(): void {
    const live = new RingBuffer<Waiter<T>>();
    for (const w of this.waiters.values()) if (!w.cancelled) live.push(w);
    this.waiters = live;
    this.nCancelled = 0;
  }

  /** Gives `item` (neither queued nor in flight) to the oldest waiting get(). */
  private handOut(item: T): void {
    const waiter = this.nextWaiter();
    waiter.resolve(this.take(item));
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
    // Live waiters exist only while the queue is empty: they all get the shutdown signal.
    while (this.nWaiting !== 0) this.nextWaiter().resolve(SHUTDOWN_RESULT);
    this.waiters = new RingBuffer<Waiter<T>>();
    this.nCancelled = 0;
    if (this.tick !== undefined) {
      this.clock.clearTimeout(this.tick);
      this.tick = undefined;
    }
    this.onShutdown();
    this.checkIdle();
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
 * Throws a TypeError naming the option if `config` is not valid.
 *
 * ```ts
 * const queue = newQueue<string>({ name: 'pods' });
 * queue.add('default/nginx');
 * ```
 */
export function newQueue<T>(config?: QueueConfig<T>): WorkQueue<T> {
  return new WorkQueueImpl<T>(config, 'newQueue');
}
