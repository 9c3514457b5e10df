import type { Clock } from './clock.js';

/** A value that can go up and down (`workqueue_depth`). */
export interface GaugeMetric {
  inc(): void;
  dec(): void;
}

/** A gauge that is set to a value (`unfinished_work_seconds`, `longest_running_processor_seconds`). */
export interface SettableGaugeMetric {
  set(value: number): void;
}

/** A value that only goes up (`adds_total`, `retries_total`). */
export interface CounterMetric {
  inc(): void;
}

/** Records observations, in seconds (`queue_duration_seconds`, `work_duration_seconds`). */
export interface HistogramMetric {
  observe(value: number): void;
}

/**
 * Creates the metrics of one queue, given the queue's `name` (the value of
 * the `name` label). Mirrors client-go's `workqueue.MetricsProvider`.
 *
 * A queue asks for its metrics once, at construction, and only when it has a
 * non-empty `name` and the provider is not {@link noopMetricsProvider}; a
 * delaying queue also asks for the retries counter when named. Several queues
 * share one provider, so an implementation must hand out per-name children
 * of shared metric families rather than register a metric per call.
 *
 * The figures (see {@link WORKQUEUE_METRICS}):
 * - depth: items waiting to be processed (added, not yet taken);
 * - adds: adds that were not collapsed into an item already waiting;
 * - latency: seconds an item waited between add and get;
 * - work duration: seconds between get and done;
 * - unfinished work: sum of the ages in seconds of items being processed,
 *   set on a periodic tick (500 ms) while the queue runs;
 * - longest running processor: age in seconds of the oldest item being
 *   processed, set on the same tick;
 * - retries: calls to `addAfter` / `addRateLimited` on a running queue.
 */
export interface MetricsProvider {
  newDepthMetric(name: string): GaugeMetric;
  newAddsMetric(name: string): CounterMetric;
  newLatencyMetric(name: string): HistogramMetric;
  newWorkDurationMetric(name: string): HistogramMetric;
  newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric;
  newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric;
  newRetriesMetric(name: string): CounterMetric;
}

/**
 * Names, help texts and types of the Prometheus metrics, as Kubernetes exposes them
 * (k8s.io/component-base's workqueue provider): the metrics are BETA there, so their
 * help texts carry the `[BETA] ` prefix component-base adds.
 */
export const WORKQUEUE_METRICS = Object.freeze({
  depth: Object.freeze({ name: 'workqueue_depth', type: 'gauge', help: '[BETA] Current depth of workqueue' }),
  adds: Object.freeze({ name: 'workqueue_adds_total', type: 'counter', help: '[BETA] Total number of adds handled by workqueue' }),
  latency: Object.freeze({
    name: 'workqueue_queue_duration_seconds',
    type: 'histogram',
    help: '[BETA] How long in seconds an item stays in workqueue before being requested.',
  }),
  workDuration: Object.freeze({
    name: 'workqueue_work_duration_seconds',
    type: 'histogram',
    help: '[BETA] How long in seconds processing an item from workqueue takes.',
  }),
  unfinishedWork: Object.freeze({
    name: 'workqueue_unfinished_work_seconds',
    type: 'gauge',
    help:
      "[BETA] How many seconds of work has done that is in progress and hasn't been observed by work_duration. " +
      'Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.',
  }),
  longestRunningProcessor: Object.freeze({
    name: 'workqueue_longest_running_processor_seconds',
    type: 'gauge',
    help: '[BETA] How many seconds has the longest running processor for workqueue been running.',
  }),
  retries: Object.freeze({ name: 'workqueue_retries_total', type: 'counter', help: '[BETA] Total number of retries handled by workqueue' }),
} as const);

/** The label every workqueue metric carries: the queue's name. */
export const WORKQUEUE_NAME_LABEL = 'name';

/** Histogram buckets of Kubernetes' provider: `ExponentialBuckets(10e-9, 10, 10)`, 10 ns … 10 s. */
export const WORKQUEUE_DURATION_BUCKETS: readonly number[] = Object.freeze([
  1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10,
]);

/** How often a running queue refreshes the unfinished-work gauges, as in client-go. */
export const UNFINISHED_WORK_UPDATE_PERIOD_MS = 500;

