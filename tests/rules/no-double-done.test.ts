import rule from '../../rules/no-double-done.js';
import { invalidWithQueuePrelude, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

const valid = [
  // A release-once closure called twice: the second call returns at once.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  let released = false;
  const finish = () => {
    if (released) return;
    released = true;
    q.done(item);
  };
  try {
    await work(item);
    finish();
  } finally {
    finish();
  }
}`,
  // Two listeners, only one of which fires: a hand-off, not two dones.
  `
async function worker(stream: { once(event: string, fn: () => void): void }) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  stream.once('end', () => q.done(key));
  stream.once('error', () => q.done(key));
}`,
  // Listeners whose events do not both fire, or that cannot both run: one marks done at most.
  `
type Stream = { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
async function releaseOnceOnFinishOrClose(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  let marked = false;
  const markDone = () => {
    if (marked) return;
    marked = true;
    q.done(key);
  };
  stream.once('finish', markDone);
  stream.once('close', markDone);
}
async function eachRemovesTheOther(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const onEnd = () => {
    stream.removeListener('close', onClose);
    q.done(key);
  };
  const onClose = () => {
    stream.removeListener('end', onEnd);
    q.done(key);
  };
  stream.once('end', onEnd);
  stream.once('close', onClose);
}
async function twoEmitters(a: Stream, b: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  a.once('end', () => q.done(key));
  b.once('end', () => q.done(key));
}
async function exclusiveBranches(stream: Stream, ok: boolean) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  if (ok) stream.once('end', () => q.done(key));
  else stream.once('end', () => q.done(key));
}
async function finishOrError(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  stream.once('finish', () => q.done(key));
  stream.once('error', () => q.done(key));
}
async function alternativesInALoop(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  for (const event of ['end', 'error']) stream.once(event, () => q.done(key));
}`,
  // A listener another one takes off in an emit before its own: where the stream finishes, the 'finish' listener
  // removes the 'close' one before 'close' comes, and a stream closed without finishing runs the 'close' one only.
  `
type Stream = { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
async function removedBeforeClose(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const onClose = () => q.done(key);
  stream.once('close', onClose);
  stream.once('finish', () => q.done(key));
  stream.once('finish', () => stream.removeListener('close', onClose));
}`,
  // Shapes that cannot be judged: emitters the analysis cannot name, events from a variable that is no literal list.
  `
type Stream = { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
declare function open(): Stream;
async function unknownEmitter() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const first = () => q.done(key);
  open().once('end', first);
  open().once('close', () => open().removeListener('end', first));
  open().once('end', () => q.done(key));
}
async function eventFromAParameter(stream: Stream, event: string) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const first = () => q.done(key);
  stream.once(event, first);
  stream.once('close', () => stream.removeListener(event, first));
  stream.once('end', () => q.done(key));
}
async function eventsFromAParameter(stream: Stream, events: string[]) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  for (const event of events) stream.once(event, () => q.done(key));
  stream.once('close', () => q.done(key));
}`,
  // Regression from the differential fuzzer (errbacks): the callback's done sits after a \`try\` that always returns,
  // on no path it takes: it never marks done, so it is no second done after the first.
  `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  q.done(key);
  fetchObject(key, (err) => {
    try {
      return;
    } catch {
      console.log(err);
    }
    q.done(key);
  });
}`,
  // A completion callback that marks done once on each of its paths.
  `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(key, (err) => {
    if (err) {
      q.done(key);
      return;
    }
    q.done(key);
  });
}`,
  // One done in the finally.
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
  // A catch that marks done rethrows, so the done after the try runs only on the other path.
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
  // Exclusive branches.
  `
async function worker(ok: boolean) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (ok) {
    q.done(item);
  } else {
    q.addRateLimited(item);
    q.done(item);
  }
}`,
  // A worker loop: every iteration takes a new item.
  `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      await work(item);
    } finally {
      q.done(item);
    }
  }
}`,
  // Two items, one done each.
  `
