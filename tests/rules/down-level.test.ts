/**
 * tsc's down-levelled `async` (src/analysis/down-level.ts): every case is run as written (`async`/`await`) and as tsc
 * writes it for targets below ES2017 (`return __awaiter(this, void 0, void 0, function* () { … yield … })`), with the
 * helper inlined, imported from tslib, and required from tslib. The two forms get the same reports at the same line
 * and column (and the same suggestions, down-levelled alike); the shapes that are not tsc's helper are ordinary
 * generators, whose `yield` hands the value to the consumer.
 */
import { Linter } from 'eslint';
import parser from '@typescript-eslint/parser';
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

import noDoubleDone from '../../rules/no-double-done.js';
import requireDone from '../../rules/require-done.js';
import requireRelease from '../../rules/require-release.js';
import { downLevel, type HelperForm, INLINE_HELPER } from './down-level.js';
import { invalidWithQueuePrelude, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

const FORMS: readonly HelperForm[] = ['inline', 'tslib-import', 'tslib-require'];

/** The packages' real types (typed) or the imports that are the untyped evidence, after the code: lines stay. */
const RELEASE_TYPED = `
import { Pool } from 'pg';
import { Mutex } from 'async-mutex';
import { trace } from '@opentelemetry/api';
const pool = new Pool();
const mutex = new Mutex();
const tracer = trace.getTracer('svc');
declare function work(x?: unknown): Promise<void>;
`;
const RELEASE_UNTYPED = `\nimport 'pg'; import 'async-mutex'; import '@opentelemetry/api';\n`;

type AnyValid = ValidTestCase<readonly unknown[]>;
type AnyInvalid = InvalidTestCase<string, readonly unknown[]>;

/** The case, and the case down-levelled in each helper form; `await` in data and suggestions reads `yield` there. */
function bothWays<T extends AnyValid | AnyInvalid>(test: T): T[] {
  const derived = FORMS.map((form): T => {
    const code = downLevel(test.code, form);
    if (!('errors' in test)) return { ...test, name: `${form}: ${test.name ?? test.code}`, code };
    const errors = test.errors.map((error) => ({
      ...error,
      ...(error.suggestions
        ? { suggestions: error.suggestions.map((s) => ({ ...s, output: downLevel(s.output, form) })) }
        : {}),
    }));
    return { ...test, name: `${form}: ${test.name ?? test.code}`, code, errors };
  });
  return [test, ...derived];
}

function withSuffix<T extends AnyValid | AnyInvalid>(test: T, suffix: string): T {
  if (!('errors' in test)) return { ...test, code: test.code + suffix };
  const errors = test.errors.map((error) =>
    error.suggestions ? { ...error, suggestions: error.suggestions.map((s) => ({ ...s, output: `${s.output}${suffix}` })) } : error,
  );
  return { ...test, code: test.code + suffix, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// require-release: pg, async-mutex, OpenTelemetry.

const releaseValid: AnyValid[] = [
  // async-mutex: the releaser in a `finally`.
  {
    code: `
export async function locked() {
  const release = await mutex.acquire();
  try {
    await work();
  } finally {
    release();
  }
}`,
  },
  // pg: the documented form; a client returned is the caller's.
  {
    code: `
export async function find(id: string) {
  const client = await pool.connect();
  try {
    return await client.query('select 1', [id]);
  } finally {
    client.release();
  }
}
export async function checkout() {
  const client = await pool.connect();
  return client;
}`,
  },
  // A method, as tsc writes a class's async methods.
  {
    code: `
export class Store {
  private readonly mutex = new Mutex();
  async save() {
    const release = await this.mutex.acquire();
    try {
      await work();
    } finally {
      release();
    }
  }
}`,
  },
  // OpenTelemetry: an async callback of startActiveSpan that ends the span in its finally.
  {
    code: `
export function traced() {
  return tracer.startActiveSpan('op', async (span) => {
    try {
      await work();
    } finally {
      span.end();
    }
  });
}`,
  },
];

const releaseInvalid: AnyInvalid[] = [
  // metamask's lookupNetwork, without the callback: an early `return` before the releaser.
  {
    code: `
export async function lookup(same: boolean) {
  const releaseLock = await mutex.acquire();
  if (same) {
    return;
  }
  releaseLock();
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 5,
        column: 5,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function lookup(same: boolean) {
  const releaseLock = await mutex.acquire();
  try {
    if (same) {
      return;
    }
  } finally {
    releaseLock();
  }
}`,
          },
        ],
      },
    ],
  },
  // pg: the awaited query rejects before the release.
  {
    code: `
export async function touch() {
  const client = await pool.connect();
  await client.query('select 1');
  client.release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function touch() {
  const client = await pool.connect();
  try {
    await client.query('select 1');
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // A discarded acquire: nothing can release the client.
  {
    code: `
export async function lost() {
  await pool.connect();
}`,
    errors: [{ messageId: 'discardedAcquire', line: 3, column: 9 }],
  },
  // A class method: `this.mutex`, the release skipped by a rejection.
  {
    code: `
export class Store {
  private readonly mutex = new Mutex();
  async save() {
    const release = await this.mutex.acquire();
    await work();
    release();
  }
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 6,
        column: 5,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export class Store {
  private readonly mutex = new Mutex();
  async save() {
    const release = await this.mutex.acquire();
    try {
      await work();
    } finally {
      release();
    }
  }
}`,
          },
        ],
      },
    ],
  },
];

/**
 * OpenTelemetry: the async callback's span is not ended when the work rejects. Written `async`, the callback's own
 * paths hold the span; down-levelled, the callback only returns the `__awaiter` call, whose generator runs once with
 * the span captured and ends it on some paths only: still a leak, reported at the same call as the async form (the
 * generator's leaking exit is the down-levelled function's own).
 */
const callbackLeak = `
export function traced() {
  return tracer.startActiveSpan('op', async (span) => {
    await work();
    span.end();
  });
}`;
const callbackInvalid: AnyInvalid[] = [
  { code: callbackLeak, errors: [{ messageId: 'leakOnMayThrow', line: 4, column: 5 }] },
  ...FORMS.map((form) => ({ name: `${form}: ${callbackLeak}`, code: downLevel(callbackLeak, form), errors: [{ messageId: 'leakOnMayThrow', line: 4, column: 5 }] })),
];

/** A wrapper: a method that returns a fresh client is an acquire in its caller (typed, the fix is offered too). */
const wrapperCode = `
export class Repo {
  async getClient() {
    return await pool.connect();
  }
  async touch() {
    const client = await this.getClient();
    await client.query('select 1');
    client.release();
  }
}`;
const wrapperTyped: AnyInvalid = {
  code: wrapperCode,
  errors: [
    {
      messageId: 'leakOnMayThrow',
      line: 8,
      column: 5,
      suggestions: [
        {
          messageId: 'wrapInTryFinally',
          output: `
export class Repo {
  async getClient() {
    return await pool.connect();
  }
  async touch() {
    const client = await this.getClient();
    try {
      await client.query('select 1');
    } finally {
      client.release();
    }
  }
}`,
        },
      ],
    },
  ],
};
const wrapperUntyped: AnyInvalid = { code: wrapperCode, errors: [{ messageId: 'leakOnMayThrow', line: 8, column: 5 }] };

/** Suggestions are asserted where the rule offers them; the others carry none. */
function releaseCases(suffix: string, wrapper: AnyInvalid): { valid: AnyValid[]; invalid: AnyInvalid[] } {
  return {
    valid: releaseValid.flatMap(bothWays).map((test) => withSuffix(test, suffix)),
    invalid: [...releaseInvalid.flatMap(bothWays), ...bothWays(wrapper), ...callbackInvalid].map((test) => withSuffix(test, suffix)),
  };
}

const releaseRule = requireRelease as unknown as TSESLint.RuleModule<string, readonly unknown[]>;
typedTester.run('require-release (down-levelled async, typed)', releaseRule, releaseCases(RELEASE_TYPED, wrapperTyped));
const untypedRelease = releaseCases(RELEASE_UNTYPED, wrapperUntyped);
untypedTester.run('require-release (down-levelled async, untyped)', releaseRule, {
  valid: untypedRelease.valid.map((test) => ({ ...test, code: test.code.replace(/: (string|boolean)/g, '') })),
  invalid: untypedRelease.invalid.map((test) => {
    const strip = (text: string): string => text.replace(/: (string|boolean)/g, '');
    // The stripped annotations are on header lines only; no error column depends on them.
    return {
      ...test,
      code: strip(test.code),
      errors: test.errors.map((error) =>
        error.suggestions ? { ...error, suggestions: error.suggestions.map((s) => ({ ...s, output: strip(s.output) })) } : error,
      ),
    };
  }),
});

// Shapes that are not tsc's helper: an ordinary generator's `yield` hands the value on, and stays silent.
const notTheHelper = [
  // A function of the user's named `__awaiter`: its generator is an ordinary one.
  `
function __awaiter(a: unknown, b: unknown, c: unknown, gen: () => Generator) { return gen; }
export function lookup(same: boolean) {
  return __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    if (same) return;
    releaseLock();
  });
}`,
  // An object of the user's with an `__awaiter` method.
  `
