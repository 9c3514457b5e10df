import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

import rule, { type MessageIds, type Options } from '../../rules/require-done.js';
import { invalidWithQueuePrelude, QUEUE_PRELUDE, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

const valid: (string | Valid)[] = [
  // A Node completion callback that marks the item done on every path.
  `
import { readFile } from 'node:fs';
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  readFile(String(item), (err, data) => {
    if (err) {
      q.done(item);
      return;
    }
    q.done(item);
  });
}`,
  // Done when the response finishes or is destroyed: 'close' follows both.
  `
import type { ServerResponse } from 'node:http';
async function serve(res: ServerResponse) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const finish = () => q.done(item);
  res.once('finish', finish);
  res.once('close', finish);
  res.end(String(item));
}`,
  // stream.finished calls back on finish, error and premature close alike.
  `
import { finished } from 'node:stream';
import type { ServerResponse } from 'node:http';
async function serve(res: ServerResponse) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  finished(res, () => q.done(item));
  res.end(String(item));
}`,
  // The Go idiom: defer Done right after the shutdown check, as a finally.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // Volcano's processResyncTask after the fix: the retry cap sits inside the try.
  `
class JobController {
  errTasks!: Queue<string>;
  maxRequeueNum = 10;
  async processResyncTask(): Promise<void> {
    const [obj, shutdown] = await this.errTasks.get();
    if (shutdown) return;
    try {
      if (this.errTasks.numRequeues(obj) > this.maxRequeueNum) {
        this.errTasks.forget(obj);
        return;
      }
      await work(obj);
      this.errTasks.forget(obj);
    } catch {
      this.errTasks.addRateLimited(obj);
    } finally {
      this.errTasks.done(obj);
    }
  }
}`,
  // Kubernetes-style processNextWorkItem returning whether to continue.
  `
async function processNextWorkItem(): Promise<boolean> {
  const [key, quit] = await q.get();
  if (quit) {
    return false;
  }
  try {
    await work(key);
    q.forget(key);
  } catch (err) {
    q.addRateLimited(key);
    log(err);
  } finally {
    q.done(key);
  }
  return true;
}`,
  // A catch that marks done and rethrows, plus a done after the try.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } catch (error) {
    q.done(item);
    throw error;
  }
  q.done(item);
}`,
  // if (!shutdown) { … } else { … }
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (!shutdown) {
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  } else {
    log('bye');
  }
}`,
  // Worker loops: for, while, do…while, with break/continue on shutdown and continue inside the try.
  `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    try {
      if (!check(item)) continue;
      await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
  `
async function run() {
  while (true) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
  `
async function run() {
  let running = true;
  do {
    const [item, shutdown] = await q.get();
    if (shutdown) {
      running = false;
      continue;
    }
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  } while (running);
}`,
  // for…of over a batch, one get per element.
  `
async function drainBatch(batch: number[]) {
  for (const _ of batch) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
  // The result kept whole: r[0] / r[1].
  `
async function worker() {
  const r = await q.get();
  if (r[1]) return;
  try {
    await work(r[0]);
  } finally {
    q.done(r[0]);
  }
}`,
  // Object-shaped results from a user's own queue.
  `
interface ObjQueue { get(): Promise<{ item: string; shutdown: boolean }>; done(item: string): void }
declare const oq: ObjQueue;
async function worker() {
  const { item, shutdown } = await oq.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    oq.done(item);
  }
}`,
  `
interface ObjQueue { get(): Promise<{ item: string; shutdown: boolean }>; done(item: string): void }
declare const oq: ObjQueue;
async function worker() {
  const r = await oq.get();
  if (r.shutdown) return;
  try {
    await work(r.item);
  } finally {
    oq.done(r.item);
  }
}`,
  // A shutdown test on the item itself.
  `
async function worker() {
  const [item] = await q.get();
  if (item === undefined) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // Nested try blocks and a switch inside the protected region.
  `
async function worker(kind: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    try {
      switch (kind) {
        case 1:
          await work(item);
          break;
        default:
          return;
      }
    } catch (error) {
      log(error);
    }
  } finally {
    q.done(item);
  }
}`,
  // Labelled break out of an inner loop, inside the protected region.
  `
async function worker(parts: string[][]) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    outer: for (const group of parts) {
      for (const part of group) {
        if (part === item) break outer;
        await work(part);
      }
    }
  } finally {
    q.done(item);
  }
}`,
  // promise.finally on an awaited or returned promise made by an async function (it rejects, never throws).
  `
async function handle(item: string) {
  await work(item);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await handle(item)
    .then(() => log('ok'))
    .finally(() => q.done(item));
}`,
  `
class Controller {
  async sync(item: string) {
    await work(item);
  }
  async worker(): Promise<void> {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    return this.sync(item).finally(() => {
      q.done(item);
    });
  }
}`,
  // An async generator that yields the item to a consumer who marks it done.
  `
async function* items() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    yield item;
  }
}`,
  // using with a disposable whose dispose marks done.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  using _lease = { [Symbol.dispose]: () => q.done(item) };
  await work(item);
}`,
  // Ownership transfer: return the item, the whole result, store it in a field, an array, a Map, a Set.
  `
async function take() {
  const [item, shutdown] = await q.get();
  if (shutdown) return undefined;
  return item;
}`,
  `