async function both() {
  const [a, stopA] = await q.get();
  if (stopA) return;
  const [b, stopB] = await q.get();
  if (stopB) {
    q.done(a);
    return;
  }
  q.done(a);
  q.done(b);
}`,
  // Regressions from the differential fuzzer (tests/fuzz/regressions.test.ts), each the only done on its paths:
  // a loop that breaks after its done, inside a finally entered by a throw;
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    throw new Error('x');
  } finally {
    for (const part of [1, 2]) {
      q.done(item);
      break;
    }
  }
}`,
  // a break in a finally that replaces the pending continue;
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  while (check(item)) {
    try {
      q.done(item);
      continue;
    } finally {
      break;
    }
  }
}`,
  // Regression from the differential fuzzer (finishing helpers): a helper that destructures what it is given marks
  // the item done and cannot throw, so its call is no throw point after the done: the catch's done is the only one.
  `
function settle({ queue, key }: { queue: typeof q; key: string }): void {
  queue.done(key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    settle({ queue: q, key: item });
  } catch {
    q.done(item);
  }
}`,
  // The same with a helper given the item only: the queue's release of its parameter is no throw point in it.
  `
function finish(key: string): void {
  q.done(key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    finish(item);
  } catch {
    q.done(item);
  }
}`,
  // a nested try/catch before a break, with a finally that breaks.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  while (check(item)) {
    try {
      try {
        q.done(item);
      } catch {}
      break;
    } finally {
      break;
    }
  }
}`,
  // An invariant flag guards the get: the done under \`!flag\` runs only where nothing was taken.
  `
async function worker(flag: boolean) {
  let item;
  let shutdown;
  if (flag) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  q.done(item);
  if (!flag) {
    q.done(item);
  }
}`,
  // A completion callback with two releases registered only where the flag found nothing taken: it doubles nothing
  // (its own second done was reported because another of its captures, one the worker holds from its entry through
  // its queue parameter, was held there: fuzz seed 1799981088, run #777).
  `
function settle({ queue, key }: { queue: Queue<string>; key: string }): void { queue.done(key); }
declare function fetchObject(x: unknown, callback: (err: Error | null) => void): void;
async function worker(q: Queue<string>, flag: boolean) {
  let item;
  let shutdown;
  if (flag) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  if (flag) {
    q.done(item);
    return;
  }
  fetchObject(item, (err) => {
    settle({ queue: q, key: item });
    if (!err) q.done(item);
  });
}`,
];

