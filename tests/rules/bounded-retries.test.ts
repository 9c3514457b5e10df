import rule from '../../rules/bounded-retries.js';
import { QUEUE_PRELUDE, typedTester, untypedTester } from './tester.js';

const valid = [
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

const invalid = [
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
        messageId: 'missingForget' as const,
        line: 5,
        column: 7,
        endColumn: 40,
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
];

typedTester.run('bounded-retries (typed)', rule, {
  valid: valid.map((code) => code + QUEUE_PRELUDE),
  invalid: invalid.map((test) => ({
    ...test,
    code: test.code + QUEUE_PRELUDE,
    errors: test.errors.map((error) => ({
      ...error,
      ...('suggestions' in error
        ? { suggestions: error.suggestions.map((suggestion) => ({ ...suggestion, output: suggestion.output + QUEUE_PRELUDE })) }
        : {}),
    })),
  })),
});

untypedTester.run('bounded-retries (untyped)', rule, { valid, invalid });
