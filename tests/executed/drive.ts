/**
 * Runs one fixture under one scenario against the reference queue, on a `FakeClock`: nothing here depends on the
 * machine's speed. Time moves only when the driver steps the clock, and "let the workers run" means "flush the
 * promise jobs" (a macrotask turn: every microtask queued so far, and every one those queue, has run).
 *
 * A run:
 * 1. a rate-limiting queue (exponential per-item backoff, 5 ms … 1 s) gets `default/web` then `default/db`
 *    (`default/web/extra` instead of `default/web` in `invalid-key`); in `retry-cap`, the limiter has already
 *    counted `maxRetries + 1` failures of the first key;
 * 2. the fixture's `run(deps)` starts; the driver flushes and steps the clock to each retry deadline, a bounded
 *    number of times;
 * 3. the queue (and every queue made with `deps.newQueue`) is shut down with `shutDownWithDrain({ timeoutMs })`;
 *    in `shutdown` this happens while `reconcile` is still working on the first key, which then completes;
 * 4. the clock steps past the drain timeout. An item is leaked if the drain rejected or `processing()` still
 *    lists it.
 */
import {
  DrainTimeoutError,
  FakeClock,
  ItemExponentialFailureRateLimiter,
  newRateLimitingQueue,
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
}

/** Lets the workers run: every promise job queued until now, and the jobs they queue, run before this resolves. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

export async function runScenario(fixture: FixtureModule, scenario: Scenario): Promise<ScenarioOutcome> {
  const clock = new FakeClock(1_000_000);
  const trace: string[] = [];
  const firstKey = scenario === 'invalid-key' ? INVALID_KEY : FAULT_KEY;
  const queues: Array<[string, RateLimitingQueue<string>]> = [];
  const makeQueue = (name: string): RateLimitingQueue<string> => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000);
    const q = newRateLimitingQueue<string>(limiter, { name, clock });
    if (name === 'main' && scenario === 'retry-cap') for (let i = 0; i <= MAX_RETRIES; i++) limiter.when(firstKey);
    queues.push([name, q]);
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
  for (let round = 0; round < RETRY_ROUNDS; round++) {
    await flush();
    const next = clock.nextDeadline();
    if (next === undefined) break;
    clock.setTime(next);
  }
  await flush();

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
  };
}