const invalid = [
  // A same-file helper that marks the item done on some path, then the finally marks it done again.
  {
    code: `
function finish(key: string) {
  q.forget(key);
  q.done(key);
}
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(key);
    finish(key);
  } finally {
    q.done(key);
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 13, column: 5 }],
  },
  // Regression from the differential fuzzer (finishing helpers): a completion callback whose done is a destructuring
  // helper's (`settle({ queue: q, key: item })`) releases the item itself, so it is no hand-off: the done after it is
  // a second one.
  {
    code: `
function settle({ queue, key }: { queue: typeof q; key: string }): void {
  queue.done(key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(item, (err) => {
    settle({ queue: q, key: item });
  });
  q.done(item);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 11, column: 3 }],
  },
  // The key chosen by `??` in the argument is the item: a done, and the one after it a second.
  {
    code: `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  q.done(key ?? '-');
  q.done(key);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 6, column: 3 }],
  },
  // A timer that marks done later, and a done now.
  {
    code: `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  setTimeout(() => q.done(key), 10);
  q.done(key);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 6, column: 3 }],
  },
  // Regression from the differential fuzzer (errbacks): a callback run once that marks done twice on one of its own
  // paths does so whenever it runs. So does any closure: two on one path are two, however often it is called.
  {
    code: `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(key, (err) => {
    try {
      q.done(key);
      if (err) q.done(key);
    } catch {}
  });
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 8, column: 16 }],
  },
  {
    code: `
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  setTimeout(() => {
    q.done(key);
    q.done(key);
  }, 0);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 7, column: 5 }],
  },
  // Regression from the differential fuzzer (seed 7 #518, typed seed 3): a callback whose only dones are a same-file
  // helper's marks the item done twice when it calls the helper twice on one path (directly, or through a helper that
  // passes both on). Its doubles were never looked for: only closures with a release call of their own were solved.
  {
    code: `
function finish(queue: typeof q, key: string): void {
  queue.done(key);
}
function relay(queue: typeof q, key: string): void {
  finish(queue, key);
}
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  fetchObject(item, (err) => {
    try {
      relay(q, item);
    } catch (e) {
      finish(q, item);
    }
    relay(q, item);
  });
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 17, column: 5 }],
  },
  {
    code: `
function finish(queue: typeof q, key: string): void {
  queue.done(key);
}
async function worker() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    fetchObject(item, (err) => {
      finish(q, item);
      if (err) {
        finish(q, item);
      }
    });
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 12, column: 9 }],
  },
  {
    code: `
function finish(queue: typeof q, key: string): void {
  queue.done(key);
}
async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  setTimeout(() => {
    finish(q, key);
    finish(q, key);
  }, 0);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 10, column: 5 }],
  },
  // Regression from the differential fuzzer: a finally entered by continue, whose catch leaves through a nested
  // try/finally that marks done, and whose own finally marks done again.
  {
    code: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      continue;
    } finally {
      try {
        q.forget(item);
      } catch {
        try {
          continue;
        } finally {
          q.done(item);
        }
      } finally {
        q.done(item);
      }
    }
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 18, column: 9 }],
  },
  // Regression from the differential fuzzer: inside a finally entered by continue, a switch whose case continues
  // and whose no-match path marks done a second time.
  {
    code: `
async function run(kind: () => number) {
  while (true) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      continue;
    } finally {
      q.done(item);
      if (check(item)) {
        switch (kind()) {
          case 1:
            continue;
        }
        q.done(item);
      }
    }
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 15, column: 9 }],
  },
  // Regression from the differential fuzzer: a continue in a loop inside a finally entered only by return.
  {
    code: `
async function run() {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    try {
      return;
    } finally {
      while (check(item)) {
        try {
          throw new Error('x');
        } finally {
          q.done(item);
          continue;
        }
      }
      q.done(item);
    }
  }
}`,
    // Line 13 again on the loop's second iteration, and line 17 after the loop.
    errors: [
      { messageId: 'doubleDone' as const, line: 13, column: 11 },
      { messageId: 'doubleDone' as const, line: 17, column: 7 },
    ],
  },
  // done in the catch, and again in the finally: client-go re-queues a dirty item twice.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } catch {
    q.done(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'doubleDone' as const,
        line: 10,
        column: 5,
        endLine: 10,
        endColumn: 17,
        data: { acquire: 'q.get()', acquireLine: 3, release: 'q.done(item)' },
      },
    ],
  },
  // done before an early return, and again in the finally.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (!check(item)) {
      q.done(item);
      return;
    }
    await work(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 12, column: 5 }],
  },
  // Two listeners for one event: when 'end' comes both run, and the second marks the item done again.
  {
    code: `
async function worker(stream: { once(event: string, fn: () => void): void }) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  stream.once('end', () => q.done(key));
  stream.once('end', () => q.done(key));
}`,
    errors: [{ messageId: 'doubleDoneListeners' as const, line: 6, column: 3, data: { acquire: 'q.get()', acquireLine: 3, pairing: `\`stream.once('end', …)\` on line 5 also marks it done, and both run when 'end' comes` } }],
  },
  // Regression from the differential fuzzer (seed 5): two 'end' listeners, each removed by a 'close' listener. A
  // stream destroyed first runs neither; one that ends runs both.
  {
    code: `
async function worker(stream: { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void }) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const first = () => q.done(key);
  stream.once('end', first);
  stream.once('close', () => stream.removeListener('end', first));
  const second = () => q.done(key);
  stream.once('end', second);
  stream.once('close', () => stream.removeListener('end', second));
}`,
    errors: [{ messageId: 'doubleDoneListeners' as const, line: 9, column: 3, data: { acquire: 'q.get()', acquireLine: 3, pairing: `\`stream.once('end', …)\` on line 6 also marks it done, and both run when 'end' comes` } }],
  },
  // A stream emits 'close' after 'end' (and after 'finish' or 'error'): both listeners run, in whichever form.
  {
    code: `
type Stream = { once(event: string, fn: () => void): void };
async function endThenClose(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  stream.once('end', () => q.done(key));
  stream.once('close', () => q.done(key));
}
async function oneListenerForFinishAndClose(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const markDone = () => q.done(key);
  stream.once('finish', markDone);
  stream.once('close', markDone);
}
async function errorAndCloseInALoop(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  for (const event of ['error', 'close']) stream.once(event, () => q.done(key));
}
async function oneListenerPerPart(stream: Stream, parts: string[]) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  for (const part of parts) {
    sync(part);
    stream.once('end', () => q.done(key));
  }
}`,
    errors: [
      { messageId: 'doubleDoneListeners' as const, line: 7, column: 3, data: { acquire: 'q.get()', acquireLine: 4, pairing: `\`stream.once('end', …)\` on line 6 also marks it done, and 'close' fires after 'end'` } },
      { messageId: 'doubleDoneListeners' as const, line: 14, column: 3, data: { acquire: 'q.get()', acquireLine: 10, pairing: `\`stream.once('finish', …)\` on line 13 also marks it done, and 'close' fires after 'finish'` } },
      { messageId: 'doubleDoneListeners' as const, line: 19, column: 43, data: { acquire: 'q.get()', acquireLine: 17, pairing: `Each pass of the loop adds another \`stream.once(event, …)\` listener that marks it done, and 'close' fires after 'error'` } },
      { messageId: 'doubleDoneListeners' as const, line: 26, column: 5, data: { acquire: 'q.get()', acquireLine: 22, pairing: `Each pass of the loop adds another \`stream.once('end', …)\` listener that marks it done, and all of them run when 'end' comes` } },
    ],
  },
  // A plain done first, then two removable 'end' listeners: when the stream ends, the first listener's done is a second
  // one (client-go's contract is exactly once, even where its second Done of an item not processing does nothing), and
  // so is the second listener's — already after the plain done, whichever listener came before it.
  {
    code: `
type Stream = { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
async function doneThenTwoRemovable(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  q.done(key);
  const first = () => q.done(key);
  stream.once('end', first);
  stream.once('close', () => stream.removeListener('end', first));
  const second = () => q.done(key);
  stream.once('end', second);
  stream.once('close', () => stream.removeListener('end', second));
}
async function doneOnOnePath(stream: Stream, skip: boolean) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  if (skip) q.done(key);
  const first = () => q.done(key);
  stream.once('end', first);
  stream.once('close', () => stream.removeListener('end', first));
  const second = () => q.done(key);
  stream.once('end', second);
  stream.once('close', () => stream.removeListener('end', second));
}`,
    errors: [
      { messageId: 'doubleDone' as const, line: 8, column: 3, data: { acquire: 'q.get()', acquireLine: 4, release: 'q.done(key)' } },
      { messageId: 'doubleDone' as const, line: 11, column: 3, data: { acquire: 'q.get()', acquireLine: 4, release: 'q.done(key)' } },
      { messageId: 'doubleDone' as const, line: 19, column: 3, data: { acquire: 'q.get()', acquireLine: 15, release: 'q.done(key)' } },
      { messageId: 'doubleDone' as const, line: 22, column: 3, data: { acquire: 'q.get()', acquireLine: 15, release: 'q.done(key)' } },
    ],
  },
  // A removable listener with a plain one for the same event, in either order: the 'close' listener removes only the
  // first, and only if the stream closes before it ends; one that ends runs both. So does a remover of the same
  // event: the emit that runs it runs every listener registered when it began. A remover of an event that need not
  // come first ('error' before 'close') leaves the pair too.
  {
    code: `
type Stream = { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
async function removableThenPlain(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const first = () => q.done(key);
  stream.once('end', first);
  stream.once('close', () => stream.removeListener('end', first));
  stream.once('end', () => q.done(key));
}
async function plainThenRemovable(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  stream.once('end', () => q.done(key));
  const second = () => q.done(key);
  stream.once('end', second);
  stream.once('close', () => stream.removeListener('end', second));
}
async function removerOfTheSameEvent(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const onEnd = () => q.done(key);
  stream.once('end', () => stream.removeListener('end', onEnd));
  stream.once('end', onEnd);
  stream.once('end', () => q.done(key));
}
async function removerOfAnotherEvent(stream: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const onClose = () => q.done(key);
  stream.once('close', onClose);
  stream.once('end', () => q.done(key));
  stream.once('error', () => stream.removeListener('close', onClose));
}`,
    errors: [
      { messageId: 'doubleDoneListeners' as const, line: 9, column: 3, data: { acquire: 'q.get()', acquireLine: 4, pairing: `\`stream.once('end', …)\` on line 7 also marks it done, and both run when 'end' comes` } },
      { messageId: 'doubleDoneListeners' as const, line: 16, column: 3, data: { acquire: 'q.get()', acquireLine: 12, pairing: `\`stream.once('end', …)\` on line 14 also marks it done, and both run when 'end' comes` } },
      { messageId: 'doubleDoneListeners' as const, line: 25, column: 3, data: { acquire: 'q.get()', acquireLine: 20, pairing: `\`stream.once('end', …)\` on line 24 also marks it done, and both run when 'end' comes` } },
      { messageId: 'doubleDoneListeners' as const, line: 32, column: 3, data: { acquire: 'q.get()', acquireLine: 28, pairing: `\`stream.once('close', …)\` on line 31 also marks it done, and 'close' fires after 'end'` } },
    ],
  },
  // A listener passed as a releaser function, a \`const\` arrow or a function declaration, with another listener.
  {
    code: `
type Stream = { on(event: string, fn: () => void): void; once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };
async function constReleaser(res: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  const release = () => q.done(key);
  res.on('end', release);
  res.on('close', release);
}
async function declaredReleaser(res: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  function release() {
    q.done(key);
  }
  res.on('close', release);
  res.on('finish', () => q.done(key));
}
async function removableReleaser(res: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  function release() {
    q.done(key);
  }
  res.once('end', release);
  res.once('close', () => res.removeListener('end', release));
  res.once('end', () => q.done(key));
}
async function releaserDeclaredBelow(res: Stream) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  res.once('close', release);
  res.once('error', release);
  function release() {
    q.done(key);
  }
}`,
    errors: [
      { messageId: 'doubleDoneListeners' as const, line: 8, column: 3, data: { acquire: 'q.get()', acquireLine: 4, pairing: `\`res.on('end', …)\` on line 7 also marks it done, and 'close' fires after 'end'` } },
      { messageId: 'doubleDoneListeners' as const, line: 17, column: 3, data: { acquire: 'q.get()', acquireLine: 11, pairing: `\`res.on('close', …)\` on line 16 also marks it done, and 'close' fires after 'finish'` } },
      { messageId: 'doubleDoneListeners' as const, line: 27, column: 3, data: { acquire: 'q.get()', acquireLine: 20, pairing: `\`res.once('end', …)\` on line 25 also marks it done, and both run when 'end' comes` } },
      { messageId: 'doubleDoneListeners' as const, line: 33, column: 3, data: { acquire: 'q.get()', acquireLine: 30, pairing: `\`res.once('close', …)\` on line 32 also marks it done, and 'close' fires after 'error'` } },
    ],
  },
  // Twice in a row.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  q.done(item);
  q.done(item);
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 6, column: 3 }],
  },
  // Inside a loop over the item's parts: the second iteration marks it done again.
  {
    code: `
async function worker(parts: string[]) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  for (const part of parts) {
    await work(part);
    q.done(item);
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 7, column: 5 }],
  },
  // The flag is rewritten between: both dones may run on the path that took the item.
  {
    code: `
async function worker(flag: boolean) {
  let item;
  let shutdown;
  if (flag) {
    [item, shutdown] = await q.get();
  }
  if (shutdown) return;
  q.done(item);
  flag = check(1);
  if (!flag) {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'doubleDone' as const, line: 12, column: 5 }],
  },
];

typedTester.run('no-double-done (typed)', rule, {
  valid: valid.map(validWithQueuePrelude),
  invalid: invalid.map(invalidWithQueuePrelude),
});

untypedTester.run('no-double-done (untyped)', rule, { valid, invalid });