async function take() {
  const r = await q.get();
  return r;
}`,
  `
class Holder {
  current: string | undefined;
  pending: string[] = [];
  byKey = new Map<string, string>();
  seen = new Set<string>();
  async one() {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    this.current = item;
  }
  async two() {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    this.pending.push(item);
  }
  async three() {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    this.byKey.set('k', item);
  }
  async four() {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    this.seen.add(item);
  }
}`,
  // A helper in the same file that guarantees done for its parameter takes ownership.
  `
async function finish(queue: Queue<string>, key: string) {
  try {
    await work(key);
  } finally {
    queue.done(key);
  }
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await finish(q, item);
}`,
  `
class Controller {
  queue!: Queue<string>;
  async worker() {
    const [key, shutdown] = await this.queue.get();
    if (shutdown) return;
    await this.handle(key);
  }
  async handle(key: string) {
    try {
      await work(key);
    } finally {
      this.queue.done(key);
    }
  }
}`,
  // Nested functions are their own analysis: the arrow worker is correct, and a return inside a callback is not
  // a return of the worker.
  `
const worker = async () => {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    [1, 2].forEach((n) => {
      if (n > 1) return;
      sync(n);
    });
  } finally {
    q.done(item);
  }
};`,
  // Async generators: the finally also runs when the consumer stops.
  `
async function* items() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      yield await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
  // Two queues in one function, both protected.
  `
async function both() {
  const [a, stopA] = await q.get();
  if (stopA) return;
  try {
    const [b, stopB] = await other.get();
    if (stopB) return;
    try {
      await work([a, b]);
    } finally {
      other.done(b);
    }
  } finally {
    q.done(a);
  }
}`,
  // Not queues: Map#get takes a key; a get() on a type without done().
  `
declare const cache: Map<string, number>;
declare const store: { get(): number };
function lookup() {
  const value = cache.get('k');
  const n = store.get();
  return [value, n];
}`,
  // explicitThrowsOnly accepts the risk that calls throw.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await work(item);
  q.done(item);
}`,
    options: [{ explicitThrowsOnly: true }],
  },
  // The shutdown path of a flag spelled differently, and done in every branch of a switch.
  `
async function worker(mode: number) {
  const [item, stopping] = await q.get();
  if (stopping === true) return;
  switch (mode) {
    case 0:
      q.done(item);
      break;
    default:
      q.done(item);
  }
}`,
  // The key chosen by `??` written in the argument is the item wherever one was taken.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item ?? '-');
  }
}`,
  // A get made only when ready: where it did not run there is no tuple, and nothing to mark done.
  `
async function worker(ready: boolean) {
  const got = ready ? await q.get() : undefined;
  if (!got) return;
  const [item, shutdown] = got;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // The same tests against undefined or null, or through typeof: where the value is missing nothing was taken.
  `
async function worker(ready: boolean) {
  const got = ready ? await q.get() : undefined;
  if (typeof got === 'undefined') return;
  const [item, shutdown] = got;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  `
async function worker() {
  const got = await q.get();
  if (got == null) return;
  const [item, shutdown] = got;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // An invariant flag guards the get and the done alike: where the second test fails, nothing was taken.
  `
async function worker(flag: boolean) {
  let item;
  let shutdown;
  if (flag) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  if (flag) {
    q.done(item);
  }
}`,
  // A flag written twice, both times before the test around the get: from there on it holds its last write.
  `
async function worker(leader: boolean) {
  let take = false;
  if (leader) take = check(1);
  let item;
  let shutdown;
  if (take) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  if (take) {
    q.done(item);
  }
}`,
  // The same with a const flag and the get under \`!remote\`, the done in a finally.
  `
async function worker() {
  const remote = check(0);
  let item;
  let shutdown;
  if (!remote) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    if (!remote) q.done(item);
  }
}`,
];

const invalid: Invalid[] = [
  // The same get, with the done skipped by a throw.
  {
    code: `
async function worker(ready: boolean) {
  const got = ready ? await q.get() : undefined;
  if (!got) return;
  const [item, shutdown] = got;
  if (shutdown) return;
  await work(item);
  q.done(item);
}`,
    errors: [{ messageId: 'leakOnMayThrow', line: 7, column: 3, data: { acquire: 'q.get()', acquireLine: 3, line: 7, expression: 'await work(item)', release: 'q.done(item)', anchor: 'the shutdown check' } }],
  },
  // The test the wrong way round: it returns exactly when there is a tuple.
  {
    code: `
async function worker() {
  const got = await q.get();
  if (got !== undefined) return;
  q.done(got[0]);
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 4,
        column: 26,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const got = await q.get();
  try {
    if (got !== undefined) return;
  } finally {
    q.done(got[0]);
  }
}`,
          },
        ],
      },
    ],
  },
  // Volcano's processResyncTask before the fix: the retry cap returns before the try.
  {
    code: `