const noopMetric: GaugeMetric & SettableGaugeMetric & CounterMetric & HistogramMetric = Object.freeze({
  inc(): void {},
  dec(): void {},
  set(): void {},
  observe(): void {},
});

/**
 * The default provider: records nothing, and a queue using it does not even
 * start its metrics tick.
 */
export const noopMetricsProvider: MetricsProvider = Object.freeze({
  newDepthMetric: () => noopMetric,
  newAddsMetric: () => noopMetric,
  newLatencyMetric: () => noopMetric,
  newWorkDurationMetric: () => noopMetric,
  newUnfinishedWorkSecondsMetric: () => noopMetric,
  newLongestRunningProcessorSecondsMetric: () => noopMetric,
  newRetriesMetric: () => noopMetric,
});

/**
 * What a queue reports as items move (client-go's `queueMetrics`). The queue
 * calls `add` when an item becomes dirty, `get` when it hands an item out,
 * `done` when the item is marked done, and `updateUnfinishedWork` on its
 * periodic tick (which stops at shutdown).
 */
export interface QueueMetricsRecorder<T> {
  add(item: T): void;
  get(item: T): void;
  done(item: T): void;
  updateUnfinishedWork(): void;
}

/** Which workqueue metric (a key of {@link WORKQUEUE_METRICS}). */
export type WorkqueueMetricKey = keyof typeof WORKQUEUE_METRICS;

/** What {@link MetricsErrorHandler} is told about a metric that threw. */
export interface MetricsErrorInfo {
  /** The queue's name (the `name` label). */
  queueName: string;
  /** The metric whose method threw, e.g. `'depth'`. */
  metric: WorkqueueMetricKey;
  /** The method that threw. */
  method: 'inc' | 'dec' | 'set' | 'observe';
}

/**
 * Receives the errors a {@link MetricsProvider}'s metrics throw. The queue
 * catches them (its state is never left half-updated by a metric) and calls
 * the handler from a microtask, after the queue operation has completed.
 */
export type MetricsErrorHandler = (error: unknown, info: MetricsErrorInfo) => void;

type Report = (error: unknown, metric: WorkqueueMetricKey, method: MetricsErrorInfo['method']) => void;

const FACTORIES: ReadonlyArray<readonly [keyof MetricsProvider, WorkqueueMetricKey, readonly MetricsErrorInfo['method'][]]> = [
  ['newDepthMetric', 'depth', ['inc', 'dec']],
  ['newAddsMetric', 'adds', ['inc']],
  ['newLatencyMetric', 'latency', ['observe']],
  ['newWorkDurationMetric', 'workDuration', ['observe']],
  ['newUnfinishedWorkSecondsMetric', 'unfinishedWork', ['set']],
  ['newLongestRunningProcessorSecondsMetric', 'longestRunningProcessor', ['set']],
  ['newRetriesMetric', 'retries', ['inc']],
];

/**
 * Throws a TypeError unless `provider` implements every {@link MetricsProvider} method.
 * @internal
 */
export function checkMetricsProvider(provider: unknown, where: string): void {
  const missing =
    typeof provider === 'object' && provider !== null
      ? FACTORIES.filter(([factory]) => typeof (provider as Record<string, unknown>)[factory] !== 'function').map(([f]) => f)
      : FACTORIES.map(([f]) => f);
  if (missing.length !== 0) {
    throw new TypeError(`${where}: option "metricsProvider" must be a MetricsProvider; it lacks ${missing.map((m) => `${m}()`).join(', ')}`);
  }
}

/** Calls `provider[factory](name)`, checks what it returned, and wraps it so that its methods never throw (errors go to `report`). */
function metricOf(provider: MetricsProvider, factory: keyof MetricsProvider, name: string, report: Report | undefined): unknown {
  const entry = FACTORIES.find(([f]) => f === factory);
  if (entry === undefined) throw new Error(`unknown metric factory ${factory}`);
  const [, key, methods] = entry;
  const metric = provider[factory](name) as unknown as Record<string, unknown> | null | undefined;
  if (typeof metric !== 'object' || metric === null || methods.some((m) => typeof metric[m] !== 'function')) {
    throw new TypeError(`metricsProvider.${factory}(${JSON.stringify(name)}) must return an object with ${methods.map((m) => `${m}()`).join(' and ')}`);
  }
  if (report === undefined) return metric;
  const guarded: Record<string, (value?: number) => void> = {};
  for (const method of methods) {
    const fn = metric[method] as (value?: number) => void;
    guarded[method] = (value?: number): void => {
      try {
        fn.call(metric, value);
      } catch (error) {
        report(error, key, method);
      }
    };
  }
  return guarded;
}

