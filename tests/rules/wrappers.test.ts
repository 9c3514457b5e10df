/**
 * Wrappers and factories: a function that returns a fresh acquire makes its callers owe the resource, and a helper
 * that releases its parameter releases for its callers — in the same file always, in another file of the program
 * with types (tests/rules/fixture/monorepo: two packages, a shared helper and a wrapper class).
 */
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

import requireDone from '../../rules/require-done.js';
import rule, { type MessageIds, type Options } from '../../rules/require-release.js';
import { typedTester, untypedTester } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

const PG = `import { Pool } from 'pg';
const pool = new Pool();
`;

const sameFileValid: (Valid | string)[] = [
  // The wrapper's caller releases in a finally.
  `${PG}
async function getClient() { return pool.connect(); }
export async function run() {
  const client = await getClient();
  try { await client.query('x'); } finally { client.release(); }
}`,
  // A cached client is not fresh: its callers owe nothing.
  `${PG}
export class Db {
  private client: Awaited<ReturnType<typeof pool.connect>> | undefined;
  async getClient() {
    this.client ??= await pool.connect();
    return this.client;
  }
  async run() {
    const client = await this.getClient();
    await client.query('x');
  }
}`,
  // A wrapper that also stores what it returns: not fresh.
  `${PG}
const all: unknown[] = [];
async function tracked() {
  const client = await pool.connect();
  all.push(client);
  return client;
}
export async function run() {
  const client = await tracked();
  await client.query('x');
}`,
  // A wrapper with a path that returns something else is not a factory.
  `${PG}
async function maybe(flag: boolean) {
  if (flag) return undefined;
  return pool.connect();
}
export async function run() {
  const client = await maybe(true);
  await client?.query('x');
}`,
  // The caller hands the wrapper's resource on.
  `${PG}
async function getClient() { return pool.connect(); }
export async function run() {
  const client = await getClient();
  return client;
}`,
  // A closure in the wrapper holds the client: not fresh for the caller.
  `${PG}
async function watched() {
  const client = await pool.connect();
  setTimeout(() => client.release(), 1000);
  return client;
}
export async function run() {
  const client = await watched();
  await client.query('x');
}`,
];