class JobController {
  errTasks!: Queue<string>;
  async processResyncTask(): Promise<void> {
    const [obj, shutdown] = await this.errTasks.get();
    if (shutdown) return;

    if (this.errTasks.numRequeues(obj) > 10) {
      this.errTasks.forget(obj);
      return;
    }
    try {
      await work(obj);
    } finally {
      this.errTasks.done(obj);
    }
  }
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 10,
        column: 7,
        endLine: 10,
        endColumn: 14,
        data: {
          acquire: 'this.errTasks.get()',
          acquireLine: 5,
          line: 10,
          release: 'this.errTasks.done(obj)',
          anchor: 'the shutdown check',
        },
        suggestions: [
          {
            messageId: 'moveIntoTry',
            output: `
class JobController {
  errTasks!: Queue<string>;
  async processResyncTask(): Promise<void> {
    const [obj, shutdown] = await this.errTasks.get();
    if (shutdown) return;

    try {
      if (this.errTasks.numRequeues(obj) > 10) {
        this.errTasks.forget(obj);
        return;
      }
      await work(obj);
    } finally {
      this.errTasks.done(obj);
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // No done at all: the item leaks when the function ends.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  // process it
  sync(item);
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 7,
        column: 1,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    // process it
    sync(item);
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // done after the work: a throwing call skips it. The fix moves the trailing done into the finally.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await work(item);
  q.done(item);
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        column: 3,
        endColumn: 19,
        data: { acquire: 'q.get()', acquireLine: 3, line: 5, expression: 'await work(item)', release: 'q.done(item)', anchor: 'the shutdown check' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // An explicit throw before the done.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (item.length === 0) throw new Error('empty');
  q.done(item);
}`,
    errors: [
      {
        messageId: 'leakOnThrow',
        line: 5,
        column: 26,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (item.length === 0) throw new Error('empty');
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // A throw outside the try: the try starts too late.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const parsed = JSON.parse(item);
  try {
    await work(parsed);
  } finally {
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        column: 18,
        data: { acquire: 'q.get()', acquireLine: 3, line: 5, expression: 'JSON.parse(item)', release: 'q.done(item)', anchor: 'the shutdown check' },
        suggestions: [
          {
            messageId: 'moveIntoTry',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    const parsed = JSON.parse(item);
    await work(parsed);
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // continue outside the try of a worker loop: the next get() orphans the item.
  {
    code: `
async function run() {
  while (true) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    if (item === 'skip') continue;
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
    errors: [{ messageId: 'leakOnContinue', line: 6, column: 26, suggestions: [{ messageId: 'moveIntoTry', output: `
async function run() {
  while (true) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    try {
      if (item === 'skip') continue;
      await work(item);
    } finally {
      q.done(item);
    }
  }
}` }] }],
  },
  // break out of the worker loop with the item held.
  {
    code: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    if (item === 'stop') break;
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'leakOnBreak',
        line: 6,
        column: 26,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    try {
      if (item === 'stop') break;
    } finally {
      q.done(item);
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // The end of an iteration with no done: the next get() orphans it.
  {
    code: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    q.add(item);
  }
}`,
    errors: [
      {
        messageId: 'leakAtIterationEnd',
        line: 7,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      q.add(item);
    } finally {
      q.done(item);
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // do…while and a labelled break from an inner loop past the done.
  {
    code: `
async function run() {
  outer: do {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    for (const part of item) {
      if (part === '!') break outer;
    }
    q.done(item);
  } while (check(q));
}`,
    errors: [
      {
        messageId: 'leakOnBreak',
        line: 7,
        column: 25,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function run() {
  outer: do {
    const [item, shutdown] = await q.get();
    if (shutdown) break;
    try {
      for (const part of item) {
        if (part === '!') break outer;
      }
    } finally {
      q.done(item);
    }
  } while (check(q));
}`,
          },
        ],
      },
    ],
  },
  // A return from a switch case.
  {
    code: `
async function worker(mode: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  switch (mode) {
    case 0:
      return;
    default:
      q.done(item);
  }
}`,
    errors: [{ messageId: 'leakOnReturn', line: 7, column: 7 }],
  },
  // A done inside `.then` runs only when the promise fulfils: the report is on the chain, and says so.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  work(item).then(() => q.done(item));
}`,
    errors: [{ messageId: 'leakOnRejection', line: 5, column: 3 }],
  },
  // The same with the handler a function declared below the chain (hoisted): it was a leak at the return instead.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  work(item).then(onDone);
  function onDone() {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'leakOnRejection', line: 5, column: 3 }],
  },
  // A call in the \`finally\` before its done: a rejection skips the done (a rejected \`work\` still reaches it).
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    await flush(item);
    q.done(item);
  }
}`,
    errors: [{ messageId: 'leakOnMayThrowInFinally', line: 8, column: 5, data: { acquire: 'q.get()', acquireLine: 3, line: 8, expression: 'await flush(item)' } }],
  },
  // A \`.catch\` that marks done only after a call that may throw: the report names that handler, not a missing one.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  work(item)
    .then(() => q.done(item))
    .catch((err) => {
      report(err);
      q.done(item);
    });
}`,
    errors: [{ messageId: 'leakOnRejectionHandler', line: 5, column: 3, data: { acquire: 'q.get()', acquireLine: 3, line: 5, handlerLine: 7 } }],
  },
  // An item marked done only when a response finishes: an aborted response emits 'close', never 'finish'.
  {
    code: `
import type { ServerResponse } from 'node:http';
async function serve(res: ServerResponse) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  res.on('finish', () => q.done(item));
  res.end(String(item));
}`,
    errors: [
      {
        messageId: 'leakUnlessFinished',
        line: 6,
        column: 3,
        data: { acquire: 'q.get()', acquireLine: 4, line: 6, release: 'q.done(item)', anchor: 'the shutdown check' },
        suggestions: [],
      },
    ],
  },
  // A done inside an iteration callback runs once per element: zero times for an empty list.
  {
    code: `
async function worker(parts: string[]) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  parts.forEach(() => q.done(item));
}`,
    errors: [{ messageId: 'leakReleaseInIteration', line: 6, column: 1, data: { acquire: 'q.get()', acquireLine: 3, line: 6, method: 'forEach', callbackLine: 5, release: 'q.done(item)', anchor: 'the shutdown check' } }],
  },
  // A Node completion callback runs once: its early \`return\` leaves the item not done, and is reported there.
  {
    code: `
import { readFile } from 'node:fs';
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  readFile(String(item), (err, data) => {
    if (err) return;
    q.done(item);
  });
}`,
    errors: [
      { messageId: 'leakOnCallbackReturn', line: 7, column: 14, data: { acquire: 'q.get()', acquireLine: 4, line: 7, callbackLine: 6, release: 'q.done(item)' }, suggestions: [] },
    ],
  },
  // Regression from the differential fuzzer (errbacks): a completion callback whose only done sits on a path it never
  // takes (the `catch` of a block that cannot throw) releases nothing: the item is still owed by the worker.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(item, (err) => {
    try {
      console.log(err);
    } catch {
      q.done(item);
    }
  });
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 12, column: 1, suggestions: [] }],
  },
  // Regression from the differential fuzzer (finishing helpers): a completion callback that marks done through a
  // destructuring helper (`settle({ queue: q, key: item })`) releases the item itself, so it is no hand-off, and a call
  // before the helper that may throw leaves the item owed, in the callback.
  {
    code: `
function settle({ queue, key }: { queue: typeof q; key: string }): void {
  queue.done(key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(item, (err) => {
    sync(item);
    settle({ queue: q, key: item });
  });
}`,
    errors: [{ messageId: 'leakOnCallbackMayThrow', line: 9, column: 5, suggestions: [] }],
  },
  // A timer callback that marks done only on some path.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  setTimeout(() => { if (check(item)) q.done(item); }, 0);
}`,
    errors: [{ messageId: 'leakAtCallbackEnd', line: 5, column: 53, data: { acquire: 'q.get()', acquireLine: 3, line: 5, callbackLine: 5, release: 'q.done(item)' } }],
  },
  // A conditional done in the finally.
  {
    code: `
async function worker(ok: boolean) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    if (ok) q.done(item);
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 10, column: 1 }],
  },
  // done on another queue, with another value, after the item variable was reassigned.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    other.done(item);
  }
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 10,
        column: 1,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    try {
      await work(item);
    } finally {
      other.done(item);
    }
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  {
    code: `
async function worker(key: string) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(key);
  }
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 10,
        column: 1,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker(key: string) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    try {
      await work(item);
    } finally {
      q.done(key);
    }
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  {
    code: `
async function worker() {
  let [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    item = item.trim();
    await work(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 11, column: 1 }],
  },
  // shutdown || other: the path where only the other condition holds leaks.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown || item.startsWith('#')) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'leakOnReturn', line: 4, column: 41 }],
  },
  // The strict view: a promise-returning function not declared async may throw before `.finally` is attached.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await work(item).finally(() => q.done(item));
}`,
    options: [{ promiseFunctionsMayThrow: true }],
    errors: [{ messageId: 'leakOnMayThrow', line: 5, column: 9, data: { acquire: 'q.get()', acquireLine: 3, line: 5, expression: 'work(item)', release: 'q.done(item)', anchor: 'the shutdown check' } }],
  },
  // A generator that yields the item and marks it done itself leaks when the consumer stops at the yield.
  {
    code: `