const helpers = { __awaiter: (a: unknown, b: unknown, c: unknown, gen: () => Generator) => gen };
export function lookup(same: boolean) {
  return helpers.__awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    if (same) return;
    releaseLock();
  });
}`,
  // The call's value is not returned: not tsc's shape.
  `
export function lookup(same: boolean) {
  __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    if (same) return;
    releaseLock();
  });
}${INLINE_HELPER}`,
  // A generator of its own: the consumer receives the promise.
  `
export function* lookup(same: boolean) {
  const releaseLock = yield mutex.acquire();
  if (same) return;
  releaseLock();
}`,
];

untypedTester.run('require-release (not the __awaiter helper)', releaseRule, {
  valid: notTheHelper.map((code) => ({ code: code.replace(/: (string|boolean|unknown|\(\) => Generator)/g, '') + RELEASE_UNTYPED })),
  invalid: [
    // rollup's bundle imports the helper from its copy of tslib.
    {
      code: `
export function lookup(same) {
  return __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    if (same) return;
    releaseLock();
  });
}
import { __awaiter } from './_virtual/_tslib.js';${RELEASE_UNTYPED}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 5,
          column: 15,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
export function lookup(same) {
  return __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    try {
      if (same) return;
    } finally {
      releaseLock();
    }
  });
}
import { __awaiter } from './_virtual/_tslib.js';${RELEASE_UNTYPED}`,
            },
          ],
        },
      ],
    },
    // The same code with tsc's helper (undeclared: the global one `noEmitHelpers` expects) is understood.
    {
      code: `