class DefaultQueueMetrics<T> implements QueueMetricsRecorder<T> {
  private readonly addTimes = new Map<T, number>();
  private readonly processingStartTimes = new Map<T, number>();
  private readonly depth: GaugeMetric;
  private readonly adds: CounterMetric;
  private readonly latency: HistogramMetric;
  private readonly workDuration: HistogramMetric;
  private readonly unfinishedWorkSeconds: SettableGaugeMetric;
  private readonly longestRunningProcessor: SettableGaugeMetric;

  constructor(
    provider: MetricsProvider,
    name: string,
    private readonly clock: Clock,
    report: Report | undefined,
  ) {
    this.depth = metricOf(provider, 'newDepthMetric', name, report) as GaugeMetric;
    this.adds = metricOf(provider, 'newAddsMetric', name, report) as CounterMetric;
    this.latency = metricOf(provider, 'newLatencyMetric', name, report) as HistogramMetric;
    this.workDuration = metricOf(provider, 'newWorkDurationMetric', name, report) as HistogramMetric;
    this.unfinishedWorkSeconds = metricOf(provider, 'newUnfinishedWorkSecondsMetric', name, report) as SettableGaugeMetric;
    this.longestRunningProcessor = metricOf(provider, 'newLongestRunningProcessorSecondsMetric', name, report) as SettableGaugeMetric;
  }

  // Each method updates the recorder's own maps before it calls the provider's metrics.

  add(item: T): void {
    if (!this.addTimes.has(item)) this.addTimes.set(item, this.clock.now());
    this.adds.inc();
    this.depth.inc();
  }

  get(item: T): void {
    const now = this.clock.now();
    this.processingStartTimes.set(item, now);
    const added = this.addTimes.get(item);
    if (added !== undefined) this.addTimes.delete(item);
    this.depth.dec();
    if (added !== undefined) this.latency.observe((now - added) / 1000);
  }

  done(item: T): void {
    const started = this.processingStartTimes.get(item);
    if (started !== undefined) {
      this.processingStartTimes.delete(item);
      this.workDuration.observe((this.clock.now() - started) / 1000);
    }
  }

  updateUnfinishedWork(): void {
    const now = this.clock.now();
    let totalMs = 0;
    let oldestMs = 0;
    for (const started of this.processingStartTimes.values()) {
      const age = now - started;
      totalMs += age;
      if (age > oldestMs) oldestMs = age;
    }
    this.unfinishedWorkSeconds.set(totalMs / 1000);
    this.longestRunningProcessor.set(oldestMs / 1000);
  }
}

/**
 * Builds the recorder a queue named `name` uses, or `undefined` when the
 * queue records nothing (no name, or the no-op provider), as in client-go.
 * Throws a TypeError if the provider hands out something that is not a
 * metric. With `onError`, an error thrown by a metric's method is caught
 * and passed to `onError` (synchronously); without it, it propagates.
 */
export function newQueueMetrics<T>(
  provider: MetricsProvider | undefined,
  name: string,
  clock: Clock,
  onError?: (error: unknown, info: MetricsErrorInfo) => void,
): QueueMetricsRecorder<T> | undefined {
  if (name === '' || provider === undefined || provider === noopMetricsProvider) return undefined;
  return new DefaultQueueMetrics<T>(provider, name, clock, reporter(name, onError));
}

/** The retries counter of a named delaying queue, or `undefined` when unnamed or no-op. Errors as in {@link newQueueMetrics}. */
export function newRetryMetric(
  provider: MetricsProvider | undefined,
  name: string,
  onError?: (error: unknown, info: MetricsErrorInfo) => void,
): CounterMetric | undefined {
  if (name === '' || provider === undefined || provider === noopMetricsProvider) return undefined;
  return metricOf(provider, 'newRetriesMetric', name, reporter(name, onError)) as CounterMetric;
}

function reporter(queueName: string, onError: ((error: unknown, info: MetricsErrorInfo) => void) | undefined): Report | undefined {
  if (onError === undefined) return undefined;
  return (error, metric, method) => onError(error, { queueName, metric, method });
}
