/**
 * Shapes of acquires beyond `const x = await receiver.method()`: several at once in `Promise.all`, an acquire used
 * in place or put straight into an object, a conditional acquire (`existing ?? pool.connect()`), and what a user's `pairs` can say (any receiver, acquire by function,
 * release helpers, receiver names with types).
 */
import parser from '@typescript-eslint/parser';
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import rule, { type MessageIds, type Options } from '../../rules/require-release.js';
import { typedTester, untypedTester } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

const PG = `import { Pool } from 'pg';
const pool = new Pool();
`;

const pgValid: (Valid | string)[] = [
  // Both clients released on every path.
  `${PG}
export async function both() {
  const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
  try { await a.query('x'); } finally { a.release(); b.release(); }
}`,
  // Put straight into an object that is returned, stored or passed on: handed on.
  `${PG}
export async function handedOn() {
  return { client: await pool.connect() };
}
export async function stored(target: { ctx?: unknown }) {
  target.ctx = { client: await pool.connect() };
}
declare function use(x: unknown): void;
export async function passed() {
  use({ client: await pool.connect() });
}`,
  // Used in place by its own release, by a promise chain that takes it, or by a method that may return it (a fluent
  // API: \`tracer.startSpan(n).setAttributes(…)\` is the span) — not judged.
  `${PG}
export async function released() {
  (await pool.connect()).release();
}
export async function method() {
  return (await pool.connect()).query('x');
}
export function chained() {
  return pool.connect().then((client) => client);
}`,
];