async function* items() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    yield item;
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'leakOnYield',
        line: 6,
        column: 5,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function* items() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      yield item;
    } finally {
      q.done(item);
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // A discarded get: the item can never be marked done.
  {
    code: `
async function skip() {
  await q.get();
}`,
    errors: [{ messageId: 'discardedGet', line: 3, column: 9, endColumn: 16, data: { acquire: 'q.get()' } }],
  },
  {
    code: `
async function skip() {
  const [, shutdown] = await q.get();
  return shutdown;
}`,
    errors: [{ messageId: 'discardedGet', line: 3, column: 30 }],
  },
  // Passing the item to an ordinary call is not a hand-off.
  {
    code: `
class Controller {
  queue!: Queue<string>;
  async worker() {
    const [key, shutdown] = await this.queue.get();
    if (shutdown) return;
    this.sync(key);
  }
  sync(key: string) {
    log(key);
  }
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 8,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
class Controller {
  queue!: Queue<string>;
  async worker() {
    const [key, shutdown] = await this.queue.get();
    if (shutdown) return;
    try {
      this.sync(key);
    } finally {
      this.queue.done(key);
    }
  }
  sync(key: string) {
    log(key);
  }
}`,
          },
        ],
      },
    ],
  },
  // A helper that does not guarantee done on every path takes nothing over.
  {
    code: `
async function finish(queue: Queue<string>, key: string) {
  await work(key);
  queue.done(key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await finish(q, item);
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 10, column: 1 }],
  },
  // An arrow-function worker is checked on its own.
  {
    code: `
const start = () => {
  const worker = async () => {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    if (!check(item)) return;
    q.done(item);
  };
  return worker;
};`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 6,
        column: 23,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
const start = () => {
  const worker = async () => {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      if (!check(item)) return;
    } finally {
      q.done(item);
    }
  };
  return worker;
};`,
          },
        ],
      },
    ],
  },
  // An async generator closed at a yield before the done.
  {
    code: `
async function* progress() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  yield 'started';
  q.done(item);
}`,
    errors: [
      {
        messageId: 'leakOnYield',
        line: 5,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function* progress() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    yield 'started';
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // A catch that swallows the error and forgets the done.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
    q.done(item);
  } catch (error) {
    log(error);
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 11, column: 1 }],
  },
  // With explicitThrowsOnly, explicit throws still count.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (!check(item)) throw new Error('bad');
  q.done(item);
}`,
    options: [{ explicitThrowsOnly: true }],
    errors: [
      {
        messageId: 'leakOnThrow',
        line: 5,
        column: 21,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (!check(item)) throw new Error('bad');
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // The flag is rewritten between the two tests: the second may disagree with the first, and the item leaks.
  {
    code: `
