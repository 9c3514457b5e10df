import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock, WORKQUEUE_METRICS, newQueue, newRateLimitingQueue } from '../../src/queue/index.js';
import { promClientMetricsProvider } from '../../src/queue/prom-client.js';
import { mustGet } from './helpers.js';

/** `name{labels} value` sample lines of the exposition text, keyed by `name{labels}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('promClientMetricsProvider', () => {
  it('exposes the seven workqueue metrics with a name label and exact values', async () => {
    const registry = new Registry();
    const clock = new FakeClock(0);
    const metricsProvider = promClientMetricsProvider({ registry });
    const q = newRateLimitingQueue<string>(undefined, { name: 'pods', clock, metricsProvider });

    q.add('default/a');
    q.add('default/b');
    q.add('default/a'); // collapsed: not an "add" for the metrics
    clock.step(2); // 2 ms in the queue
    const a = await mustGet(q);
    clock.step(30); // 30 ms of work
    q.done(a);
    q.addRateLimited('default/c'); // retry: due in 5 ms
    clock.step(5);
    const b = await mustGet(q); // b waited 37 ms; c is now queued
    clock.step(463); // t = 500: the tick sees b running for 463 ms
    q.done(b);

    const text = await registry.metrics();
    for (const spec of Object.values(WORKQUEUE_METRICS)) {
      expect(text).toContain(`# HELP ${spec.name} ${spec.help}`);
      expect(text).toContain(`# TYPE ${spec.name} ${spec.type}`);
    }
    // Issue 16 divergence (3): Kubernetes' exposition text, BETA stability prefix included.
    expect(text).toContain('# HELP workqueue_depth [BETA] Current depth of workqueue\n');
    expect(text).toContain('# HELP workqueue_retries_total [BETA] Total number of retries handled by workqueue\n');
    expect(Object.values(WORKQUEUE_METRICS).every((spec) => spec.help.startsWith('[BETA] '))).toBe(true);
    const s = samples(text);
    expect(s.get('workqueue_adds_total{name="pods"}')).toBe(3);
    expect(s.get('workqueue_depth{name="pods"}')).toBe(1);
    expect(s.get('workqueue_retries_total{name="pods"}')).toBe(1);
    expect(s.get('workqueue_queue_duration_seconds_count{name="pods"}')).toBe(2);
    expect(s.get('workqueue_queue_duration_seconds_sum{name="pods"}')).toBeCloseTo(0.002 + 0.037, 12);
    expect(s.get('workqueue_queue_duration_seconds_bucket{le="0.001",name="pods"}')).toBe(0);
    expect(s.get('workqueue_queue_duration_seconds_bucket{le="0.01",name="pods"}')).toBe(1);
    expect(s.get('workqueue_queue_duration_seconds_bucket{le="0.1",name="pods"}')).toBe(2);
    expect(s.get('workqueue_queue_duration_seconds_bucket{le="+Inf",name="pods"}')).toBe(2);
    expect(s.get('workqueue_work_duration_seconds_count{name="pods"}')).toBe(2);
    expect(s.get('workqueue_work_duration_seconds_sum{name="pods"}')).toBeCloseTo(0.03 + 0.463, 12);
    expect(s.get('workqueue_work_duration_seconds_bucket{le="0.1",name="pods"}')).toBe(1);
    expect(s.get('workqueue_work_duration_seconds_bucket{le="1",name="pods"}')).toBe(2);
    expect(s.get('workqueue_unfinished_work_seconds{name="pods"}')).toBe(0.463);
    expect(s.get('workqueue_longest_running_processor_seconds{name="pods"}')).toBe(0.463);
    // Kubernetes' buckets: 10 ns … 10 s.
    const les = [...s.keys()]
      .filter((k) => k.startsWith('workqueue_work_duration_seconds_bucket'))
      .map((k) => /le="([^"]+)"/.exec(k)?.[1]);
    expect(les).toEqual(['1e-8', '1e-7', '0.000001', '0.00001', '0.0001', '0.001', '0.01', '0.1', '1', '10', '+Inf']);

    q.shutDown();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('shares metric families between queues and between providers on one registry', async () => {
    const registry = new Registry();
    const clock = new FakeClock(0);
    const p1 = promClientMetricsProvider({ registry });
    const p2 = promClientMetricsProvider({ registry }); // reuses the registered families
    const q1 = newQueue<string>({ name: 'one', clock, metricsProvider: p1 });
    const q2 = newQueue<string>({ name: 'two', clock, metricsProvider: p1 });
    const q3 = newQueue<string>({ name: 'three', clock, metricsProvider: p2 });
    q1.add('x');
    q2.add('x');
    q2.add('y');
    q3.add('z');
    const s = samples(await registry.metrics());
    expect(s.get('workqueue_adds_total{name="one"}')).toBe(1);
    expect(s.get('workqueue_adds_total{name="two"}')).toBe(2);
    expect(s.get('workqueue_adds_total{name="three"}')).toBe(1);
    expect(s.get('workqueue_depth{name="two"}')).toBe(2);
    expect(registry.getMetricsAsArray().map((m) => m.name).sort()).toEqual(
      Object.values(WORKQUEUE_METRICS)
        .map((m) => m.name)
        .sort(),
    );
    for (const q of [q1, q2, q3]) q.shutDown();
  });

  it('starts counters at 0 for a new queue and honours custom buckets', async () => {
    const registry = new Registry();
    const q = newRateLimitingQueue<string>(undefined, {
      name: 'fresh',
      clock: new FakeClock(0),
      metricsProvider: promClientMetricsProvider({ registry, buckets: [0.5, 5] }),
    });
    const s = samples(await registry.metrics());
    expect(s.get('workqueue_adds_total{name="fresh"}')).toBe(0);
    expect(s.get('workqueue_retries_total{name="fresh"}')).toBe(0);
    q.add('a');
    await q.get();
    q.done('a');
    const s2 = samples(await registry.metrics());
    expect(s2.get('workqueue_work_duration_seconds_bucket{le="0.5",name="fresh"}')).toBe(1);
    expect(s2.has('workqueue_work_duration_seconds_bucket{le="0.1",name="fresh"}')).toBe(false);
    q.shutDown();
  });
});
