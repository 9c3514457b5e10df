import { formatItem } from './errors.js';
import type { RateLimitingQueue } from './rate-limiting-queue.js';
import { checkAbortSignal, checkConfigObject, checkFunction, describeValue } from './validate.js';

/** What a {@link runWorkers} handler receives besides the item. */
export interface WorkContext {
  /** The runner's `signal` (a signal that never aborts if none was given): pass it on to cancel slow work on stop. */
  signal: AbortSignal;
  /** How many times the item has been requeued after failures so far (`queue.numRequeues(item)`). */
  requeues: number;
}

/** Processes one item; a thrown error or a rejection is a failure (retried with rate limiting, up to `maxRetries`). */
export type WorkHandler<T> = (item: T, context: WorkContext) => unknown;

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions<T> {
  /** How many workers process items concurrently (an integer >= 1); default 1. */
  workers?: number;
  /**
   * Failures after which an item is dropped: after its `maxRetries`-th
   * requeue fails too, it is forgotten and not requeued, so an item is
   * attempted at most `1 + maxRetries` times. An integer >= 0, or `Infinity`
   * (retry for ever); default 15 (the Kubernetes controllers' usual cap).
   */
  maxRetries?: number;
  /**
   * Stops the workers: a waiting `get()` is aborted, an item being processed
   * is finished (the handler sees the signal) and marked done, and no
   * further item is taken. Does not shut the queue down.
   */
  signal?: AbortSignal;
  /** Called after a failed item was requeued with `addRateLimited`; `requeues` counts this requeue. */
  onRetry?: (item: T, error: unknown, requeues: number) => void;
  /**
   * Called after an item that failed `1 + maxRetries` times was forgotten and
   * dropped. Default: a process warning (code `WORKQUEUE_ITEM_DROPPED`).
   */
  onDrop?: (item: T, error: unknown, requeues: number) => void;
}

const DEFAULT_MAX_RETRIES = 15;
const KEYS = ['workers', 'maxRetries', 'signal', 'onRetry', 'onDrop'];
const NEVER_ABORTED: AbortSignal = new AbortController().signal;

function defaultOnDrop(item: unknown, error: unknown, requeues: number): void {
  process.emitWarning(
    `runWorkers: dropped ${formatItem(item)} after ${requeues} requeues: ${error instanceof Error ? error.message : formatItem(error)}`,
    { code: 'WORKQUEUE_ITEM_DROPPED' },
  );
}

/** Calls a hook; an error it throws is rethrown from a microtask (an uncaught exception), never into the worker loop. */
function callHook<T>(hook: (item: T, error: unknown, requeues: number) => void, item: T, error: unknown, requeues: number): void {
  try {
    hook(item, error, requeues);
  } catch (hookError) {
    queueMicrotask(() => {
      throw hookError;
    });
  }
}

/**
 * Runs `workers` copies of client-go's `processNextWorkItem` loop on a
 * rate-limiting queue until the queue is shut down (and empty) or `signal`
 * aborts; resolves when every worker has stopped. Each iteration:
 *
 * 1. `const [item, shutdown] = await queue.get({ signal })`; on shutdown (or
 *    abort) the worker stops;
 * 2. `await handler(item, { signal, requeues })`;
 * 3. success: `queue.forget(item)`; failure: if `queue.numRequeues(item) <
 *    maxRetries`, `queue.addRateLimited(item)` then `onRetry`, otherwise
 *    `queue.forget(item)` (dropped) then `onDrop`;
 * 4. `queue.done(item)`, in a `finally`: on every path.
 *
 * Errors thrown by hooks are rethrown asynchronously (uncaught), never into
 * the loop. If `queue.done()` itself throws (the handler already marked the
 * item done: a double done), that worker stops and the returned promise
 * rejects with the error once the other workers have stopped.
 * Bad arguments are a TypeError / RangeError naming them, thrown at once.
 */
export function runWorkers<T>(queue: RateLimitingQueue<T>, handler: WorkHandler<T>, options?: RunWorkersOptions<T>): Promise<void> {
  const q = queue as unknown as Record<string, unknown> | null;
  const methods = ['get', 'done', 'addRateLimited', 'forget', 'numRequeues'];
  if (typeof q !== 'object' || q === null || methods.some((m) => typeof q[m] !== 'function')) {
    throw new TypeError(`runWorkers: queue must be a RateLimitingQueue (${methods.map((m) => `${m}()`).join(', ')}), got ${describeValue(queue)}`);
  }
  checkFunction(handler, 'runWorkers: handler');
  const o = checkConfigObject(options, 'runWorkers', KEYS) as RunWorkersOptions<T>;
  const workers = o.workers ?? 1;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`runWorkers: option "workers" must be an integer >= 1, got ${describeValue(workers)}`);
  }
  const maxRetries = o.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (typeof maxRetries !== 'number' || !(Number.isInteger(maxRetries) || maxRetries === Infinity) || maxRetries < 0) {
    throw new RangeError(`runWorkers: option "maxRetries" must be an integer >= 0 or Infinity, got ${describeValue(maxRetries)}`);
  }
  if (o.signal !== undefined) checkAbortSignal(o.signal, 'runWorkers: option "signal"');
  if (o.onRetry !== undefined) checkFunction(o.onRetry, 'runWorkers: option "onRetry"');
  if (o.onDrop !== undefined) checkFunction(o.onDrop, 'runWorkers: option "onDrop"');
  const signal = o.signal ?? NEVER_ABORTED;
  const getOptions = o.signal === undefined ? undefined : { signal };
  const onRetry = o.onRetry;
  const onDrop = o.onDrop ?? defaultOnDrop;

  const stopped = (): boolean => signal.aborted;
  const processNextWorkItem = async (): Promise<boolean> => {
    if (stopped()) return false;
    let result;
    try {
      result = await queue.get(getOptions);
    } catch (error) {
      if (stopped()) return false; // get() was aborted: nothing was taken
      throw error;
    }
    const [item, shutdown] = result;
    if (shutdown) return false;
    try {
      await handler(item, { signal, requeues: queue.numRequeues(item) });
      queue.forget(item);
    } catch (error) {
      const requeues = queue.numRequeues(item);
      if (requeues < maxRetries) {
        queue.addRateLimited(item);
        if (onRetry !== undefined) callHook(onRetry, item, error, queue.numRequeues(item));
      } else {
        queue.forget(item);
        callHook(onDrop, item, error, requeues);
      }
    } finally {
      queue.done(item);
    }
    return true;
  };

  const worker = async (): Promise<void> => {
    while (await processNextWorkItem());
  };

  return Promise.allSettled(Array.from({ length: workers }, worker)).then((results) => {
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });
}
