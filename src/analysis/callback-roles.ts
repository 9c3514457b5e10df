/**
 * When a callback runs, by the call it is given to: the tables of Node's, the DOM's, ECMAScript's and OpenTelemetry's
 * callback-taking functions, and the {@link Role} a callback plays for the resource it releases (ownership.ts).
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isAwaiterCall } from './down-level.js';
import { PROMISE_LINKS } from './promise-chains.js';
import { memberName, methodCall, unwrapValue } from './syntax.js';

/** Callbacks run zero or many times: a release inside releases nothing for sure. */
const ITERATION_METHODS = new Set([
  'forEach',
  'map',
  'filter',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'reduce',
  'reduceRight',
  'flatMap',
  'sort',
]);
/** Global functions that run their callback exactly once, later. */
const ONCE_TIMERS = new Set(['setTimeout', 'setImmediate', 'queueMicrotask']);
/** Methods that run their callback exactly once, at the index given (-1: the last argument). */
const ONCE_METHODS = new Map<string, number>([
  ['with', 1],
  ['run', 1],
  ['exit', 0],
  ['runExclusive', 0],
  ['startActiveSpan', -1],
  ['nextTick', 0],
]);

/** Methods that register an event listener: `(event, listener)`. */
export const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
/** Methods that remove one: `(event, listener)`. */
export const REMOVAL_METHODS = new Set(['removeListener', 'off']);

/**
 * Methods whose last-argument callback may run many times, or that register it for later: never a completion
 * callback (see {@link isErrback}). Listener registrations and removals, the DOM's, iteration methods, a promise's
 * links, Express's `use` (an error middleware `(err, req, res, next)` runs once per failed request), `each`
 * (sqlite3's `db.each(sql, (err, row) => …)` and the MongoDB driver's `cursor.each` call back once per row), and
 * `bind` (OpenTelemetry's `context.bind(ctx, fn)`, `AsyncResource.bind(fn)`, `fn.bind(this)`: they return a wrapper
 * that runs `fn` whenever it is called, which is where the wrapper goes, not now).
 */
const NOT_COMPLETION_METHODS = new Set([
  ...LISTENER_METHODS,
  ...REMOVAL_METHODS,
  'addEventListener',
  'removeEventListener',
  ...ITERATION_METHODS,
  ...PROMISE_LINKS,
  'use',
  'each',
  'bind',
]);
/** Global functions that run their callback many times. */
const REPEATING_GLOBALS = new Set(['setInterval']);
/**
 * OpenTelemetry's `safeExecuteInTheMiddle(execute, onFinish)`: `onFinish(error, result)` runs once, right after
 * `execute`, and the exception is rethrown after it. Instrumentations end the span there only on the error
 * (`(error) => { if (error) span.end(); }`) and leave the result to end it otherwise (a wrapped callback, the
 * promise's handlers): a finish hook, not a completion callback, so it keeps the hand-off it was.
 */
const FINISH_HOOKS = new Set(['safeExecuteInTheMiddle', 'safeExecuteInTheMiddleAsync']);

/** How a Node-style completion callback names its first parameter: `err`, `error`, `er`, `_err`, `err2`, `error_1`. */
const ERROR_PARAMETER = /^_*(?:err|error|er)(?:_?\d+)?$/i;

/**
 * `once`: runs exactly once (or never, as a timer that never fires), and releases as it does on its own paths.
 * `errback`: a Node-style completion callback, as `once`, except that one which never releases hands the resource on,
 * as it did as an `owner`. `owner`: may run any number of times, at any time: takes ownership. `none`: runs once per
 * element. `finish`: a `'finish'` listener.
 */
export type Role = 'once' | 'errback' | 'none' | 'owner' | 'finish';

/**
 * How the callback at argument `index` of `call` runs: once (a timer's, `context.with`'s, tsc's `__awaiter` body),
 * once per element (an iteration method), as a `'finish'` listener (`event`), or at any time (`owner`).
 */
