/**
 * Regressions from the crash hunt of issue 16: bindings the rules called "never bound", releases they did not see,
 * receivers printed without the parentheses their precedence needs, and suggestions that named no resource.
 */
import path from 'node:path';

import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { describe, expect, it } from 'vitest';

import requireDone, { type MessageIds as DoneIds, type Options as DoneOptions } from '../../rules/require-done.js';
import requireRelease, { type MessageIds as ReleaseIds, type Options as ReleaseOptions } from '../../rules/require-release.js';
import { TypeCheck } from './suggestions.js';
import { fixtureDir, invalidWithQueuePrelude, QUEUE_PRELUDE, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

type DoneValid = ValidTestCase<DoneOptions>;
type DoneInvalid = InvalidTestCase<DoneIds, DoneOptions>;

/** Bindings of `[item, shutdown]` that are not the usual array pattern. */
const bindings: DoneValid[] = [
  {
    code: `
export async function byIndex() {
  const { 0: item, 1: shutdown } = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  },
  {
    code: `
export async function rest() {
  const [...r] = await q.get();
  if (r[1]) return;
  try {
    await work(r[0]);
  } finally {
    q.done(r[0]);
  }
}`,
  },
];

/** A receiver that is a conditional or an awaited expression: the same text releases what it acquired. */
const TYPED_QUEUES = `
declare const a: Queue<string>;
declare const b: Queue<string>;
declare function getQueue(): Promise<Queue<string>>;
`;

const computedValid: DoneValid[] = [
  {
    code: `${TYPED_QUEUES}
export async function conditional(flag: boolean) {
  const [item, shutdown] = await (flag ? a : b).get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    (flag ? a : b).done(item);
  }
}`,
  },
  // Released through a queue the `finally` binds again: it may be the same queue, so the rule stays silent. (Writing
  // `(await getQueue()).done(item)` there matches the receiver, but that `await` may throw before the release.)
  {
    code: `${TYPED_QUEUES}
export async function awaited() {
  const [item, shutdown] = await (await getQueue()).get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    const queue = await getQueue();
    queue.done(item);
  }
}`,
  },
  // Released through another receiver: the rule cannot tell whether it is the same queue, so it stays silent.
  {
    code: `${TYPED_QUEUES}
export async function other(flag: boolean) {
  const [item, shutdown] = await (flag ? a : b).get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    a.done(item);
  }
}`,
  },
];

const computedInvalid: DoneInvalid[] = [
  {
    code: `${TYPED_QUEUES}
export async function conditional(flag: boolean) {
  const [item, shutdown] = await (flag ? a : b).get();
  if (shutdown) return;
  await work(item);
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 10,
        data: { acquire: '(flag ? a : b).get()', acquireLine: 7, line: 10, release: '(flag ? a : b).done(item)', anchor: 'the shutdown check' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            data: { release: '(flag ? a : b).done(item)' },
            output: `${TYPED_QUEUES}
export async function conditional(flag: boolean) {
  const [item, shutdown] = await (flag ? a : b).get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    (flag ? a : b).done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  {
    code: `${TYPED_QUEUES}
export async function awaited() {
  const [item, shutdown] = await (await getQueue()).get();
  if (shutdown) return;
  await work(item);
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 10,
        data: { acquire: '(await getQueue()).get()', acquireLine: 7, line: 10, release: '(await getQueue()).done(item)', anchor: 'the shutdown check' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            data: { release: '(await getQueue()).done(item)' },
            output: `${TYPED_QUEUES}
export async function awaited() {
  const [item, shutdown] = await (await getQueue()).get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    (await getQueue()).done(item);
  }
}`,
          },
        ],
      },
    ],
  },
];

typedTester.run('require-done (typed): bindings and computed receivers', requireDone, {
  valid: [...bindings, ...computedValid].map(validWithQueuePrelude),
  invalid: computedInvalid.map(invalidWithQueuePrelude),
});

untypedTester.run('require-done (untyped): bindings', requireDone, { valid: bindings, invalid: [] });

type ReleaseValid = ValidTestCase<ReleaseOptions>;
type ReleaseInvalid = InvalidTestCase<ReleaseIds, ReleaseOptions>;

/** A semaphore's `[value, release]` released by calling its element. */
const semaphoreValid: ReleaseValid[] = [
  {
    code: `
import { Semaphore } from 'async-mutex';
const semaphore = new Semaphore(2);
declare function work(): Promise<void>;
export async function byElement() {
  const permit = await semaphore.acquire();
  try {
    await work();
  } finally {
    permit[1]();
  }
}`,
  },
];

const pair = (release: object): ReleaseOptions =>
  [{ presets: [], pairs: [{ name: 'conn', acquire: { method: 'open', receiverNames: '^pool$' }, resourceIndex: 0, release }] }] as ReleaseOptions;

/** `resourceIndex` with the whole tuple bound to one identifier: the resource is its element, and the fix says so. */
function tupleCase(release: object, text: string): ReleaseInvalid {
  return {
    code: `
export async function leaky() {
  const conn = await pool.open();
  await work(conn);
}`,
    options: pair(release),
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 5,
        data: { resource: 'conn', acquire: 'pool.open()', acquireLine: 3, line: 5, release: text, anchor: 'it is acquired' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            data: { release: text },
            output: `
export async function leaky() {
  const conn = await pool.open();
  try {
    await work(conn);
  } finally {
    ${text};
  }
}`,
          },
        ],
      },
    ],
  };
}

untypedTester.run('require-release (untyped): resources named by their element', requireRelease, {
  valid: semaphoreValid,
  invalid: [
    tupleCase({ resourceMethods: ['end'] }, 'conn[0].end()'),
    tupleCase({ callResource: true }, 'conn[0]()'),
    tupleCase({ receiverMethods: ['close'] }, 'pool.close(conn[0])'),
  ],
});

typedTester.run('require-release (typed): a semaphore released by its element', requireRelease, {
  valid: semaphoreValid,
  invalid: [],
});

describe('the type check of typed suggestions', () => {
  it('sees a type error an output adds, and none in a clean file', () => {
    const check = new TypeCheck(fixtureDir);
    const filename = path.join(fixtureDir, 'file.ts');
    expect(check.errors(`export function f() { q.done('x'); }${QUEUE_PRELUDE}`, filename)).toEqual([]);
    expect(check.errors(`export function f() { q.done(undefined); }${QUEUE_PRELUDE}`, filename).join('\n')).toMatch(/not assignable/);
  });
});
