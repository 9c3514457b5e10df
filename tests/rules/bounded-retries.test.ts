import rule from '../../rules/bounded-retries.js';
import { invalidWithQueuePrelude, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

const valid = [
  // The count read into a const, compared with a cap, forgotten on the give-up branch.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const retries = q.numRequeues(item);
  if (retries >= 5) {
    q.forget(item);
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
  // Volcano's pattern after the fix: cap, forget, give up; re-queue below the cap.
  `
async function processResyncTask(maxRequeueNum: number) {
  const [obj, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (q.numRequeues(obj) > maxRequeueNum) {
      q.forget(obj);
      return;
    }
    await work(obj);
    q.forget(obj);
  } catch {
    q.addRateLimited(obj);
  } finally {
    q.done(obj);
  }
}`,
  // Kubernetes' handleErr: re-queue below the cap, forget past it.
  `
class Controller {
  config = { maxRetries: 5 };
  async handleErr(err: unknown, key: string) {
    if (!err) {
      q.forget(key);
      return;
    }
  }
  async processNextWorkItem() {
    const [key, quit] = await q.get();
    if (quit) return false;
    try {
      await work(key);
      q.forget(key);
    } catch {
      if (q.numRequeues(key) < this.config.maxRetries) {
        q.addRateLimited(key);
        return true;
      }
      q.forget(key);
    } finally {
      q.done(key);
    }
    return true;
  }
}`,
  // A literal cap, written the other way round.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } catch {
    if (15 <= q.numRequeues(item)) {
      q.forget(item);
    } else {
      q.addRateLimited(item);
    }
  } finally {
    q.done(item);
  }
}`,
];

valid.push(
  // A callback that checks the cap itself.
  `
async function worker(maxRetries: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  work(item).catch(() => {
    if (q.numRequeues(item) >= maxRetries) {
      q.forget(item);
      return;
    }
    q.addRateLimited(item);
  });
  q.done(item);
}`,
  // A helper that checks the cap itself.
  `
class Controller {
  maxRetries = 5;
  async worker() {
    const [key, shutdown] = await q.get();
    if (shutdown) return;
    try {
      await work(key);
    } catch {
      this.requeue(key);
    } finally {
      q.done(key);
    }
  }
  requeue(key: string) {
    if (q.numRequeues(key) < this.maxRetries) {
      q.addRateLimited(key);
      return;
    }
    q.forget(key);
  }
}`,
);

const invalid = [
  // A re-queue in a callback of the worker, with no cap on the path that created it.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  work(item)
    .then(() => q.forget(item))
    .catch(() => q.addRateLimited(item));
  q.done(item);
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 7, column: 18 }],
  },
  // A same-file helper that re-queues with no cap of its own.
  {
    code: `
class Controller {
  async worker() {
    const [key, shutdown] = await q.get();
    if (shutdown) return;
    try {
      await work(key);
    } catch {
      this.requeue(key);
    } finally {
      q.done(key);
    }
  }
  requeue(key: string) {
    log('retrying', key);
    q.addRateLimited(key);
  }
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 16, column: 5 }],
  },
  // A threshold that only decides whether to log is no cap: the item is re-queued either way.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } catch {
    if (q.numRequeues(item) > 5) {
      log('still failing', item);
    }
    q.addRateLimited(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 11, column: 5 }],
  },
  // No cap at all: a poison item is retried forever.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
    q.forget(item);
  } catch {
    q.addRateLimited(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'unboundedRetry' as const,
        line: 9,
        column: 5,
        data: { call: 'q.addRateLimited(item)', acquireLine: 3, queue: 'q', item: 'item' },
      },
    ],
  },
  // The cap is checked on one path only.
  {
    code: `
async function worker(strict: boolean) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (strict && q.numRequeues(item) > 3) {
    q.forget(item);
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 10, column: 3 }],
  },
  // Compared with something that is not a cap.
  {
    code: `
async function worker(limit: () => number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (q.numRequeues(item) > limit()) {
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 9, column: 3 }],
  },
  // The count read into a const before the comparison is a cap; its give-up branch must still forget.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const retries = q.numRequeues(item);
  if (retries >= 5) {
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
    errors: [
      {
        messageId: 'missingForget' as const,
        line: 7,
        column: 5,
        data: { comparison: 'retries >= 5', queue: 'q', item: 'item' },
        suggestions: [
          {
            messageId: 'addForget' as const,
            data: { queue: 'q', item: 'item' },
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const retries = q.numRequeues(item);
  if (retries >= 5) {
    q.forget(item);
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
          },
        ],
      },
    ],
  },
  // The give-up branch forgets nothing: the limiter keeps the item's failures forever.
  {
    code: `
async function worker(maxRetries: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (q.numRequeues(item) >= maxRetries) {
    log('dropping', item);
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
    errors: [
      {
        // On the give-up branch, where the forget goes.
        messageId: 'missingForget' as const,
        line: 6,
        column: 5,
        endColumn: 27,
        data: { comparison: 'q.numRequeues(item) >= maxRetries', queue: 'q', item: 'item' },
        suggestions: [
          {
            messageId: 'addForget' as const,
            data: { queue: 'q', item: 'item' },
            output: `
async function worker(maxRetries: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (q.numRequeues(item) >= maxRetries) {
    q.forget(item);
    log('dropping', item);
    q.done(item);
    return;
  }
  q.addRateLimited(item);
  q.done(item);
}`,
          },
        ],
      },
    ],
  },
  // A file with no re-queue at all still gets the forget check (the dataflow is skipped there: nothing can reach a
  // checkpoint).
  {
    code: `
async function worker(maxRetries: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (q.numRequeues(item) >= maxRetries) {
    q.done(item);
    return;
  }
  await work(item);
  q.done(item);
}`,
    errors: [
      {
        messageId: 'missingForget' as const,
        line: 6,
        column: 5,
        suggestions: [
          {
            messageId: 'addForget' as const,
            data: { queue: 'q', item: 'item' },
            output: `
async function worker(maxRetries: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (q.numRequeues(item) >= maxRetries) {
    q.forget(item);
    q.done(item);
    return;
  }
  await work(item);
  q.done(item);
}`,
          },
        ],
      },
    ],
  },
  // Three workers in one class: one takes an item and never re-queues (not solved), one re-queues through the helper
  // after its cap check (released: nothing to report), one re-queues through it from a callback with no cap. Only
  // the last is reported, at the helper's re-queue.
  {
    code: `
class Controller {
  async drain() {
    const [key, shutdown] = await q.get();
    if (shutdown) return;
    try {
      other.add(key);
    } finally {
      q.done(key);
    }
  }
  async worker() {
    const [key, shutdown] = await q.get();
    if (shutdown) return;
    if (q.numRequeues(key) > 5) {
      q.forget(key);
      q.done(key);
      return;
    }
    this.requeue(key);
    q.done(key);
  }
  async retryLater() {
    const [key, shutdown] = await q.get();
    if (shutdown) return;
    await work(key).catch(() => this.requeue(key));
    q.done(key);
  }
  requeue(key: string) {
    log('retrying', key);
    q.addRateLimited(key);
  }
}`,
    errors: [{ messageId: 'unboundedRetry' as const, line: 31, column: 5, data: { call: 'q.addRateLimited(key)', acquireLine: 24, queue: 'q', item: 'key' } }],
  },
];

typedTester.run('bounded-retries (typed)', rule, {
  valid: valid.map(validWithQueuePrelude),
  invalid: invalid.map(invalidWithQueuePrelude),
});

untypedTester.run('bounded-retries (untyped)', rule, { valid, invalid });
