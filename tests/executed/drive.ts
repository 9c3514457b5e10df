/**
 * Runs one fixture under one scenario against the reference queue, on a `FakeClock`: nothing here depends on the
 * machine's speed. Time moves only when the driver steps the clock, and "let the workers run" means "flush the
 * promise jobs" (a macrotask turn: every microtask queued so far, and every one those queue, has run).
 *
 * A run:
 * 1. a rate-limiting queue (exponential per-item backoff, 5 ms … 1 s) gets `default/web` then `default/db`
 *    (`default/web/extra` instead of `default/web` in `invalid-key`); in `retry-cap`, the limiter has already
 *    counted `maxRetries + 1` failures of the first key;
 * 2. the fixture's `run(deps)` starts; the driver flushes (letting short real `setTimeout` timers the fixture set
 *    fire too: they are real time, not `FakeClock` time) and steps the clock to each retry deadline, a bounded
 *    number of times (in `poison`, until `POISON_SPAN_MS` of fake time have passed, and every queue records its
 *    `workqueue_retries_total`);
 * 3. the queue (and every queue made with `deps.newQueue`) is shut down with `shutDownWithDrain({ timeoutMs })`;
 *    in `shutdown` this happens while `reconcile` is still working on the first key, which then completes;
 * 4. the clock steps past the drain timeout. An item is leaked if the drain rejected or `processing()` still
 *    lists it.
 *
 * Besides the leak, a run records what the companion rules are about: `done()` calls for an item the queue is not
 * processing (a second `done` of an item that was marked done before on that queue is a double done), and the first
 * key's retries — every `rateLimiter.when(key)` (one per `addRateLimited`), the failure count it reached, `forget`
 * calls, and, when the stepping ends, the count left and whether the key was dropped.
 */
import {
  type CounterMetric,
  DrainTimeoutError,
  FakeClock,
  ItemExponentialFailureRateLimiter,
  type MetricsProvider,
  newRateLimitingQueue,
  noopMetricsProvider,
  type RateLimiter,
  type RateLimitingQueue,
} from 'eslint-plugin-workqueue/queue';

import { type ControllerDeps, type FixtureModule, ReconcileError, type Resource, type Scenario } from '../fixtures/contract.js';

export const FAULT_KEY = 'default/web';
export const OTHER_KEY = 'default/db';
export const INVALID_KEY = 'default/web/extra';
export const MAX_RETRIES = 3;
export const DRAIN_TIMEOUT_MS = 30_000;
/** At most this many retry deadlines are stepped to before the shutdown. */
const RETRY_ROUNDS = 12;
/** In `poison`, the driver steps the clock's deadlines until this much fake time has passed (≈ 22 retries). */
export const POISON_SPAN_MS = 15_000;
/** A safety net for `poison`'s stepping (the metrics tick adds a deadline every 500 ms). */
const POISON_MAX_ROUNDS = 1_000;
/** A poison key re-queued past this many failures was not stopped by any cap (the cap is `MAX_RETRIES`). */
export const RETRY_BOUND = 3 * MAX_RETRIES;