async function worker(flag: boolean) {
  let item;
  let shutdown;
  if (flag) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  flag = check(1);
  if (flag) {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 13, column: 1 }],
  },
  // Regression from the differential fuzzer (flags): inside a \`try\`, ESLint ends a segment at the \`!\` of
  // \`!shutdown\`; the test's refinement belongs to the segment that branches, not to that one edge (which dropped the
  // item on both branches).
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  try {
    if (!shutdown) {
      sync(item);
    }
  } catch (e) {
    q.done(item);
    return;
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 12, column: 1 }],
  },
];

// The throw model and the ownership model (issue 11): forms that hand the item on or cannot throw.
const modelValid: (string | Valid)[] = [
  // Registering a listener never throws: the try may begin after it.
  `
async function worker(socket: { on(event: string, fn: () => void): void; off(event: string, fn: () => void): void }) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const onClose = () => log('closed', item);
  socket.on('close', onClose);
  try { await work(item); } finally { socket.off('close', onClose); q.done(item); }
}`,
  // k8s-workqueue's lease: disposal marks the item done on every path.
  `
async function worker() {
  await using lease = await q.lease();
  if (lease.shutdown) return;
  await work(lease.item);
}`,
  // get({ signal }) is a get.
  `
async function worker(signal: AbortSignal) {
  const [item, shutdown] = await q.get({ signal });
  if (shutdown) return;
  try { await work(item); } finally { q.done(item); }
}`,
  // Calls that never throw between the shutdown check and the try.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  console.log('got', item, Date.now(), Math.max(1, 2));
  const started = performance.now();
  try { await work(item); } finally { q.done(item); }
  return started;
}`,
  // A Map used as a cache before the try: its methods never throw.
  `
const seen = new Map<string, number>();
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  seen.set(item, (seen.get(item) ?? 0) + 1);
  try { await work(item); } finally { q.done(item); }
}`,
  // A same-file helper whose body cannot throw.
  `
function note(x: unknown): void { console.log('item', x); }
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  note(item);
  try { await work(item); } finally { q.done(item); }
}`,
  // Both settlement handlers mark done.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await Promise.resolve(item).then(() => q.done(item), () => q.done(item));
}`,
  // .then(a).catch(b): both outcomes mark done.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  return Promise.resolve(item).then(() => { q.done(item); }).catch(() => { q.done(item); });
}`,
  // A timer callback marks the item done once, later.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  setTimeout(() => q.done(item), 0);
}`,
  // A listener takes ownership of the item.
  `
async function worker(emitter: { once(event: string, fn: () => void): void }) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  emitter.once('drained', () => q.done(item));
}`,
  // So does a releaser function declared below the registration that passes it (hoisted): it was a leak.
  `
async function worker(emitter: { once(event: string, fn: () => void): void }) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  emitter.once('drained', release);
  function release() {
    q.done(item);
  }
}`,
  // Both settlement handlers a function declared below the chain (hoisted): released on either outcome (an async
  // function of the file, so no synchronous throw comes first, untyped too).
  `
async function step(item: string) {
  await work(item);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await step(item).then(onDone, onDone);
  function onDone() {
    q.done(item);
  }
}`,
  // A returned object whose closure finishes the item: the caller owns it.
  `
async function take() {
  const [item, shutdown] = await q.get();
  if (shutdown) return undefined;
  return { item, finish: () => q.done(item) };
}`,
  // A closure stored in a field owns the item.
  `
class Worker {
  finish?: () => void;
  async take() {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    this.finish = () => q.done(item);
  }
}`,
  // A synchronous callback that runs once marks done on every path of its own.
  `
declare const storage: { run<R>(store: unknown, fn: () => R): R };
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  storage.run({}, () => {
    try { sync(item); } finally { q.done(item); }
  });
}`,
  // One queue, two references.
  `
class Controller {
  readonly queue = q;
  async worker() {
    const queue = this.queue;
    const [key, shutdown] = await queue.get();
    if (shutdown) return;
    try { await work(key); } finally { this.queue?.done(key); }
  }
}`,
  // A getter over the field is the same queue.
  `
class Controller {
  readonly #queue = q;
  get queue() { return this.#queue; }
  async worker() {
    const [key, shutdown] = await this.#queue.get();
    if (shutdown) return;
    try { await work(key); } finally { this.queue.done(key); }
  }
}`,
  // The next item fetched at the bottom of the loop.
  `
async function worker() {
  let [key, shutdown] = await q.get();
  while (!shutdown) {
    try { await work(key); } finally { q.done(key); }
    [key, shutdown] = await q.get();
  }
}`,
  // A finisher closure called in the finally.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const finish = () => q.done(item);
  try { await work(item); } finally { finish(); }
}`,
];

const modelInvalid: Invalid[] = [
  // A lease neither disposed nor done on the error path.
  {
    code: `
