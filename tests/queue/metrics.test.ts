import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FakeClock,
  type MetricsErrorInfo,
  UNFINISHED_WORK_UPDATE_PERIOD_MS,
  newDelayingQueue,
  newQueue,
  newQueueMetrics,
  newRateLimitingQueue,
  noopMetricsProvider,
  type MetricsProvider,
} from '../../src/queue/index.js';
import { flush, mustGet } from './helpers.js';

class TestMetric {
  inc = 0;
  dec = 0;
  value: number | undefined;
  observations: number[] = [];
  sets: number[] = [];

  gauge(): number {
    return this.value ?? this.inc - this.dec;
  }
  last(): number | undefined {
    return this.observations.at(-1);
  }
}

class TestMetricsProvider implements MetricsProvider {
  readonly names: string[] = [];
  depth = new TestMetric();
  adds = new TestMetric();
  latency = new TestMetric();
  duration = new TestMetric();
  unfinished = new TestMetric();
  longest = new TestMetric();
  retries = new TestMetric();

  private gaugeOf(m: TestMetric) {
    return {
      inc: () => {
        m.inc++;
      },
      dec: () => {
        m.dec++;
      },
    };
  }
  private settable(m: TestMetric) {
    return {
      set: (v: number) => {
        m.value = v;
        m.sets.push(v);
      },
    };
  }
  private histogram(m: TestMetric) {
    return { observe: (v: number) => void m.observations.push(v) };
  }
  newDepthMetric(name: string) {
    this.names.push(`depth:${name}`);
    return this.gaugeOf(this.depth);
  }
  newAddsMetric(name: string) {
    this.names.push(`adds:${name}`);
    return {
      inc: () => {
        this.adds.inc++;
      },
    };
  }
  newLatencyMetric(name: string) {
    this.names.push(`latency:${name}`);
    return this.histogram(this.latency);
  }
  newWorkDurationMetric(name: string) {
    this.names.push(`duration:${name}`);
    return this.histogram(this.duration);
  }
  newUnfinishedWorkSecondsMetric(name: string) {
    this.names.push(`unfinished:${name}`);
    return this.settable(this.unfinished);
  }
  newLongestRunningProcessorSecondsMetric(name: string) {
    this.names.push(`longest:${name}`);
    return this.settable(this.longest);
  }
  newRetriesMetric(name: string) {
    this.names.push(`retries:${name}`);
    return {
      inc: () => {
        this.retries.inc++;
      },
    };
  }
}