/** The first key's retries in one run, over every queue of the run. */
export interface RetryOutcome {
  /** `rateLimiter.when(key)` calls: one per `addRateLimited(key)`. */
  requeues: number;
  /** Of those, the ones made while the key's failure count was already above `MAX_RETRIES` (past the cap). */
  requeuesPastCap: number;
  /** The highest failure count the key reached on one queue's limiter (the `retry-cap` seed included). */
  maxRequeues: number;
  /** `forget(key)` calls. */
  forgets: number;
  /** `numRequeues(key)` summed over the queues when the stepping ended, before the shutdown. */
  endRequeues: number;
  /**
   * Where the key was when the stepping ended: being processed, or waiting / queued (some queue still has work),
   * or dropped (nothing queued, waiting or processing on any queue).
   */
  keyState: 'processing' | 'pending' | 'dropped';
  /** `workqueue_retries_total`, summed over the queues (`poison` only: other scenarios run without metrics). */
  retriesMetric?: number;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  /** Items still processing after the drain timeout, per queue name. */
  leaked: string[];
  /** How the drain of the main queue ended. */
  drain: 'resolved' | 'rejected' | 'pending';
  /** The items a rejected drain named. */
  drainItems: string[];
  /** How `run()` ended after the shutdown. */
  run: 'resolved' | 'rejected' | 'pending';
  runError?: string;
  /** Whether the `shutdown` scenario's gate was reached (reconcile of the first key started). */
  gateReached: boolean;
  /** Dependency calls, in order: `reconcile(default/web) rejected`, `log.error`, … */
  trace: string[];
  /** Misuse errors the queues counted (`done()` of an item not being processed). */
  misuses: number;
  /** Of those, `done(item)` calls for an item already marked done on that queue and not handed out since. */
  doubleDones: number;
  /** The first key's retries. */
  retry: RetryOutcome;
}

/**
 * The real 0-ms timers (`setTimeout`) a fixture has set and that have not fired yet, counted while a scenario runs
 * (see {@link countFixtureTimers}). A timer is real time, not `FakeClock` time: `flush` waits for them to fire.
 */
const fixtureTimers = new Set<unknown>();
/** A timer longer than this is no "later on this tick" release: `flush` does not wait for it. */
const SHORT_TIMER_MS = 10;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/**
 * While `fn` runs, a fixture's `setTimeout(cb, ms ≤ SHORT_TIMER_MS)` is a real timer that `flush` knows about (the
 * callback still runs exactly once, later, on Node's timer queue). Only the fixture's timers are counted: the
 * harness itself never calls `setTimeout` during a run.
 */
async function countFixtureTimers<T>(fn: () => Promise<T>): Promise<T> {
  const counting = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle: unknown = realSetTimeout(() => {
      fixtureTimers.delete(handle);
      callback(...args);
    }, ms);
    if ((ms ?? 0) <= SHORT_TIMER_MS) fixtureTimers.add(handle);
    return handle;
  }) as unknown as typeof setTimeout;
  const clearing = ((handle: Parameters<typeof clearTimeout>[0]) => {
    fixtureTimers.delete(handle);
    realClearTimeout(handle);
  }) as typeof clearTimeout;
  globalThis.setTimeout = counting;
  globalThis.clearTimeout = clearing;
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
    fixtureTimers.clear();
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Lets the workers run: every promise job queued until now, and the jobs they queue, run before this resolves; so
 * do the short timers the fixture has set (and what they queue), which fire in real time.
 */
export const flush = async (): Promise<void> => {
  await turn();
  for (let rounds = 0; fixtureTimers.size > 0 && rounds < 100; rounds++) {
    await new Promise((resolve) => realSetTimeout(resolve, 1));
    await turn();
  }
};

type Settled = { state: 'pending' } | { state: 'resolved' } | { state: 'rejected'; error: unknown };