async function worker() {
  const lease = await q.lease();
  if (lease.shutdown) return;
  await work(lease.item);
  lease.done();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker() {
  const lease = await q.lease();
  if (lease.shutdown) return;
  try {
    await work(lease.item);
  } finally {
    lease.done();
  }
}`,
          },
        ],
      },
    ],
  },
  // get({ signal }) leaks like get().
  {
    code: `
async function worker(signal: AbortSignal) {
  const [item, shutdown] = await q.get({ signal });
  if (shutdown) return;
  if (check(item)) return;
  q.done(item);
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 5,
        column: 20,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker(signal: AbortSignal) {
  const [item, shutdown] = await q.get({ signal });
  if (shutdown) return;
  try {
    if (check(item)) return;
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // Each leaking exit gets its own report: fixing one still leaves the other.
  {
    code: `
async function worker(mode: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (mode === 1) return;
  if (mode === 2) throw new Error('bad');
  q.done(item);
}`,
    errors: [
      { messageId: 'leakOnReturn', line: 5, column: 19, suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function worker(mode: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (mode === 1) return;
    if (mode === 2) throw new Error('bad');
  } finally {
    q.done(item);
  }
}`,
          },
        ]  },
      { messageId: 'leakOnThrow', line: 6, column: 19, suggestions: [] },
    ],
  },
  // The next item at the bottom of the loop, orphaned when the body forgets it.
  {
    code: `
async function worker() {
  let [key, shutdown] = await q.get();
  while (!shutdown) {
    if (check(key)) q.done(key);
    [key, shutdown] = await q.get();
  }
}`,
    errors: [{ messageId: 'leakAtIterationEnd', line: 7, column: 3 }],
  },
  // A listener registered with a chain whose value goes elsewhere still leaks on the path before it.
  {
    code: `
async function worker(emitter: { once(event: string, fn: () => void): void }) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (check(item)) return;
  emitter.once('drained', () => q.done(item));
}`,
    errors: [{ messageId: 'leakOnReturn', line: 5, column: 20 }],
  },
];

typedTester.run('require-done (typed)', rule, {
  valid: [...valid, ...modelValid].map(validWithQueuePrelude),
  invalid: [...invalid, ...modelInvalid].map(invalidWithQueuePrelude),
});

// Without type information the rule works from receiver names; the same shapes give the same verdicts.
untypedTester.run('require-done (untyped)', rule, {
  valid: [...valid, ...modelValid].filter((test) => !(typeof test === 'string' ? test : test.code).includes('cache.get')),
  invalid: [...invalid, ...modelInvalid],
});

typedTester.run('require-done (typed only)', rule, {
  valid: [
    // Typed: helpers in another file of the program whose bodies cannot throw.
    `
import { Audit, note } from './helpers.js';
const audit = new Audit();
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  note(item);
  audit.record(item);
  try { await work(item); } finally { q.done(item); }
}${QUEUE_PRELUDE}`,
    // Typed: work() returns a promise, so it rejects rather than throws, and the .finally is always attached.
    `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  void work(item).finally(() => q.done(item));
}${QUEUE_PRELUDE}`,
    `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await work(item).finally(() => q.done(item));
}${QUEUE_PRELUDE}`,
    // Typed: a promise-returning call before the try does not throw.
    `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  void work('audit');
  try { await work(item); } finally { q.done(item); }
}${QUEUE_PRELUDE}`,
    // Typed: a receiver named like a queue but without done() is not a queue.
    `
declare const workQueue: { get(): number };
function f() {
  const n = workQueue.get();
  return n;
}`,
    // Typed: a queue named nothing like one is still found, and this one is correct.
    `
declare const backlog: Queue<string>;
async function worker() {
  const [item, shutdown] = await backlog.get();
  if (shutdown) return;
  try { await work(item); } finally { backlog.done(item); }
}${QUEUE_PRELUDE}`,
  ],
  invalid: [
    // Typed: a helper in another file that throws.
    {
      code: `
import { risky } from './helpers.js';
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  risky(item);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}${QUEUE_PRELUDE}`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: 'moveIntoTry',
              output: `
import { risky } from './helpers.js';
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    risky(item);
    await work(item);
  } finally {
    q.done(item);
  }
}${QUEUE_PRELUDE}`,
            },
          ],
        },
      ],
    },
    // Two queues in one function: only the unprotected one is reported (untyped, \`other\` is no queue name).
  {
    code: `