export function callbackRole(
  call: TSESTree.CallExpression,
  index: number,
  event: string | undefined,
  isGlobal: (identifier: TSESTree.Identifier) => boolean,
): Role {
  if (index === 1 && event === 'finish') return 'finish';
  const callee = unwrapValue(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier && ONCE_TIMERS.has(callee.name) && isGlobal(callee)) {
    return index === 0 ? 'once' : 'owner';
  }
  // tsc's `__awaiter(this, …, function* () { … })` runs the async body once, as an async IIFE does (down-level.ts).
  if (index === 3 && isAwaiterCall(call)) return 'once';
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(callee);
    if (name !== undefined && ITERATION_METHODS.has(name)) return 'none';
    const at = name === undefined ? undefined : ONCE_METHODS.get(name);
    if (at !== undefined && (at === index || (at === -1 && index === call.arguments.length - 1))) return 'once';
  }
  return 'owner';
}

/**
 * A Node-style completion callback (an errback): a function written in place as the last argument of a call, whose
 * first parameter is named like an error ({@link ERROR_PARAMETER}), given to a call that is not a listener
 * registration, an iteration method, a promise link or another method that calls back many times
 * ({@link NOT_COMPLETION_METHODS}), nor `setInterval`. Node's convention is that such a callback runs exactly once,
 * when the operation completes (`fs.readFile(path, cb)`, `client.query(sql, cb)`, `sendAsync(payload, cb)`), or
 * never, as a timer that never fires.
 */
export function isErrback(call: TSESTree.CallExpression, arg: TSESTree.Node, isGlobal: (id: TSESTree.Identifier) => boolean): boolean {
  if (arg !== call.arguments[call.arguments.length - 1]) return false;
  if (arg.type !== AST_NODE_TYPES.ArrowFunctionExpression && arg.type !== AST_NODE_TYPES.FunctionExpression) return false;
  const first = arg.params[0];
  if (first?.type !== AST_NODE_TYPES.Identifier || !ERROR_PARAMETER.test(first.name)) return false;
  const callee = unwrapValue(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return !FINISH_HOOKS.has(callee.name) && !(REPEATING_GLOBALS.has(callee.name) && isGlobal(callee));
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return true;
  // A computed method (`emitter[method](…)`) may be any of them.
  const name = memberName(callee);
  return name !== undefined && !NOT_COMPLETION_METHODS.has(name) && !FINISH_HOOKS.has(name);
}

/** The event a listener registration names with a string: `res.once('finish', …)` → `finish`. */
export function listenerEvent(call: TSESTree.CallExpression): string | undefined {
  const method = methodCall(call, LISTENER_METHODS);
  const first = call.arguments[0];
  if (!method || !first) return undefined;
  if (first.type === AST_NODE_TYPES.Literal && typeof first.value === 'string') return first.value;
  if (first.type === AST_NODE_TYPES.TemplateLiteral && first.expressions.length === 0) return first.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/**
 * The events a Node stream emits `'close'` after: it is destroyed once it has ended, finished or failed (`autoDestroy`,
 * the default since Node 14), and `'close'` comes last. `'end'` and `'error'` (or `'finish'` and `'error'`) are the
 * stream's alternatives: one that failed does not end.
 */
const FOLLOWED_BY_CLOSE: ReadonlySet<string> = new Set(['end', 'finish', 'error']);

/**
 * Listeners registered on one emitter for `a` and for `b` may both run: an event comes to every listener registered
 * for it, and a stream emits `'close'` after `'end'`, `'finish'` or `'error'`. Other pairs of names are not judged.
 */
export function eventsMayBothFire(a: readonly string[], b: readonly string[]): boolean {
  return coFiringEvents(a, b) !== undefined;
}

/** The first event of `a` and one of `b` that may both fire (see {@link eventsMayBothFire}), for messages. */
export function coFiringEvents(a: readonly string[], b: readonly string[]): [string, string] | undefined {
  for (const x of a) {
    for (const y of b) if (x === y || (x === 'close' && FOLLOWED_BY_CLOSE.has(y)) || (y === 'close' && FOLLOWED_BY_CLOSE.has(x))) return [x, y];
  }
  return undefined;
}

/**
 * Where both come, `earlier` comes in an emit of its own before `later`: `'end'`, `'finish'` or `'error'` before
 * `'close'` (the stream is destroyed once it has ended). Never for one event: an emitter calls every listener that was
 * registered when the emit began, so a listener removed by another of the same emit still runs.
 */
export function firesBefore(earlier: string, later: string): boolean {
  return later === 'close' && FOLLOWED_BY_CLOSE.has(earlier);
}