describe('queue metrics', () => {
  // client-go TestMetrics, in milliseconds of a fake clock.
  it('records adds, depth, latency, work duration and unfinished work with exact values', async () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const q = newQueue<string>({ name: 'test', clock: c, metricsProvider: mp });
    expect(mp.names).toEqual([
      'depth:test',
      'adds:test',
      'latency:test',
      'duration:test',
      'unfinished:test',
      'longest:test',
    ]);
    expect(c.pendingTimerCount()).toBe(1); // the unfinished-work tick

    q.add('foo');
    expect(mp.adds.gauge()).toBe(1);
    expect(mp.depth.gauge()).toBe(1);

    c.step(50);
    const i = await mustGet(q);
    expect(i).toBe('foo');
    expect(mp.latency.last()).toBe(0.05);
    expect(mp.latency.observations.length).toBe(1);
    expect(mp.depth.gauge()).toBe(0);

    // Add it back while processing; multiple adds of the same item are de-duped.
    for (let n = 0; n < 5; n++) q.add(i);
    expect(mp.adds.gauge()).toBe(2);
    expect(mp.depth.gauge()).toBe(1); // one thing "remains in the queue"

    c.step(25);
    q.done(i);
    expect(mp.duration.last()).toBe(0.025);
    expect(mp.duration.observations.length).toBe(1);
    expect(mp.depth.gauge()).toBe(1);

    // It is back on the queue.
    expect(await mustGet(q)).toBe('foo');
    expect(mp.latency.last()).toBe(0.025); // re-added at t=50, taken at t=75
    expect(mp.latency.observations.length).toBe(2);

    // t = 75: the tick at 500 ms sees "foo" running since 75 ms.
    c.step(425);
    expect(mp.unfinished.value).toBe(0.425);
    expect(mp.longest.value).toBe(0.425);

    c.step(575); // t = 1075: "foo" running for 1 s; ticks at 1000 ms
    expect(mp.unfinished.sets).toEqual([0.425, 0.925]);
    expect(mp.longest.value).toBe(0.925);

    q.done('foo');
    expect(mp.duration.last()).toBe(1);
    expect(mp.duration.observations.length).toBe(2);

    c.step(500);
    expect(mp.unfinished.value).toBe(0);
    expect(mp.longest.value).toBe(0);
    q.shutDown();
    expect(c.pendingTimerCount()).toBe(0);
  });

  it('sums unfinished work and reports the longest running processor', async () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const q = newQueue<string>({ name: 'q', clock: c, metricsProvider: mp });
    q.add('a');
    q.add('b');
    q.add('c');
    await q.get(); // a at 0
    c.step(100);
    await q.get(); // b at 100
    c.step(100);
    await q.get(); // c at 200
    c.step(300); // tick at 500
    expect(mp.unfinished.value).toBe((500 + 400 + 300) / 1000);
    expect(mp.longest.value).toBe(0.5);
    q.shutDown();
  });

  // client-go TestMetricShutdown.
  it('stops updating unfinished work at shutdown', () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const q = newQueue<string>({ name: 'test', clock: c, metricsProvider: mp });
    c.step(UNFINISHED_WORK_UPDATE_PERIOD_MS);
    expect(mp.unfinished.sets.length).toBe(1);
    q.shutDown();
    expect(c.pendingTimerCount()).toBe(0);
    c.step(3_600_000);
    expect(mp.unfinished.sets.length).toBe(1);
  });

  it('stops the tick on shutDownWithDrain too, while still recording done()', async () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const q = newQueue<string>({ name: 'test', clock: c, metricsProvider: mp });
    q.add('x');
    await q.get();
    const drained = q.shutDownWithDrain();
    expect(c.pendingTimerCount()).toBe(0);
    c.step(30);
    q.done('x');
    await drained;
    expect(mp.duration.last()).toBe(0.03);
  });

  it('records nothing and arms no timer for an unnamed queue or the no-op provider', () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const unnamed = newQueue<string>({ clock: c, metricsProvider: mp });
    const noop = newQueue<string>({ name: 'x', clock: c, metricsProvider: noopMetricsProvider });
    const dflt = newQueue<string>({ name: 'y', clock: c });
    for (const q of [unnamed, noop, dflt]) q.add('a');
    expect(mp.names).toEqual([]);
    expect(c.pendingTimerCount()).toBe(0);
    expect(newQueueMetrics(mp, '', c)).toBeUndefined();
    expect(newQueueMetrics(noopMetricsProvider, 'x', c)).toBeUndefined();
    expect(newQueueMetrics(undefined, 'x', c)).toBeUndefined();
  });

  it('counts a retry for every addAfter / addRateLimited of a running named queue', () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const dq = newDelayingQueue<string>({ name: 'd', clock: c, metricsProvider: mp });
    expect(mp.names).toContain('retries:d');
    dq.addAfter('a', 0);
    dq.addAfter('b', 10);
    dq.addAfter('b', 5);
    expect(mp.retries.inc).toBe(3);
    dq.shutDown();
    dq.addAfter('c', 10); // ignored: no retry counted
    expect(mp.retries.inc).toBe(3);

    const mp2 = new TestMetricsProvider();
    const rq = newRateLimitingQueue<string>(undefined, { name: 'r', clock: c, metricsProvider: mp2 });
    rq.addRateLimited('x');
    rq.addRateLimited('x');
    expect(mp2.retries.inc).toBe(2);
    expect(mp2.adds.inc).toBe(0); // not due yet
    c.step(5);
    expect(mp2.adds.inc).toBe(1);
    expect(mp2.depth.gauge()).toBe(1);
    rq.shutDown();
    expect(c.pendingTimerCount()).toBe(0);
  });

  it('keeps depth consistent when items are handed straight to waiting workers', async () => {
    const mp = new TestMetricsProvider();
    const c = new FakeClock(0);
    const q = newQueue<string>({ name: 'h', clock: c, metricsProvider: mp });
    const waiting = q.get();
    q.add('direct');
    expect(await waiting).toEqual(['direct', false]);
    expect(mp.depth.gauge()).toBe(0);
    expect(mp.adds.inc).toBe(1);
    expect(mp.latency.observations).toEqual([0]);
    c.step(7);
    q.done('direct');
    expect(mp.duration.observations).toEqual([0.007]);
    q.shutDown();
  });
});

/** A provider whose metrics throw for the methods listed in `failing` (e.g. `'depth.dec'`), counting the other calls. */
function throwingProvider(failing: readonly string[]): MetricsProvider & { calls: string[] } {
  const calls: string[] = [];
  const metric = (key: string, methods: readonly string[]) =>
    Object.fromEntries(
      methods.map((m) => [
        m,
        () => {
          if (failing.includes(`${key}.${m}`)) throw new Error(`${key}.${m} exploded`);
          calls.push(`${key}.${m}`);
        },
      ]),
    ) as never;
  return {
    calls,
    newDepthMetric: () => metric('depth', ['inc', 'dec']),
    newAddsMetric: () => metric('adds', ['inc']),
    newLatencyMetric: () => metric('latency', ['observe']),
    newWorkDurationMetric: () => metric('workDuration', ['observe']),
    newUnfinishedWorkSecondsMetric: () => metric('unfinishedWork', ['set']),
    newLongestRunningProcessorSecondsMetric: () => metric('longestRunningProcessor', ['set']),
    newRetriesMetric: () => metric('retries', ['inc']),
  };
}