function track(promise: Promise<unknown>): Settled {
  const s: { state: Settled['state']; error?: unknown } = { state: 'pending' };
  promise.then(
    () => {
      s.state = 'resolved';
    },
    (error: unknown) => {
      s.state = 'rejected';
      s.error = error;
    },
  );
  return s as Settled;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

interface RetryTally {
  requeues: number;
  requeuesPastCap: number;
  maxRequeues: number;
  forgets: number;
}

/** The limiter, watched for `key`: the queue consults it on every `addRateLimited`, `forget` and `numRequeues`. */
function watchedLimiter(inner: RateLimiter<string>, key: string, tally: RetryTally): RateLimiter<string> {
  return {
    when(item) {
      if (item === key) {
        const before = inner.numRequeues(item);
        tally.requeues++;
        if (before > MAX_RETRIES) tally.requeuesPastCap++;
      }
      const delay = inner.when(item);
      if (item === key) tally.maxRequeues = Math.max(tally.maxRequeues, inner.numRequeues(item));
      return delay;
    },
    forget(item) {
      if (item === key) tally.forgets++;
      inner.forget(item);
    },
    numRequeues: (item) => inner.numRequeues(item),
  };
}

/** A provider that only counts `workqueue_retries_total` (every other metric is a no-op). */
function retriesCountingProvider(counts: Map<string, number>): MetricsProvider {
  return {
    ...noopMetricsProvider,
    newRetriesMetric: (name): CounterMetric => ({
      inc: () => {
        counts.set(name, (counts.get(name) ?? 0) + 1);
      },
    }),
  };
}

/**
 * Records misuses of `done`: a `done(item)` for an item the queue is not processing is a double done when the item
 * was marked done on this queue and not handed out since (the queue still throws and counts it). Synchronous, so the
 * fixture's promise timing is unchanged.
 */
function watchDone(q: RateLimitingQueue<string>, onDouble: () => void): void {
  const done = q.done.bind(q);
  const doneBefore = new Set<string>();
  q.done = (item: string): void => {
    if (!q.processing().some((e) => e.item === item)) {
      if (doneBefore.has(item)) onDouble();
    } else {
      doneBefore.add(item);
    }
    done(item);
  };
}

export function runScenario(fixture: FixtureModule, scenario: Scenario): Promise<ScenarioOutcome> {
  return countFixtureTimers(() => runScenarioCounted(fixture, scenario));
}

async function runScenarioCounted(fixture: FixtureModule, scenario: Scenario): Promise<ScenarioOutcome> {
  const clock = new FakeClock(1_000_000);
  const trace: string[] = [];
  const firstKey = scenario === 'invalid-key' ? INVALID_KEY : FAULT_KEY;
  const queues: Array<[string, RateLimitingQueue<string>, RateLimiter<string>]> = [];
  const tally: RetryTally = { requeues: 0, requeuesPastCap: 0, maxRequeues: 0, forgets: 0 };
  const retriesMetric = new Map<string, number>();
  let doubleDones = 0;
  const makeQueue = (name: string): RateLimitingQueue<string> => {
    const inner = new ItemExponentialFailureRateLimiter<string>(5, 1_000);
    if (name === 'main' && scenario === 'retry-cap') for (let i = 0; i <= MAX_RETRIES; i++) inner.when(firstKey);
    tally.maxRequeues = Math.max(tally.maxRequeues, inner.numRequeues(firstKey));
    const limiter = watchedLimiter(inner, firstKey, tally);
    const q = newRateLimitingQueue<string>(limiter, {
      name,
      clock,
      ...(scenario === 'poison' ? { metricsProvider: retriesCountingProvider(retriesMetric) } : {}),
    });
    watchDone(q, () => doubleDones++);
    queues.push([name, q, limiter]);
    return q;
  };
  const queue = makeQueue('main');

  let gateReached = false;
  let releaseGate: (() => void) | undefined;
  const work = (what: 'reconcile' | 'cleanup') => (key: string): Promise<void> => {
    if (key !== firstKey) {
      trace.push(`${what}(${key}) ok`);
      return Promise.resolve();
    }
    switch (scenario) {
      case 'failure':
      case 'retry-cap':
      case 'poison':
        trace.push(`${what}(${key}) rejected`);
        return Promise.reject(new ReconcileError(`${what} ${key}: the API server answered 409 Conflict`));
      case 'throw':
        trace.push(`${what}(${key}) threw`);
        throw new TypeError(`${what} ${key}: cannot read properties of undefined (reading 'spec')`);
      case 'shutdown':
        if (gateReached) {
          trace.push(`${what}(${key}) ok`);
          return Promise.resolve();
        }
        gateReached = true;
        trace.push(`${what}(${key}) blocked until shutdown`);
        return new Promise<void>((resolve) => {
          releaseGate = () => {
            trace.push(`${what}(${key}) ok (after shutdown)`);
            resolve();
          };
        });
      default:
        trace.push(`${what}(${key}) ok`);
        return Promise.resolve();
    }
  };
  const logCall = (level: 'info' | 'error') => (message: string): void => {
    trace.push(`log.${level}(${JSON.stringify(message)})${scenario === 'log-throws' ? ' threw' : ''}`);
    if (scenario === 'log-throws') throw new Error('log sink unavailable: write EPIPE');
  };
  const lister = {
    get(key: string): Resource | undefined {
      if (key === firstKey && scenario === 'not-found') {
        trace.push(`lister.get(${key}) not found`);
        return undefined;
      }
      trace.push(`lister.get(${key})`);
      const [namespace = '', name = ''] = key.split('/');
      const upToDate = key === firstKey && scenario === 'up-to-date';
      return {
        key,
        namespace,
        name,
        generation: 4,
        status: { observedGeneration: upToDate ? 4 : 3 },
        ownerReferences: [{ kind: 'ReplicaSet', name: `${name}-7d4b9c` }],
        ...(key === firstKey && scenario === 'deleting' ? { deletionTimestamp: clock.now() - 1_000 } : {}),
        finalizers: ['example.com/cleanup'],
      };
    },
  };
  const deps: ControllerDeps = {
    queue,
    newQueue: makeQueue,
    lister,
    reconcile: work('reconcile'),
    cleanup: work('cleanup'),
    log: { info: logCall('info'), error: logCall('error') },
    maxRetries: MAX_RETRIES,
    clock,
  };

  queue.add(firstKey);
  queue.add(OTHER_KEY);
  let runPromise: Promise<unknown>;
  try {
    runPromise = fixture.run(deps);
  } catch (error) {
    runPromise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const run = track(runPromise);

  // Let the workers run, stepping the clock to each retry deadline.
  const start = clock.now();
  const rounds = scenario === 'poison' ? POISON_MAX_ROUNDS : RETRY_ROUNDS;
  for (let round = 0; round < rounds; round++) {
    await flush();
    const next = clock.nextDeadline();
    if (next === undefined || (scenario === 'poison' && next - start > POISON_SPAN_MS)) break;
    clock.setTime(next);
  }
  await flush();

  // Where the first key's retries stand before the shutdown.
  const processingKey = queues.some(([, q]) => q.processing().some((e) => e.item === firstKey));
  const busy = queues.some(([, q]) => q.len() > 0 || q.lenWaiting() > 0 || q.processing().length > 0);
  const retry: RetryOutcome = {
    ...tally,
    endRequeues: queues.reduce((n, [, , limiter]) => n + limiter.numRequeues(firstKey), 0),
    keyState: processingKey ? 'processing' : busy ? 'pending' : 'dropped',
    ...(scenario === 'poison' ? { retriesMetric: [...retriesMetric.values()].reduce((a, b) => a + b, 0) } : {}),
  };

  // Shut down with a drain, for every queue; in `shutdown`, while reconcile still works on the first key.
  const drains = queues.map(([name, q]) => [name, q, track(q.shutDownWithDrain({ timeoutMs: DRAIN_TIMEOUT_MS }))] as const);
  await flush();
  if (releaseGate) {
    releaseGate();
    await flush();
  }
  clock.step(DRAIN_TIMEOUT_MS);
  await flush();
  await flush();

  const leaked: string[] = [];
  let misuses = 0;
  for (const [name, q] of queues) {
    for (const entry of q.processing()) leaked.push(name === 'main' ? entry.item : `${name}:${entry.item}`);
    misuses += q.stats().misuses;
  }
  const [, , mainDrain] = drains[0] ?? [];
  if (mainDrain === undefined) throw new Error('the main queue was not drained');
  const drainItems =
    mainDrain.state === 'rejected' && mainDrain.error instanceof DrainTimeoutError ? mainDrain.error.items.map(String) : [];
  return {
    scenario,
    leaked,
    drain: mainDrain.state,
    drainItems,
    run: run.state,
    ...(run.state === 'rejected' ? { runError: describeError(run.error) } : {}),
    gateReached,
    trace,
    misuses,
    doubleDones,
    retry,
  };
}
