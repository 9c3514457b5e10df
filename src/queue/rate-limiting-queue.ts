import { DelayingQueueImpl, type DelayingQueue } from './delaying-queue.js';
import type { QueueConfig } from './queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';
import { describeValue } from './validate.js';

/**
 * A {@link DelayingQueue} that asks a {@link RateLimiter} how long to wait:
 * client-go's `TypedRateLimitingInterface`. The usual worker:
 *
 * ```ts
 * const [key, shutdown] = await queue.get();
 * if (shutdown) return;
 * try {
 *   await reconcile(key);
 *   queue.forget(key);          // success: reset its backoff
 * } catch {
 *   queue.addRateLimited(key);  // failure: retry later
 * } finally {
 *   queue.done(key);
 * }
 * ```
 *
 * Remember `forget()`: a limiter tracks every item that failed until it is
 * forgotten.
 */
export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /**
   * `addAfter(item, rateLimiter.when(item))`. The limiter is consulted (and
   * records the failure) even when the queue is shutting down, as in client-go;
   * the add itself is then ignored.
   */
  addRateLimited(item: T): void;
  /** Stops the rate limiter tracking `item`. Does not call `done()`. */
  forget(item: T): void;
  /** How many times `item` was requeued, according to the rate limiter. */
  numRequeues(item: T): number;
}

/** Options of {@link newRateLimitingQueue}: those of {@link QueueConfig}. */
export type RateLimitingQueueConfig<T = unknown> = QueueConfig<T>;

const CONFIG_KEYS = ['name', 'metricsProvider', 'clock', 'onMisuse', 'onMetricsError', 'queue'];

/** Throws a TypeError unless `limiter` has `when()`, `forget()` and `numRequeues()`; spots a config passed first. */
function checkRateLimiter(limiter: unknown): void {
  const l = limiter as Record<string, unknown> | null;
  const missing =
    typeof l === 'object' && l !== null
      ? ['when', 'forget', 'numRequeues'].filter((m) => typeof l[m] !== 'function')
      : ['when', 'forget', 'numRequeues'];
  if (missing.length === 0) return;
  const looksLikeConfig = typeof l === 'object' && l !== null && Object.keys(l).some((k) => CONFIG_KEYS.includes(k));
  throw new TypeError(
    `newRateLimitingQueue: the first argument, rateLimiter, must be a RateLimiter (when(), forget() and numRequeues()); ` +
      `got ${describeValue(limiter)}, which lacks ${missing.map((m) => `${m}()`).join(', ')}` +
      (looksLikeConfig ? '. The config is the second argument: newRateLimitingQueue(undefined, config) uses the default limiter' : ''),
  );
}

/**
 * Implementation of {@link RateLimitingQueue}.
 * @internal Use {@link newRateLimitingQueue}.
 */
export class RateLimitingQueueImpl<T> extends DelayingQueueImpl<T> implements RateLimitingQueue<T> {
  private readonly rateLimiter: RateLimiter<T>;

  constructor(rateLimiter: RateLimiter<T> | undefined, config: RateLimitingQueueConfig<T> = {}) {
    if (rateLimiter !== undefined) checkRateLimiter(rateLimiter);
    super(config, 'newRateLimitingQueue');
    this.rateLimiter = rateLimiter ?? defaultControllerRateLimiter<T>({ clock: this.clock });
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}

/**
 * Creates a {@link RateLimitingQueue}: client-go's
 * `NewTypedRateLimitingQueueWithConfig`. Without a `rateLimiter`, uses
 * {@link defaultControllerRateLimiter} on the queue's clock. Throws a
 * TypeError naming the argument or option if either is not valid.
 */
export function newRateLimitingQueue<T>(rateLimiter?: RateLimiter<T>, config?: RateLimitingQueueConfig<T>): RateLimitingQueue<T> {
  return new RateLimitingQueueImpl<T>(rateLimiter, config);
}