async function both() {
  const [a, stopA] = await q.get();
  if (stopA) return;
  try {
    const [b, stopB] = await other.get();
    if (stopB) return;
    await work([a, b]);
    other.done(b);
  } finally {
    q.done(a);
  }
}${QUEUE_PRELUDE}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 8,
        column: 5,
        data: { acquire: 'other.get()', acquireLine: 6, line: 8, expression: 'await work([a, b])', release: 'other.done(b)', anchor: 'the shutdown check' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
async function both() {
  const [a, stopA] = await q.get();
  if (stopA) return;
  try {
    const [b, stopB] = await other.get();
    if (stopB) return;
    try {
      await work([a, b]);
    } finally {
      other.done(b);
    }
  } finally {
    q.done(a);
  }
}${QUEUE_PRELUDE}`,
          },
        ],
      },
    ],
  },
    {
      code: `
declare const backlog: Queue<string>;
async function worker() {
  const [item, shutdown] = await backlog.get();
  if (shutdown) return;
  await work(item);
}${QUEUE_PRELUDE}`,
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 7,
          column: 1,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
declare const backlog: Queue<string>;
async function worker() {
  const [item, shutdown] = await backlog.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    backlog.done(item);
  }
}${QUEUE_PRELUDE}`,
            },
          ],
        },
      ],
    },
    // queueTypes names a type whose done() takes no argument, so the structural test would miss it.
    {
      code: `
interface Lease { get(): Promise<[string, boolean]>; done(item: string, requeue?: boolean): void }
declare const leases: Lease;
async function worker() {
  const [item, shutdown] = await leases.get();
  if (shutdown) return;
  await work(item);
}${QUEUE_PRELUDE}`,
      options: [{ queueTypes: [{ from: 'file', name: 'Lease' }] }],
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 8,
          column: 1,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
interface Lease { get(): Promise<[string, boolean]>; done(item: string, requeue?: boolean): void }
declare const leases: Lease;
async function worker() {
  const [item, shutdown] = await leases.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    leases.done(item);
  }
}${QUEUE_PRELUDE}`,
            },
          ],
        },
      ],
    },
  ],
});

untypedTester.run('require-done (untyped only)', rule, {
  valid: [
    // Untyped: a receiver merely named like a queue, in a file that calls no work-queue method: another kind of queue.
    `
class MessagePacker { async next() { return 1; } }
class Sender {
  _sendQueue = new MessagePacker();
  async loop() {
    const res = await this._sendQueue.get();
    if (!res) return;
    send(res);
  }
}`,
    // Untyped: a receiver named nothing like a queue is not one.
    `
async function f(store) {
  const [a, b] = await store.get();
  return a + b;
}`,
    // A custom name pattern.
    {
      code: `