describe('a metrics provider that throws (issue 16)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // The crash hunt's case: depth.dec() threw inside get(), after the item was marked processing: the caller never
  // received it, and the drain timed out naming it.
  it('never strands an item: get() still hands it out, and the drain resolves', async () => {
    const clock = new FakeClock(0);
    const errors: Array<[unknown, MetricsErrorInfo]> = [];
    const q = newQueue<string>({
      name: 'm',
      clock,
      metricsProvider: throwingProvider(['depth.dec']),
      onMetricsError: (error, info) => errors.push([error, info]),
    });
    q.add('a');
    const got = q.get();
    expect(errors).toEqual([]); // reported from a microtask, after the operation
    expect(await got).toEqual(['a', false]);
    await flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toEqual({ queueName: 'm', metric: 'depth', method: 'dec' });
    expect((errors[0]![0] as Error).message).toBe('depth.dec exploded');
    expect(q.stats()).toMatchObject({ gets: 1, processing: 1, metricsErrors: 1 });
    q.done('a');
    await expect(q.shutDownWithDrain({ timeoutMs: 1_000 })).resolves.toBeUndefined();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('keeps the queue consistent whichever metric throws, in add, get, done, addAfter and the tick', async () => {
    const clock = new FakeClock(0);
    const failing = ['depth.inc', 'adds.inc', 'depth.dec', 'latency.observe', 'workDuration.observe', 'unfinishedWork.set', 'longestRunningProcessor.set', 'retries.inc'];
    const infos: MetricsErrorInfo[] = [];
    const mp = throwingProvider(failing);
    const q = newRateLimitingQueue<string>(undefined, { name: 'all', clock, metricsProvider: mp, onMetricsError: (_e, info) => infos.push(info) });
    q.add('a');
    q.add('a'); // collapsed
    q.add('b');
    expect(q.len()).toBe(2);
    const a = await mustGet(q);
    q.add(a); // dirty while processing
    clock.step(500); // the tick
    q.done(a); // re-queued
    expect(q.len()).toBe(2);
    q.addRateLimited('c');
    clock.step(5);
    expect(q.len()).toBe(3);
    const taken = [];
    while (q.len() > 0) {
      const item = await mustGet(q);
      taken.push(item);
      q.done(item);
    }
    expect(taken).toEqual(['b', 'a', 'c']);
    await flush();
    expect(new Set(infos.map((i) => `${i.metric}.${i.method}`))).toEqual(new Set(failing));
    expect(q.stats()).toMatchObject({ processing: 0, depth: 0, metricsErrors: infos.length });
    expect(mp.calls).toEqual([]);
    await q.shutDownWithDrain();
    expect(clock.pendingTimerCount()).toBe(0);
  });

  it('by default warns once per queue (WORKQUEUE_METRICS_ERROR) and counts the rest', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const q = newQueue<string>({ name: 'w', clock: new FakeClock(0), metricsProvider: throwingProvider(['adds.inc']) });
    q.add('a');
    q.add('b');
    q.add('c');
    await flush();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^workqueue "w": the metric workqueue_adds_total threw in inc\(\): adds.inc exploded\./);
    expect(warn.mock.calls[0]![1]).toEqual({ code: 'WORKQUEUE_METRICS_ERROR' });
    expect(q.stats().metricsErrors).toBe(3);
    expect(q.len()).toBe(3);
    q.shutDown();
  });

  it('rejects a provider that is not one, or hands out something that is not a metric, at construction', () => {
    expect(() => newQueue({ name: 'x', metricsProvider: {} as never })).toThrow(
      /^newQueue: option "metricsProvider" must be a MetricsProvider; it lacks newDepthMetric\(\), newAddsMetric\(\)/,
    );
    const bad = { ...throwingProvider([]), newLatencyMetric: () => ({}) as never };
    expect(() => newQueue({ name: 'x', metricsProvider: bad })).toThrow(
      new TypeError('metricsProvider.newLatencyMetric("x") must return an object with observe()'),
    );
    expect(() => newQueue({ name: 'x', onMetricsError: 'log' as never })).toThrow(/option "onMetricsError" must be a function/);
  });
});
