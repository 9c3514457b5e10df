/**
 * Untyped: a call of a function imported (by a relative specifier) from another file of the package is judged by
 * reading that file from disk (src/analysis/imported-summaries.ts). The helpers are real files in
 * fixture/untyped-imports; each case's `filename` puts it in that folder.
 */
import path from 'node:path';

import boundedRetries from '../../rules/bounded-retries.js';
import rule from '../../rules/require-release.js';
import { fixtureDir, untypedTester } from './tester.js';

const dir = path.join(fixtureDir, 'untyped-imports');
const ts = path.join(dir, 'caller.ts');
// CommonJS in a `.js` file (the suggestion check lints `.ts` and `.js` names only).
const cjs = path.join(dir, 'caller.js');
/** A file of another package (pkg/package.json) inside the folder. */
const inner = path.join(dir, 'pkg', 'caller.ts');

/** A pg client checked out, `call` run before the `try`, released in its `finally`. */
function checkout(imports: string, call: string): string {
  return `import pg from 'pg';
${imports}
export async function setup(pool, schema) {
  const client = await pool.connect();
  const sql = ${call};
  try {
    await client.query(sql);
  } finally {
    client.release();
  }
}`;
}

/** The same in CommonJS, as tsc writes it. */
function checkoutCjs(imports: string, call: string): string {
  return `"use strict";
const pg_1 = require("pg");
${imports}
async function setup(pool, schema) {
  const client = await pool.connect();
  const sql = ${call};
  try {
    await client.query(sql);
  } finally {
    client.release();
  }
}
exports.setup = setup;`;
}

/**
 * The case reports the call before the `try` (line 5 of the ESM shape, 6 of the CommonJS one, at column 15), with
 * the suggestion to move that statement into the `try`.
 */