export function lookup(same) {
  return __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    if (same) return;
    releaseLock();
  });
}${RELEASE_UNTYPED}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 5,
          column: 15,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
export function lookup(same) {
  return __awaiter(this, void 0, void 0, function* () {
    const releaseLock = yield mutex.acquire();
    try {
      if (same) return;
    } finally {
      releaseLock();
    }
  });
}${RELEASE_UNTYPED}`,
            },
          ],
        },
      ],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// require-done and no-double-done: a work queue.

const doneValid: AnyValid[] = [
  {
    code: `
export async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  },
];

const doneInvalid: AnyInvalid[] = [
  {
    code: `
export async function worker() {
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
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function worker() {
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
  // An item never marked done on the early return.
  {
    code: `
export async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (item === 'skip') return;
  q.done(item);
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 5,
        column: 24,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    if (item === 'skip') return;
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
];

const doneRule = requireDone as unknown as TSESLint.RuleModule<string, readonly unknown[]>;
typedTester.run('require-done (down-levelled async, typed)', doneRule, {
  valid: doneValid.flatMap(bothWays).map(validWithQueuePrelude),
  invalid: doneInvalid.flatMap(bothWays).map(invalidWithQueuePrelude),
});
untypedTester.run('require-done (down-levelled async, untyped)', doneRule, {
  valid: doneValid.flatMap(bothWays),
  invalid: doneInvalid.flatMap(bothWays),
});

const doubleRule = noDoubleDone as unknown as TSESLint.RuleModule<string, readonly unknown[]>;
untypedTester.run('no-double-done (down-levelled async)', doubleRule, {
  valid: doneValid.flatMap(bothWays),
  invalid: [
    {
      code: `
export async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  q.done(item);
  await work(item);
  q.done(item);
}`,
      errors: [{ messageId: 'doubleDone', line: 7, column: 3 }],
    },
  ].flatMap(bothWays),
});

// ---------------------------------------------------------------------------------------------------------------
// Real tsc output: the same reports, on the same statements, as the async source.

describe('tsc --target ES2015 output', () => {
  // The callback case is left out: its report moves to the callback's end (above).
  const sources = [...releaseValid, ...releaseInvalid].map((test) => test.code).concat(wrapperCode);
  const linter = new Linter({ configType: 'flat' });
  const lint = (code: string, file: string): { messageId: string | undefined; message: string; text: string }[] => {
    const lines = code.split('\n');
    return linter
      .verify(code, [{ files: ['**/*.ts', '**/*.js'], languageOptions: { parser, sourceType: file.endsWith('.js') ? 'commonjs' : 'module' }, plugins: { workqueue: { rules: { 'require-release': requireRelease as never } } }, rules: { 'workqueue/require-release': 'error' } }], { filename: file })
      .map((message) => ({
        messageId: message.messageId,
        // The message quotes the expression: `yield x` in the compiled code reads as the source's `await x`.
        message: message.message.replace(/\byield\b/g, 'await').replace(/line \d+/g, 'line N'),
        text: (lines[message.line - 1] ?? '').trim().replace(/\byield\b/g, 'await'),
      }));
  };
  for (const importHelpers of [false, true]) {
    it(`gives the async source's reports${importHelpers ? ' (importHelpers: tslib)' : ''}`, () => {
      let reported = 0;
      for (const source of sources) {
        const code = `import { Pool } from 'pg';\nimport { Mutex } from 'async-mutex';\nimport { trace } from '@opentelemetry/api';\nconst pool = new Pool();\nconst mutex = new Mutex();\nconst tracer = trace.getTracer('svc');\nasync function work(x?: unknown) { return x; }\n${source}`;
        const compiled = ts.transpileModule(code, {
          compilerOptions: { target: ts.ScriptTarget.ES2015, module: ts.ModuleKind.CommonJS, importHelpers },
        }).outputText;
        expect(compiled).toContain('__awaiter');
        const before = lint(code, 'file.ts');
        expect(lint(compiled, 'file.js')).toEqual(before);
        reported += before.length;
      }
      // The invalid cases report (one each); the valid ones do not.
      expect(reported).toBe(releaseInvalid.length + 1);
    });
  }
});
