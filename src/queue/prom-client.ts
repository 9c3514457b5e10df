/**
 * prom-client adapter for the work queue's metrics, exported as
 * `k8s-workqueue/prom-client` (and `eslint-plugin-workqueue/queue/prom-client`).
 * prom-client is an optional peer dependency: only this module imports it.
 *
 * ```ts
 * import { Registry } from 'prom-client';
 * import { newRateLimitingQueue } from 'k8s-workqueue';
 * import { promClientMetricsProvider } from 'k8s-workqueue/prom-client';
 *
 * const registry = new Registry();
 * const metricsProvider = promClientMetricsProvider({ registry });
 * const queue = newRateLimitingQueue<string>(undefined, { name: 'pods', metricsProvider });
 * ```
 */
import { Counter, Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';
import {
  WORKQUEUE_DURATION_BUCKETS,
  WORKQUEUE_METRICS,
  WORKQUEUE_NAME_LABEL,
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
  type MetricsProvider,
  type SettableGaugeMetric,
} from './metrics.js';

/** Options of {@link promClientMetricsProvider}. */
export interface PromClientMetricsProviderOptions {
  /** Registry to register the seven metric families in; defaults to prom-client's global `register`. */
  registry?: Registry;
  /** Buckets of the two duration histograms; defaults to Kubernetes' 10 ns … 10 s. */
  buckets?: readonly number[];
}

type Label = typeof WORKQUEUE_NAME_LABEL;

/**
 * A {@link MetricsProvider} backed by prom-client. The metric families
 * (`workqueue_depth`, `workqueue_adds_total`,
 * `workqueue_queue_duration_seconds`, `workqueue_work_duration_seconds`,
 * `workqueue_unfinished_work_seconds`,
 * `workqueue_longest_running_processor_seconds`, `workqueue_retries_total`)
 * are registered once per registry, with a `name` label; each queue gets the
 * children for its name. Families already registered under those names in
 * the registry (by another provider instance) are reused.
 */
export function promClientMetricsProvider(options: PromClientMetricsProviderOptions = {}): MetricsProvider {
  const registry = options.registry ?? globalRegistry;
  const buckets = [...(options.buckets ?? WORKQUEUE_DURATION_BUCKETS)];
  const labelNames = [WORKQUEUE_NAME_LABEL] as const;
  const common = { labelNames, registers: [registry] };

  /** A metric registered by an earlier queue with the same registry (prom-client refuses a second registration). */
  function existing(name: string): unknown {
    return registry.getSingleMetric(name);
  }
  function gauge(spec: { name: string; help: string }): Gauge<Label> {
    return (existing(spec.name) as Gauge<Label> | undefined) ?? new Gauge<Label>({ ...spec, ...common });
  }
  function counter(spec: { name: string; help: string }): Counter<Label> {
    return (existing(spec.name) as Counter<Label> | undefined) ?? new Counter<Label>({ ...spec, ...common });
  }
  function histogram(spec: { name: string; help: string }): Histogram<Label> {
    return (existing(spec.name) as Histogram<Label> | undefined) ?? new Histogram<Label>({ ...spec, ...common, buckets });
  }
  const pick = (s: { name: string; help: string }) => ({ name: s.name, help: s.help });

  let families:
    | {
        depth: Gauge<Label>;
        adds: Counter<Label>;
        latency: Histogram<Label>;
        workDuration: Histogram<Label>;
        unfinishedWork: Gauge<Label>;
        longestRunningProcessor: Gauge<Label>;
        retries: Counter<Label>;
      }
    | undefined;
  // Counters start at 0 when a queue is created so that rates are defined;
  // gauges and histograms appear with their first value (setting a gauge here
  // would clobber the value of another live queue of the same name).
  // Registered lazily, on the first queue that uses the provider.
  function f(): NonNullable<typeof families> {
    families ??= {
      depth: gauge(pick(WORKQUEUE_METRICS.depth)),
      adds: counter(pick(WORKQUEUE_METRICS.adds)),
      latency: histogram(pick(WORKQUEUE_METRICS.latency)),
      workDuration: histogram(pick(WORKQUEUE_METRICS.workDuration)),
      unfinishedWork: gauge(pick(WORKQUEUE_METRICS.unfinishedWork)),
      longestRunningProcessor: gauge(pick(WORKQUEUE_METRICS.longestRunningProcessor)),
      retries: counter(pick(WORKQUEUE_METRICS.retries)),
    };
    return families;
  }
  const labels = (name: string) => ({ [WORKQUEUE_NAME_LABEL]: name }) as Record<Label, string>;

  return {
    newDepthMetric(name: string): GaugeMetric {
      const child = f().depth.labels(labels(name));
      return { inc: () => child.inc(), dec: () => child.dec() };
    },
    newAddsMetric(name: string): CounterMetric {
      const child = f().adds.labels(labels(name));
      child.inc(0);
      return { inc: () => child.inc() };
    },
    newLatencyMetric(name: string): HistogramMetric {
      const child = f().latency.labels(labels(name));
      return { observe: (v: number) => child.observe(v) };
    },
    newWorkDurationMetric(name: string): HistogramMetric {
      const child = f().workDuration.labels(labels(name));
      return { observe: (v: number) => child.observe(v) };
    },
    newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric {
      const child = f().unfinishedWork.labels(labels(name));
      return { set: (v: number) => child.set(v) };
    },
    newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric {
      const child = f().longestRunningProcessor.labels(labels(name));
      return { set: (v: number) => child.set(v) };
    },
    newRetriesMetric(name: string): CounterMetric {
      const child = f().retries.labels(labels(name));
      child.inc(0);
      return { inc: () => child.inc() };
    },
  };
}
