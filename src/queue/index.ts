/**
 * A faithful TypeScript port of Kubernetes client-go `util/workqueue`: the
 * zero-dependency package `k8s-workqueue` (this folder is its npm
 * workspace), re-exported as `eslint-plugin-workqueue/queue`. See
 * docs/queue.md.
 *
 * The prom-client adapter lives in `k8s-workqueue/prom-client` so that this
 * module never loads prom-client.
 */
export { FakeClock, realClock, type Clock, type TimerHandle } from './clock.js';
export { DrainTimeoutError, QueueMisuseError, type QueueMisuseCode } from './errors.js';
export {
  defaultQueueStorage,
  newQueue,
  type GetOptions,
  type GetResult,
  type ItemLease,
  type Lease,
  type MisuseMode,
  type ProcessingEntry,
  type QueueConfig,
  type QueueStats,
  type QueueStorage,
  type ShutDownWithDrainOptions,
  type ShutdownLease,
  type WorkQueue,
} from './queue.js';
export { newDelayingQueue, type DelayingQueue, type DelayingQueueConfig } from './delaying-queue.js';
export { newRateLimitingQueue, type RateLimitingQueue, type RateLimitingQueueConfig } from './rate-limiting-queue.js';
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  WithMaxWaitRateLimiter,
  defaultControllerRateLimiter,
  defaultItemBasedRateLimiter,
  type BucketRateLimiterOptions,
  type DefaultControllerRateLimiterOptions,
  type RateLimiter,
} from './rate-limiters.js';
export {
  UNFINISHED_WORK_UPDATE_PERIOD_MS,
  WORKQUEUE_DURATION_BUCKETS,
  WORKQUEUE_METRICS,
  WORKQUEUE_NAME_LABEL,
  newQueueMetrics,
  noopMetricsProvider,
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
  type MetricsErrorHandler,
  type MetricsErrorInfo,
  type MetricsProvider,
  type QueueMetricsRecorder,
  type SettableGaugeMetric,
  type WorkqueueMetricKey,
} from './metrics.js';
export { runWorkers, type RunWorkersOptions, type WorkContext, type WorkHandler } from './workers.js';
