// The one test file on the real clock: it checks that shutting queues down
// leaves no Node timer behind, so a process that shut its queues down exits
// on its own. It waits for real timers only where the outcome does not depend
// on the machine's speed (it waits *until* something happens).
import { describe, expect, it } from 'vitest';
import {
  ItemExponentialFailureRateLimiter,
  newDelayingQueue,
  newQueue,
  newRateLimitingQueue,
  realClock,
  type MetricsProvider,
} from '../../src/queue/index.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const countingProvider = (): MetricsProvider => {
  const m = { inc() {}, dec() {}, set() {}, observe() {} };
  return {
    newDepthMetric: () => m,
    newAddsMetric: () => m,
    newLatencyMetric: () => m,
    newWorkDurationMetric: () => m,
    newUnfinishedWorkSecondsMetric: () => m,
    newLongestRunningProcessorSecondsMetric: () => m,
    newRetriesMetric: () => m,
  };
};

describe('real clock', () => {
  it('leaves no timer running once every queue is shut down', async () => {
    const before = timers();

    const metricsProvider = countingProvider();
    const plain = newQueue<string>({ name: 'plain', metricsProvider }); // metrics tick
    const delaying = newDelayingQueue<string>({ name: 'delaying', metricsProvider });
    const limited = newRateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(60_000, 60_000), {
      name: 'limited',
      metricsProvider,
    });

    delaying.addAfter('in-a-minute', 60_000);
    limited.addRateLimited('in-a-minute-too');
    // A delayed add that really fires.
    delaying.addAfter('soon', 5);
    const [soon, shutdown] = await delaying.get();
    expect(shutdown).toBe(false);
    expect(soon).toBe('soon');

    plain.add('work');
    const [work] = await plain.get();
    const drained = plain.shutDownWithDrain({ timeoutMs: 60_000 }); // drain timer while "work" runs

    expect(timers()).toBeGreaterThan(before);

    delaying.done('soon');
    delaying.shutDown();
    limited.shutDown();
    plain.done(work as string);
    await drained;

    expect(timers()).toBe(before);
  });

  it('chains delays beyond the 2^31-1 ms Node limit instead of firing at once', async () => {
    const before = timers();
    let fired = false;
    const h = realClock.setTimeout(() => {
      fired = true;
    }, 2 ** 31 + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    expect(timers()).toBe(before + 1);
    realClock.clearTimeout(h);
    realClock.clearTimeout(h);
    expect(timers()).toBe(before);

    // Issue 16: Infinity armed no Node timer at all, so nothing kept the process alive.
    const inf = realClock.setTimeout(() => {
      fired = true;
    }, Infinity);
    expect(timers()).toBe(before + 1); // armed (a chain of 2^31-1 ms timers), never fires
    realClock.clearTimeout(inf);
    expect(timers()).toBe(before);
    expect(() => realClock.setTimeout(() => undefined, NaN)).toThrow(new RangeError('realClock.setTimeout: ms must not be NaN'));
    expect(() => realClock.setTimeout(undefined as never, 5)).toThrow(TypeError);
    expect(timers()).toBe(before);
    expect(fired).toBe(false);
  });

  it('now() is monotonic and in epoch milliseconds', () => {
    const a = realClock.now();
    const b = realClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(60_000);
  });
});