async function f(inbox) {
  const [item, shutdown] = await inbox.get();
  if (shutdown) return;
  try { await work(item); } finally { inbox.done(item); }
}`,
      options: [{ untypedQueueNames: '^inbox$' }],
    },
  ],
  invalid: [
    // Untyped, work() may be any function: it may throw before the .finally is attached.
    {
      code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  void work(item).finally(() => q.done(item));
}`,
      errors: [{ messageId: 'leakOnMayThrow', line: 5, column: 8 }],
    },
    {
      code: `
async function f(inbox) {
  const [item, shutdown] = await inbox.get();
  if (shutdown) return;
  await work(item);
}`,
      options: [{ untypedQueueNames: '^inbox$' }],
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 6,
          column: 1,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
async function f(inbox) {
  const [item, shutdown] = await inbox.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    inbox.done(item);
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

// A logger's level method does not throw by default (docs/analysis.md); `loggersMayThrow: true` is the strict view of
// a sink that fails synchronously, which the executed fixture log-before-try drives (`log-throws`).
const LOG_BEFORE_TRY = `
async function worker(log: { info(message: string): void }) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  log.info(\`syncing \${item}\`);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;
const LOG_MOVED_INTO_TRY = LOG_BEFORE_TRY.replace('  log.info(`syncing ${item}`);\n  try {\n', '  try {\n    log.info(`syncing ${item}`);\n');
for (const [name, tester] of [
  ['typed', typedTester],
  ['untyped', untypedTester],
] as const) {
  tester.run(`require-done (${name}, logging calls)`, rule, {
    valid: [
      validWithQueuePrelude({ code: LOG_BEFORE_TRY }),
      validWithQueuePrelude({ code: LOG_BEFORE_TRY, settings: { workqueue: { loggersMayThrow: false } } }),
      // OpenTelemetry's diagnostic logger, as instrumentations hold it (`this._diag`).
      validWithQueuePrelude({ code: LOG_BEFORE_TRY.replace('(log:', '(_diag:').replace('log.info', '_diag.info') }),
    ],
    invalid: [
      invalidWithQueuePrelude({
        code: LOG_BEFORE_TRY,
        options: [{ loggersMayThrow: true }],
        errors: [
          {
            messageId: 'leakOnMayThrow',
            line: 5,
            column: 3,
            data: { acquire: 'q.get()', acquireLine: 3, line: 5, expression: 'log.info(`syncing ${item}`)', release: 'q.done(item)', anchor: 'the shutdown check' },
            suggestions: [{ messageId: 'moveIntoTry', output: LOG_MOVED_INTO_TRY }],
          },
        ],
      }),
      invalidWithQueuePrelude({
        code: LOG_BEFORE_TRY,
        settings: { workqueue: { loggersMayThrow: true } },
        errors: [{ messageId: 'leakOnMayThrow', line: 5, column: 3, suggestions: [{ messageId: 'moveIntoTry', output: LOG_MOVED_INTO_TRY }] }],
      }),
    ],
  });
}

// A same-file helper whose only throw point is inside a `try` with a `catch` cannot throw (docs/analysis.md, "what
// may throw"); one whose `catch` throws again, destructures what was thrown, or that has only a `finally`, can.
const caughtHelper = (catchClause: string): string => `
function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } ${catchClause}
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  parseOrNull(item);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;
const movedIntoTry = (code: string): string => code.replace('  parseOrNull(item);\n  try {\n', '  try {\n    parseOrNull(item);\n');
const leaksAtHelperCall = (catchClause: string) => {
  const code = caughtHelper(catchClause);
  const lines = code.split('\n');
  const line = lines.indexOf('  parseOrNull(item);') + 1;
  const acquireLine = lines.findIndex((text) => text.includes('await q.get()')) + 1;
  return invalidWithQueuePrelude({
    code,
    errors: [
      {
        messageId: 'leakOnMayThrow' as const,
        line,
        column: 3,
        data: { acquire: 'q.get()', acquireLine, line, expression: 'parseOrNull(item)', release: 'q.done(item)', anchor: 'the shutdown check' },
        suggestions: [{ messageId: 'moveIntoTry' as const, output: movedIntoTry(code) }],
      },
    ],
  });
};
for (const [name, tester] of [
  ['typed', typedTester],
  ['untyped', untypedTester],
] as const) {
  tester.run(`require-done (${name}, helpers that catch)`, rule, {
    valid: [
      validWithQueuePrelude({ code: caughtHelper('catch {\n    return null;\n  }') }),
      validWithQueuePrelude({ code: caughtHelper('catch (error) {\n    console.error(error);\n    return null;\n  }') }),
      validWithQueuePrelude({ code: caughtHelper('catch (error) {\n    return null;\n  } finally {\n    console.log("parsed");\n  }') }),
    ],
    invalid: [
      leaksAtHelperCall('catch (error) {\n    throw new Error(`not JSON: ${String(error)}`);\n  }'),
      leaksAtHelperCall('catch ({ message }) {\n    return message;\n  }'),
      leaksAtHelperCall('finally {\n    console.log("parsed");\n  }'),
      leaksAtHelperCall('catch {\n    return null;\n  } finally {\n    JSON.parse("{");\n  }'),
    ],
  });
}

// Typed, the same question for helpers in another file of the program (tests/rules/fixture/helpers.ts).
const IMPORTED_PARSE = (helper: string): string => `
import { ${helper} } from './helpers.js';
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  ${helper}(item);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;
typedTester.run('require-done (typed, imported helpers that catch)', rule, {
  valid: [validWithQueuePrelude({ code: IMPORTED_PARSE('parseOrNull') })],
  invalid: [
    invalidWithQueuePrelude({
      code: IMPORTED_PARSE('parseOrExplain'),
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: 'moveIntoTry',
              output: IMPORTED_PARSE('parseOrExplain').replace('  parseOrExplain(item);\n  try {\n', '  try {\n    parseOrExplain(item);\n'),
            },
          ],
        },
      ],
    }),
  ],
});

// A segment's enclosing `catch` is the recorder's (the clauses open where the segment starts, up to the nearest
// function): a worker written inside a catch body is judged on its own paths, not as a catch entered sideways.
untypedTester.run('require-done (a worker inside a catch body)', rule, {
  valid: [],
  invalid: [
    {
      code: `
function setup() {
  try {
    start();
  } catch (error) {
    const retry = async () => {
      const [item, shutdown] = await q.get();
      if (shutdown) return;
      if (check(item)) return;
      q.done(item);
    };
    void retry();
  }
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 9,
          column: 24,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
function setup() {
  try {
    start();
  } catch (error) {
    const retry = async () => {
      const [item, shutdown] = await q.get();
      if (shutdown) return;
      try {
        if (check(item)) return;
      } finally {
        q.done(item);
      }
    };
    void retry();
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

// An item taken in a catch body of the worker itself: the catch is entered by an exception thrown while nothing was
// held, which the solver routes nowhere, so the body is analysed from its own entry (solver.ts seedCatchAcquires).
untypedTester.run('require-done (an item taken in a catch body)', rule, {
  valid: [
    `
async function recover() {
  try {
    await work();
  } catch (error) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      if (check(item)) return;
    } finally {
      q.done(item);
    }
  }
}`,
    // The try cannot throw, so ESLint never enters the catch: nothing in it is judged.
    `
async function neverThrows() {
  try {
    let x = 1;
  } catch (error) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    if (check(item)) return;
    q.done(item);
  }
}`,
  ],
  invalid: [
    {
      code: `
async function recover() {
  try {
    await work();
  } catch (error) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    if (check(item)) return;
    q.done(item);
  }
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 8,
          column: 22,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
async function recover() {
  try {
    await work();
  } catch (error) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      if (check(item)) return;
    } finally {
      q.done(item);
    }
  }
}`,
            },
          ],
        },
      ],
    },
    {
      code: `
async function recover() {
  try {
    await work();
  } catch {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
  }
}`,
      errors: [{ messageId: 'leakAtFunctionEnd', line: 9, column: 1 }],
    },
  ],
});