function onCall(
  code: string,
  line = 5,
): { code: string; filename?: string; errors: { messageId: 'leakOnMayThrow'; line: number; column: number; suggestions: { messageId: 'moveIntoTry'; output: string }[] }[] } {
  const statement = /\n {2}(const sql = .*;)\n {2}try \{\n/.exec(code);
  if (!statement?.[1]) throw new Error('not a checkout case');
  const moved = statement[1];
  const output = code.replace(statement[0], () => `\n  try {\n    ${moved}\n`);
  return { code, errors: [{ messageId: 'leakOnMayThrow', line, column: 15, suggestions: [{ messageId: 'moveIntoTry', output }] }] };
}

/**
 * A pg client checked out in a method of a class that extends `base`, `call` (on `this`) run before the `try`.
 * `members` are more members of the class.
 */
function inherited(imports: string, base: string, call: string, members = ''): string {
  return `import pg from 'pg';
${imports}
export class Worker extends ${base} {
  async setup(pool, schema) {
    const client = await pool.connect();
    ${call};
    try {
      await client.query(schema);
    } finally {
      client.release();
    }
  }${members}
}`;
}

/** The same in CommonJS, as tsc writes it. */
function inheritedCjs(imports: string, base: string, call: string): string {
  return `"use strict";
const pg_1 = require("pg");
${imports}
class Worker extends ${base} {
  async setup(pool, schema) {
    const client = await pool.connect();
    ${call};
    try {
      await client.query(schema);
    } finally {
      client.release();
    }
  }
}
exports.Worker = Worker;`;
}

/**
 * The case reports the call on `line` (column 5) before the `try`, the client acquired on the line before, with the
 * suggestion to move the call into the `try`.
 */
function onInherited(
  code: string,
  line: number,
  expression: string,
): { code: string; errors: { messageId: 'leakOnMayThrow'; line: number; column: number; data: Record<string, string>; suggestions: { messageId: 'moveIntoTry'; output: string }[] }[] } {
  const statement = /\n {4}(this\..*;)\n {4}try \{\n/.exec(code);
  if (!statement?.[1]) throw new Error('not an inherited case');
  const moved = statement[1];
  const output = code.replace(statement[0], () => `\n    try {\n      ${moved}\n`);
  return {
    code,
    errors: [{ messageId: 'leakOnMayThrow', line, column: 5, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: String(line - 1), line: String(line), expression, release: 'client.release()', anchor: 'it is acquired' }, suggestions: [{ messageId: 'moveIntoTry', output }] }],
  };
}

untypedTester.run('require-release (untyped, imported helpers)', rule, {
  valid: [
    // A helper that only reduces a literal array into template strings (langgraph-checkpoint-postgres's getTablesWithSchema).
    { filename: ts, code: checkout(`import { tables } from './helpers.js';`, 'tables(schema)') },
    // An arrow function bound to an exported const; a string conversion inside.
    { filename: ts, code: checkout(`import { label } from './helpers.js';`, 'label(schema)') },
    // Renamed on import, and through a namespace import.
    { filename: ts, code: checkout(`import { tables as t } from './helpers.js';`, 't(schema)') },
    { filename: ts, code: checkout(`import * as helpers from './helpers.js';`, 'helpers.tables(schema)') },
    // A re-export (`export { tables as reexportedTables } from './lib/impl.js'`): one hop to find the function.
    { filename: ts, code: checkout(`import { reexportedTables } from './helpers.js';`, 'reexportedTables(schema)') },
    // An imported string constant is a string: `String#replace` on it cannot throw (instrumentation-graphql, whose
    // TS source writes it as a `+` of two literals), also one written as a template literal.
    { filename: ts, code: checkout(`import { SEPARATOR } from './helpers.js';`, `SEPARATOR.concat(schema)`) },
    { filename: ts, code: checkout(`import { NOT_SUPPORTED } from './helpers.js';`, `NOT_SUPPORTED.replace('$name$', schema)`) },
    // A directory's index, and the specifier without an extension.
    { filename: ts, code: checkout(`import { quiet } from './lib';`, 'quiet()') },
    { filename: ts, code: checkout(`import { label } from './helpers';`, 'label(schema)') },
    // CommonJS: destructured require, a module object, tsc's \`(0, x_1.f)(…)\`, and an exported constant.
    { filename: cjs, code: checkoutCjs(`const { values } = require("./helpers.cjs");`, 'values(schema)') },
    { filename: cjs, code: checkoutCjs(`const helpers_1 = require("./helpers.cjs");`, 'helpers_1.values(schema)') },
    { filename: cjs, code: checkoutCjs(`const helpers_1 = require("./helpers.cjs");`, '(0, helpers_1.values)(schema)') },
    { filename: cjs, code: checkoutCjs(`const helpers_1 = require("./helpers.cjs");`, `helpers_1.OPERATION.replace('$name$', schema)`) },
    // \`module.exports = function …\` or \`= f\`: the required module is the function.
    { filename: cjs, code: checkoutCjs(`const quiet = require("./quiet.cjs");`, 'quiet(schema)') },
    { filename: cjs, code: checkoutCjs(`const label = require("./named.cjs");`, 'label(schema)') },
    // \`module.exports = { format }\` and \`module.exports.shout = function …\`.
    { filename: cjs, code: checkoutCjs(`const { format } = require("./objects.cjs");`, 'format(schema)') },
    { filename: cjs, code: checkoutCjs(`const objects = require("./objects.cjs");`, 'objects.shout(schema)') },
    // \`new\` of an imported class whose construction only assigns: ESM, a same-file superclass, CommonJS, and
    // \`module.exports = class …\`.
    { filename: ts, code: checkout(`import { Plain } from './classes.js';`, 'new Plain(schema)') },
    { filename: ts, code: checkout(`import { Derived } from './classes.js';`, 'new Derived(schema)') },
    { filename: ts, code: checkout(`import * as classes from './classes.js';`, 'new classes.Plain(schema)') },
    { filename: cjs, code: checkoutCjs(`const base_1 = require("./base.cjs");`, 'new base_1.BaseController(schema)') },
    { filename: cjs, code: checkoutCjs(`const Counter = require("./klass.cjs");`, 'new Counter()') },
    // In the same file too, a superclass whose construction cannot throw: \`super(…)\` constructs it.
    {
      filename: ts,
      code: checkout(`class Base {\n  constructor(name) {\n    this.name = name;\n  }\n}\nclass Local extends Base {\n  constructor(name) {\n    super(name);\n  }\n}`, 'new Local(schema)'),
    },
    // A class of this file that extends an imported class whose construction cannot throw.
    {
      filename: ts,
      code: checkout(`import { Plain } from './classes.js';\nclass Local extends Plain {\n  constructor(name) {\n    super(name);\n    this.local = true;\n  }\n}`, 'new Local(schema)'),
    },
    // A method the class inherits from an imported base class, whose body cannot throw (@metamask/controllers'
    // BaseController#configure): ESM, through a same-file superclass there, and CommonJS as tsc writes it.
    { filename: ts, code: inherited(`import { BaseController } from './classes.js';`, 'BaseController', 'this.configure({ schema }, false, false)') },
    { filename: ts, code: inherited(`import { Middle } from './classes.js';`, 'Middle', 'this.configure({ schema }, false, false)') },
    { filename: ts, code: inherited(`import { BaseController } from './classes.js';`, 'BaseController', 'this.refresh()') },
    {
      filename: cjs,
      code: inheritedCjs(`const BaseController_1 = require("./base.cjs");`, 'BaseController_1.BaseController', 'this.configure({ schema }, false, false)'),
    },
  ],
  invalid: [
    // The helper may throw: the call is an exception point.
    { filename: ts, ...onCall(checkout(`import { risky } from './helpers.js';`, 'risky(schema)'), 5) },
    { filename: cjs, ...onCall(checkoutCjs(`const helpers_1 = require("./helpers.cjs");`, 'helpers_1.risky(schema)'), 6) },
    { filename: cjs, ...onCall(checkoutCjs(`const { risky } = require("./helpers.cjs");`, 'risky(schema)'), 6) },
    // A helper that calls a function of a third file: that file is not read, so it may throw.
    { filename: ts, ...onCall(checkout(`import { far } from './helpers.js';`, 'far(schema)'), 5) },
    // A `let` export may be reassigned: not a constant.
    { filename: ts, ...onCall(checkout(`import { mutable } from './helpers.js';`, `mutable.replace('$name$', schema)`), 5) },
    // No such file, no such export, a package import: unknown, so it may throw.
    { filename: ts, ...onCall(checkout(`import { tables } from './missing.js';`, 'tables(schema)'), 5) },
    { filename: ts, ...onCall(checkout(`import { nothing } from './helpers.js';`, 'nothing(schema)'), 5) },
    { filename: ts, ...onCall(checkout(`import { tables } from 'helpers';`, 'tables(schema)'), 5) },
    // A file of another package is not read (here the helper is in the folder above pkg/package.json).
    { filename: inner, ...onCall(checkout(`import { tables } from '../helpers.js';`, 'tables(schema)'), 5) },
    // A file that does not parse: its exports may throw, and the rule does not crash.
    { filename: ts, ...onCall(checkout(`import { tables } from './broken.mjs';`, 'tables(schema)'), 5) },
    // \`module.exports = risky\` with \`function risky\` below it: the required function may throw.
    { filename: cjs, ...onCall(checkoutCjs(`const risky = require("./risky.cjs");`, 'risky(schema)'), 6) },
    { filename: cjs, ...onCall(checkoutCjs(`const objects = require("./objects.cjs");`, 'objects.check(schema)'), 6) },
    // A required module wrapped in an interop helper is a module object, not the function.
    { filename: cjs, ...onCall(checkoutCjs(`const quiet = __importDefault(require("./quiet.cjs"));`, 'quiet(schema)'), 6) },
    // A constructor or a field initialiser that may throw; a superclass from a package; a class not found.
    { filename: ts, ...onCall(checkout(`import { Risky } from './classes.js';`, 'new Risky(schema)'), 5) },
    { filename: ts, ...onCall(checkout(`import { RiskyField } from './classes.js';`, 'new RiskyField()'), 5) },
    { filename: ts, ...onCall(checkout(`import { Emitter } from './classes.js';`, 'new Emitter()'), 5) },
    { filename: ts, ...onCall(checkout(`import { Missing } from './classes.js';`, 'new Missing()'), 5) },
    { filename: ts, ...onCall(checkout(`import { Plain } from './broken.mjs';`, 'new Plain(schema)'), 5) },
    // A class of this file whose imported superclass may throw.
    { filename: ts, ...onCall(checkout(`import { Risky } from './classes.js';\nclass Local extends Risky {}`, 'new Local(schema)'), 6) },
    // A same-file superclass whose constructor may throw.
    {
      filename: ts,
      ...onCall(checkout(`class Base {\n  constructor(name) {\n    if (!name) throw new Error('no name');\n  }\n}\nclass Local extends Base {}`, 'new Local(schema)'), 10),
    },
    // An inherited method whose body may throw.
    {
      filename: ts,
      ...onInherited(inherited(`import { BaseController } from './classes.js';`, 'BaseController', 'this.validate(schema)'), 6, 'this.validate(schema)'),
    },
    {
      filename: cjs,
      ...onInherited(inheritedCjs(`const BaseController_1 = require("./base.cjs");`, 'BaseController_1.BaseController', 'this.validate(schema)'), 7, 'this.validate(schema)'),
    },
    // The base method calls \`this.hook()\`, which this class replaces with one that may throw: that one runs.
    {
      filename: ts,
      ...onInherited(
        inherited(`import { BaseController } from './classes.js';`, 'BaseController', 'this.refresh()', `\n  hook() {\n    throw new Error('no');\n  }`),
        6,
        'this.refresh()',
      ),
    },
    // A base class's constructor assigns \`this.configure\` (the base's subclass there, or the class that declares the
    // method): that own property, not the method, is called.
    {
      filename: cjs,
      ...onInherited(
        inheritedCjs(`const BaseController_1 = require("./base.cjs");`, 'BaseController_1.Shadowed', 'this.configure({ schema }, false, false)'),
        7,
        'this.configure({ schema }, fa…',
      ),
    },
    {
      filename: cjs,
      ...onInherited(
        inheritedCjs(`const BaseController_1 = require("./base.cjs");`, 'BaseController_1.SelfShadowed', 'this.configure({ schema }, false, false)'),
        7,
        'this.configure({ schema }, fa…',
      ),
    },
    // A base class from a package, or from a file that is not found: the inherited method is unknown.
    {
      filename: ts,
      ...onInherited(inherited(`import { BaseController } from '@metamask/base-controller';`, 'BaseController', 'this.configure({ schema }, false, false)'), 6, 'this.configure({ schema }, fa…'),
    },
    {
      filename: ts,
      ...onInherited(inherited(`import { BaseController } from './missing.js';`, 'BaseController', 'this.configure({ schema }, false, false)'), 6, 'this.configure({ schema }, fa…'),
    },
    // A method the base class does not have: unknown.
    {
      filename: ts,
      ...onInherited(inherited(`import { BaseController } from './classes.js';`, 'BaseController', 'this.unknown(schema)'), 6, 'this.unknown(schema)'),
    },
  ],
});

/** A worker that re-queues the item when `call` throws, with no retry cap. */
function requeueOnThrow(imports: string, call: string): string {
  return `${imports}
export async function worker(q) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    ${call};
  } catch {
    q.addRateLimited(item);
  }
  q.done(item);
}`;
}

// bounded-retries reaches its \`catch\` through what may throw: an imported helper that cannot throw leaves the
// re-queue unreachable.
untypedTester.run('bounded-retries (untyped, imported helpers)', boundedRetries, {
  valid: [
    { filename: ts, code: requeueOnThrow(`import { label } from './helpers.js';`, 'label(item)') },
    { filename: cjs, code: requeueOnThrow(`const quiet = require("./quiet.cjs");`, 'quiet(item)') },
  ],
  invalid: [
    {
      filename: ts,
      code: requeueOnThrow(`import { risky } from './helpers.js';`, 'risky(item)'),
      errors: [
        {
          messageId: 'unboundedRetry',
          line: 8,
          column: 5,
          data: { call: 'q.addRateLimited(item)', acquireLine: 3, queue: 'q', item: 'item' },
          suggestions: [],
        },
      ],
    },
  ],
});