const pgInvalid: Invalid[] = [
  // The second client of the pair is released only after the first one's work succeeded.
  {
    code: `${PG}
export async function both() {
  const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
  try { await a.query('x'); } finally { a.release(); }
  b.release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 6,
        column: 9,
        data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 5, line: 6, expression: "await a.query('x')", release: 'b.release()', anchor: 'it is acquired' },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `${PG}
export async function both() {
  const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
  try {
    try { await a.query('x'); } finally { a.release(); }
  } finally {
    b.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // An element with nothing to bind it.
  {
    code: `${PG}
export async function one() {
  const [a] = await Promise.all([pool.connect(), pool.connect()]);
  a.release();
}`,
    errors: [{ messageId: 'discardedAcquire', line: 5, column: 50, data: { resource: 'client', acquire: 'pool.connect()' } }],
  },
  // A property read in place: nothing can release it.
  {
    code: `${PG}
export async function inPlace() {
  return (await pool.connect()).processID;
}`,
    errors: [{ messageId: 'discardedAcquire', line: 5, column: 17, data: { resource: 'client', acquire: 'pool.connect()' } }],
  },
];

typedTester.run('require-release: Promise.all, in place, into an object (typed)', rule, { valid: pgValid, invalid: pgInvalid });
untypedTester.run('require-release: Promise.all, in place, into an object (untyped)', rule, {
  valid: pgValid,
  invalid: pgInvalid.map((test) => ({ ...test, errors: test.errors.map(({ data: _data, ...error }) => error) })),
});

// ---- conditional acquires ----------------------------------------------------------------------------------------

const PG_CLIENT = `import { Pool, type PoolClient } from 'pg';
const pool = new Pool();
`;

const conditionalValid: (Valid | string)[] = [
  // Released only when this function acquired it: the test of \`existing\` refines the path.
  `${PG_CLIENT}
export async function run(existing?: PoolClient) {
  const client = existing ?? (await pool.connect());
  try { await client.query('x'); } finally { if (!existing) client.release(); }
}`,
  `${PG_CLIENT}
export async function run(existing?: PoolClient) {
  const client = existing || (await pool.connect());
  try { await client.query('x'); } finally { if (existing === undefined) client.release(); }
}`,
  `${PG_CLIENT}
export async function run(options: { client?: PoolClient }) {
  const client = options.client ?? (await pool.connect());
  try {
    await client.query('x');
  } finally {
    if (!options.client) client.release();
  }
}`,
];

const conditionalInvalid: Invalid[] = [
  // The acquiring branch leaks if the query throws.
  {
    code: `${PG_CLIENT}
export async function leaky(existing?: PoolClient) {
  const client = existing ?? (await pool.connect());
  await client.query('x');
  if (!existing) client.release();
}`,
    errors: [{ messageId: 'leakOnMayThrow', line: 6, column: 3, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 5, line: 6, expression: "await client.query('x')", release: 'client.release()', anchor: 'it is acquired' } }],
  },
  // Never released: the acquiring branch leaks at the end.
  {
    code: `${PG_CLIENT}
export async function never(existing?: PoolClient) {
  const client = existing ?? (await pool.connect());
  await client.query('x');
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 7, column: 1, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 5, line: 7, release: 'client.release()', anchor: 'it is acquired' } }],
  },
];

typedTester.run('require-release: conditional acquires (typed)', rule, { valid: conditionalValid, invalid: conditionalInvalid });
untypedTester.run('require-release: conditional acquires (untyped)', rule, {
  valid: conditionalValid,
  invalid: conditionalInvalid.map((test) => ({ ...test, errors: test.errors.map(({ data: _data, ...error }) => error) })),
});

// ---- pairs ------------------------------------------------------------------------------------------------------

const LOCK: Options = [{ presets: [], pairs: [{ name: 'lock', acquire: { method: 'acquireNonceLock', anyReceiver: true }, release: { callResource: true } }] }];
const FILE_TYPED: Options = [
  { presets: [], pairs: [{ name: 'file handle', acquire: { functionTypes: [{ from: 'package', package: 'fs/promises', name: 'open' }] }, release: { resourceMethods: ['close'] } }] },
];
const FILE_NAMED: Options = [{ presets: [], pairs: [{ name: 'file handle', acquire: { functions: ['open'] }, release: { resourceMethods: ['close'] } }] }];
const DESCRIPTOR: Options = [{ presets: [], pairs: [{ name: 'descriptor', acquire: { functions: ['openFd'] }, release: { helpers: [{ names: ['closeFd'] }] } }] }];
const NAMED_DB: Options = [
  {
    presets: [],
    pairs: [{ name: 'connection', acquire: { method: 'getConnection', types: [{ from: 'file', name: 'Db' }], receiverNames: '^db$' }, release: { resourceMethods: ['close'] } }],
  },
];

const WALLET = `declare function work(): Promise<void>;
export class Wallet {
  declare private acquireNonceLock: () => Promise<() => void>;
  async send() {
    const release = await this.acquireNonceLock();
    await work();
    release();
  }
}`;

const FILES = `import { open } from 'node:fs/promises';
export async function head(path: string) {
  const file = await open(path);
  const { bytesRead } = await file.read(Buffer.alloc(16), 0, 16, 0);
  await file.close();
  return bytesRead;
}
export async function fd(path: string) {
  return (await open(path)).fd;
}
export async function ok(path: string) {
  const file = await open(path);
  try { return await file.readFile(); } finally { await file.close(); }
}`;

const FILE_ERRORS = [
  { messageId: 'leakOnMayThrow', line: 4, column: 25, data: { resource: 'file handle', acquire: 'open(path)', acquireLine: 3, line: 4, expression: 'await file.read(Buffer.alloc(…', release: 'file.close()', anchor: 'it is acquired' } },
  { messageId: 'discardedAcquire', line: 9, column: 17, data: { resource: 'file handle', acquire: 'open(path)' } },
] as const;

const DESCRIPTORS = `import fs from 'node:fs';
import { promisify } from 'node:util';
const openFd = promisify(fs.open);
const closeFd = promisify(fs.close);
declare function work(fd: number): Promise<void>;
export async function ok(path: string) {
  const fd = await openFd(path, 'r');
  try { await work(fd); } finally { await closeFd(fd); }
}
export async function leaky(path: string) {
  const fd = await openFd(path, 'r');
  await work(fd);
  await closeFd(fd);
}`;

typedTester.run('require-release: pairs that say more (typed)', rule, {
  valid: [
    // The release helper closes the descriptor in a finally.
    { code: DESCRIPTORS.slice(0, DESCRIPTORS.indexOf('export async function leaky')), options: DESCRIPTOR },
  ],
  invalid: [
    // An acquire by method name on `this`.
    {
      code: WALLET,
      options: LOCK,
      errors: [{ messageId: 'leakOnMayThrow', line: 6, column: 5, data: { resource: 'lock', acquire: 'this.acquireNonceLock()', acquireLine: 5, line: 6, expression: 'await work()', release: 'release()', anchor: 'it is acquired' }, suggestions: [{ messageId: 'wrapInTryFinally', output: WALLET.replace('    await work();\n    release();', '    try {\n      await work();\n    } finally {\n      release();\n    }') }] }],
    },
    // `open` from node:fs/promises, by TypeOrValueSpecifier: a leak, and a handle used in place.
    { code: FILES, options: FILE_TYPED, errors: [...FILE_ERRORS] },
    // A promisified fs.open with its release helper: released only when the work succeeds.
    {
      code: DESCRIPTORS,
      options: DESCRIPTOR,
      errors: [{ messageId: 'leakOnMayThrow', line: 12, column: 3, data: { resource: 'descriptor', acquire: "openFd(path, 'r')", acquireLine: 11, line: 12, expression: 'await work(fd)', release: 'closeFd(fd)', anchor: 'it is acquired' } }],
    },
    // Typed, receiverNames also holds for a receiver whose type matches none of the pair's types.
    {
      code: `interface Connection { close(): void; run(sql: string): Promise<void> }
declare const db: { getConnection(): Promise<Connection> };
export async function leaky() {
  const conn = await db.getConnection();
  await conn.run('x');
  conn.close();
}`,
      options: NAMED_DB,
      errors: [{ messageId: 'leakOnMayThrow', line: 5, column: 3, suggestions: [{ messageId: 'wrapInTryFinally', output: `interface Connection { close(): void; run(sql: string): Promise<void> }
declare const db: { getConnection(): Promise<Connection> };
export async function leaky() {
  const conn = await db.getConnection();
  try {
    await conn.run('x');
  } finally {
    conn.close();
  }
}` }] }],
    },
  ],
});

untypedTester.run('require-release: pairs that say more (untyped)', rule, {
  valid: [
    { code: DESCRIPTORS.slice(0, DESCRIPTORS.indexOf('export async function leaky')), options: DESCRIPTOR },
    // A function pair named only by TypeOrValueSpecifier says nothing without types.
    { code: FILES, options: FILE_TYPED },
  ],
  invalid: [
    { code: FILES, options: FILE_NAMED, errors: FILE_ERRORS.map(({ data: _data, ...error }) => error) },
    { code: DESCRIPTORS, options: DESCRIPTOR, errors: [{ messageId: 'leakOnMayThrow', line: 12, column: 3 }] },
  ],
});

describe('require-release: bad pairs options', () => {
  const lint = (options: unknown): Linter.LintMessage[] =>
    new Linter({ configType: 'flat' }).verify('const c = await pool.connect();', [
      {
        files: ['**/*.ts'],
        languageOptions: { parser },
        plugins: { workqueue: { rules: { 'require-release': rule as never } } },
        rules: { 'workqueue/require-release': ['error', options] as never },
      },
    ], 'file.ts');

  it('rejects a pair with nothing that acquires, naming it', () => {
    expect(() => lint({ pairs: [{ name: 'conn', acquire: {}, release: { resourceMethods: ['close'] } }] })).toThrow(
      /pairs\[0\].*conn.*has no acquire: give acquire\.method, acquire\.functions or acquire\.functionTypes/,
    );
  });

  it('rejects anyReceiver without a method', () => {
    expect(() => lint({ pairs: [{ name: 'lock', acquire: { anyReceiver: true, functions: ['lock'] }, release: { callResource: true } }] })).toThrow(
      /pairs\[0\].*lock.*acquire\.anyReceiver without acquire\.method/,
    );
  });

  it('rejects an acquire by function released only through a receiver', () => {
    expect(() => lint({ pairs: [{ name: 'fd', acquire: { functions: ['openFd'] }, release: { receiverMethods: ['close'] } }] })).toThrow(
      /pairs\[0\].*fd.*acquires by function.*release\.resourceMethods, release\.callResource or release\.helpers/,
    );
  });

  it('rejects a release helper that names no function', () => {
    expect(() => lint({ pairs: [{ name: 'fd', acquire: { functions: ['openFd'] }, release: { helpers: [{ param: 1 }] } }] })).toThrow(
      /pairs\[0\].*fd.*release\.helpers\[0\] names no function/,
    );
  });

  it('rejects a negative helper parameter through the schema', () => {
    expect(() => lint({ pairs: [{ name: 'fd', acquire: { functions: ['openFd'] }, release: { helpers: [{ names: ['closeFd'], param: -1 }] } }] })).toThrow(
      /workqueue\/require-release[\s\S]*Value -1 should be >= 0/,
    );
  });
});