const sameFileInvalid: Invalid[] = [
  {
    code: `${PG}
async function getClient() { return pool.connect(); }
export async function run() {
  const client = await getClient();
  await client.query('x');
  client.release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 7,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `${PG}
async function getClient() { return pool.connect(); }
export async function run() {
  const client = await getClient();
  try {
    await client.query('x');
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // A wrapper method called on `this`: the caller owes; the wrapper itself leaks if its setup query throws.
  {
    code: `${PG}
export class Db {
  async getClient() {
    const client = await pool.connect();
    await client.query('SET search_path TO app');
    return client;
  }
  async run() {
    const client = await this.getClient();
    await client.query('x');
  }
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 7,
        column: 5,
        // No fix: a finally would release the client the wrapper returns.
        suggestions: [],
      },
      {
        messageId: 'leakAtFunctionEnd',
        line: 13,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `${PG}
export class Db {
  async getClient() {
    const client = await pool.connect();
    await client.query('SET search_path TO app');
    return client;
  }
  async run() {
    const client = await this.getClient();
    try {
      await client.query('x');
    } finally {
      client.release();
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // A span factory: its callers are checked.
  {
    code: `import { trace, type Tracer } from '@opentelemetry/api';
export class Traced {
  private readonly tracer: Tracer = trace.getTracer('svc');
  startSpan(name: string) { return this.tracer.startSpan(name); }
  run(flag: boolean) {
    const span = this.startSpan('op');
    if (flag) return 1;
    span.end();
    return 2;
  }
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 7,
        column: 15,
        data: { resource: 'span', acquire: "this.startSpan('op')", acquireLine: 6, line: 7, release: 'span.end()', anchor: 'it is acquired' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `import { trace, type Tracer } from '@opentelemetry/api';
export class Traced {
  private readonly tracer: Tracer = trace.getTracer('svc');
  startSpan(name: string) { return this.tracer.startSpan(name); }
  run(flag: boolean) {
    const span = this.startSpan('op');
    try {
      if (flag) return 1;
      return 2;
    } finally {
      span.end();
    }
  }
}`,
          },
        ],
      },
    ],
  },
  // A wrapper's fresh client dropped on the floor.
  {
    code: `${PG}
const getClient = () => pool.connect();
export async function lost() {
  await getClient();
}`,
    errors: [{ messageId: 'discardedAcquire', line: 6, column: 9, data: { resource: 'client', acquire: 'getClient()' } }],
  },
];

typedTester.run('require-release: same-file wrappers (typed)', rule, { valid: sameFileValid, invalid: sameFileInvalid });
// Untyped the same: the wrapper is read in this file, and the acquire in it is matched by name with import evidence.
untypedTester.run('require-release: same-file wrappers (untyped)', rule, {
  valid: sameFileValid,
  invalid: sameFileInvalid.map((test) => ({ ...test, errors: test.errors.map(({ data: _data, ...error }) => error) })),
});

// ---- another package of a monorepo (typed) ------------------------------------------------------------------------

// Relative to the fixture's tsconfig root, as the typed tester resolves it.
const WORKER = 'monorepo/packages/worker/src/worker.ts';
const QUEUE = `
interface Queue<T> {
  get(): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: T): void;
}
declare const q: Queue<string>;
declare function reconcile(key: string): Promise<void>;
`;

// The motivating case: `withDone` lives in the shared package and marks done in a `finally`.
typedTester.run('require-done: a helper of another package (typed)', requireDone, {
  valid: [
    {
      filename: WORKER,
      code: `import { withDone } from '@acme/shared';
export async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  await withDone(q, key, reconcile);
}
${QUEUE}`,
    },
  ],
  invalid: [
    // The helper marks done only when the work succeeds: read in its own file, it releases on some path only.
    {
      filename: WORKER,
      code: `import { doneOnSuccess } from '@acme/shared';
export async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  await doneOnSuccess(q, key, reconcile);
}
${QUEUE}`,
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 6,
          column: 1,
        },
      ],
    },
    // The same helper called by other names: a renamed import, an exported alias, a namespace import. Each call
    // resolves to the helper's body, so each is judged by it (unknown, the call would be a hand-off, not a leak).
    ...[
      ['import { doneOnSuccess as partly } from', 'partly'],
      ['import { doneIfWorked } from', 'doneIfWorked'],
      ['import * as shared from', 'shared.doneOnSuccess'],
    ].map(([clause, callee]) => ({
      filename: WORKER,
      code: `${clause} '@acme/shared';
export async function worker() {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  await ${callee}(q, key, reconcile);
}
${QUEUE}`,
      errors: [
        {
          messageId: 'leakAtFunctionEnd' as const,
          line: 6,
          column: 1,
        },
      ],
    })),
  ],
});

// Without types the imported helper is unknown; given the item and its queue, it may mark it done: a hand-off.
untypedTester.run('require-done: a helper of another package (untyped)', requireDone, {
  valid: [
    `import { withDone } from '@acme/shared';
export async function worker(q) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  await withDone(q, key, reconcile);
}`,
  ],
  invalid: [
    // The item alone, without its queue, is data: the callee cannot mark it done.
    {
      code: `import { reconcileItem } from '@acme/shared';
export async function worker(q) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  await reconcileItem(key);
}`,
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 6,
          column: 1,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `import { reconcileItem } from '@acme/shared';
export async function worker(q) {
  const [key, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await reconcileItem(key);
  } finally {
    q.done(key);
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('require-release: wrappers and helpers of another package (typed)', rule, {
  valid: [
    // The shared package's helper releases its parameter on every path.
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { Database, releaseClient } from '@acme/shared';
const db = new Database(new Pool());
export async function run() {
  const client = await db.getClient();
  try { await client.query('x'); } finally { releaseClient(client); }
}`,
    },
    // A helper of another file that may throw (after or before it released: the model cannot tell) stays a hand-off,
    // so the release in the catch is not reported as a second one.
    {
      filename: WORKER,
      code: `import { trace } from '@opentelemetry/api';
import { endSpan } from '@acme/shared';
declare function connect(): unknown;
export function traced() {
  const span = trace.getTracer('x').startSpan('connect');
  try {
    const client = connect();
    endSpan(span, null);
    return client;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}`,
    },
    // A wrapper that returns a cached client is not a factory.
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { Database } from '@acme/shared';
const db = new Database(new Pool());
export async function run() {
  const client = await db.sharedClient();
  await client.query('x');
}`,
    },
    // A method of the shared package that calls `connect()` but returns something else is not a wrapper.
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { Database } from '@acme/shared';
const db = new Database(new Pool());
export async function run() {
  const count = await db.warm();
  return count + 1;
}`,
    },
  ],
  invalid: [
    // A helper of the shared package that releases on some path only, whose declaration spells its name with an
    // escape: found by its name all the same, and judged by its body (unknown, the call would be a hand-off).
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { releaseWhenIdle } from '@acme/shared';
const pool = new Pool();
export async function run(idle: boolean) {
  const client = await pool.connect();
  await releaseWhenIdle(client, idle);
}`,
      errors: [{ messageId: 'leakAtFunctionEnd', line: 7, column: 1 }],
    },
    // The wrapper class of the shared package checks out a fresh client: its caller owes it.
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { Database } from '@acme/shared';
const db = new Database(new Pool());
export async function run() {
  const client = await db.getClient();
  await client.query('x');
  client.release();
}`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 6,
          column: 3,
          data: { resource: 'client', acquire: 'db.getClient()', acquireLine: 5, line: 6, release: 'client.release()', anchor: 'it is acquired', expression: "await client.query('x')" },
        },
      ],
    },
    // A wrapper whose returns sit in a try and a switch, behind await and `as`, or name a variable: still a wrapper.
    {
      filename: WORKER,
      code: `import { Pool } from 'pg';
import { Database } from '@acme/shared';
const db = new Database(new Pool());
export async function run(mode: number) {
  const client = await db.checkout(mode);
  await client.query('x');
  client.release();
}`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 6,
          column: 3,
          data: { resource: 'client', acquire: 'db.checkout(mode)', acquireLine: 5, line: 6, release: 'client.release()', anchor: 'it is acquired', expression: "await client.query('x')" },
        },
      ],
    },
    // A span factory of the shared package.
    {
      filename: WORKER,
      code: `import { trace } from '@opentelemetry/api';
import { startSpan } from '@acme/shared';
export function run(flag: boolean) {
  const span = startSpan(trace.getTracer('x'), 'op');
  if (flag) return 1;
  span.end();
  return 2;
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 5,
          column: 13,
        },
      ],
    },
  ],
});
