/**
 * What the throw model knows without asking anyone: the built-ins, host globals and library methods that cannot
 * throw, by name. docs/analysis.md says why each entry holds. Shared by the call-site model (ESLint's tree) and the
 * typed summaries of other files (TypeScript's tree).
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isFunctionNode, memberName, memberRoot, unwrapValue } from './syntax.js';

/** Global functions (and namespaces whose every function) that cannot throw, by callee path. */
/** Global built-ins whose result is always a new array (whether the call itself may throw is asked separately). */
export const ARRAY_RETURNING_GLOBAL_CALLS = new Set([
  'Object.keys',
  'Object.values',
  'Object.entries',
  'Object.getOwnPropertyNames',
  'Object.getOwnPropertySymbols',
  'Array.from',
  'Array.of',
]);

/** Global built-ins whose result is an array of new `[key, value]` arrays: destructuring an element iterates an array. */
export const ENTRY_ARRAY_GLOBAL_CALLS = new Set(['Object.entries']);

export const NON_THROWING_GLOBAL_CALLS = new Set([
  'Date.now',
  'Number.isFinite',
  'Number.isInteger',
  'Number.isNaN',
  'Number.isSafeInteger',
  'Array.isArray',
  'Object.is',
  'Symbol',
  'performance.now',
  'process.hrtime',
  'process.hrtime.bigint',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  // Only property reads and writes, which the model does not count as throw points (a TypeError from a null or a
  // frozen object, or a throwing accessor, is a bug of its own, not a path the code meant to take).
  'Object.assign',
  'Object.keys',
  'Object.values',
  'Object.entries',
  'Object.freeze',
  'Object.seal',
  'Object.isFrozen',
  'Object.getPrototypeOf',
  'Object.getOwnPropertyNames',
  'Object.hasOwn',
  'Array.of',
  // The conversion a template literal does, which is no throw point either; `Boolean` cannot fail at all.
  'String',
  'Boolean',
  'Symbol.for',
  // The same conversion to a string or a number, then a parse that returns `NaN` on text it cannot read: they throw
  // only on a `Symbol` or an object whose `valueOf` / `toString` throws — bugs of the same class.
  'Number',
  'parseInt',
  'parseFloat',
  'Number.parseInt',
  'Number.parseFloat',
]);
// Not `JSON.stringify`: its TypeError for a BigInt or a cycle comes from the value it is given, and a caller's
// arbitrary input can hold either (langchain's handlers stringify what their callers pass; two such reports are real
// leaks on the benchmark). `JSON.parse` throws on text it cannot read.
export const NON_THROWING_GLOBAL_NAMESPACES = new Set(['Math', 'console', 'Promise']);
/** Constructors that cannot throw on any argument. */
export const NON_THROWING_CONSTRUCTORS = new Set([
  'Date',
  'Promise',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
]);
/** Constructors that cannot throw when called without arguments. */
export const NON_THROWING_EMPTY_CONSTRUCTORS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'AbortController', 'TextDecoder', 'TextEncoder']);
export const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'ReadonlyMap', 'ReadonlySet']);
export const COLLECTION_METHODS = new Set(['get', 'has', 'set', 'add', 'delete', 'clear']);
export const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
/**
 * OpenTelemetry's packages: the specification requires the API and its implementations never to throw at run time;
 * a function that runs a callback it is given (`context.with`, `startActiveSpan`, `safeExecuteInTheMiddle`) lets the
 * callback's exceptions through.
 */
export const OTEL_SCOPE = '@opentelemetry/';
/**
 * The OpenTelemetry functions that run a callback they are given, for an argument whose type is unknown. Not
 * `context.bind(ctx, fn)`: it returns a wrapper and runs nothing.
 */
export const OTEL_CALLBACK_RUNNERS = new Set(['with', 'startActiveSpan', 'safeExecuteInTheMiddle', 'safeExecuteInTheMiddleAsync']);
/** String methods that cannot throw on a string (`replaceAll` does, with a non-global RegExp; `repeat`, `normalize`…). */
export const SAFE_STRING_METHODS = new Set([
  'at',
  'charAt',
  'charCodeAt',
  'codePointAt',
  'concat',
  'endsWith',
  'includes',
  'indexOf',
  'lastIndexOf',
  'padEnd',
  'padStart',
  'replace',
  'slice',
  'split',
  'startsWith',
  'substring',
  'toLowerCase',
  'toUpperCase',
  'toString',
  'trim',
  'trimEnd',
  'trimStart',
]);
/**
 * `value.toString()` without arguments converts to a string, as a template literal or `String(value)` does; the model
 * counts neither as a throw point, whatever the value (a throwing `toString`, or a `null` receiver, is a bug of its
 * own, like a throwing property read). With an argument it is a different method (`Number#toString(radix)` throws a
 * RangeError, `Buffer#toString(encoding)` a TypeError).
 */
export function isStringConversion(method: string, argumentCount: number): boolean {
  return method === 'toString' && argumentCount === 0;
}

/** Array methods that take no function and cannot throw on an array (`with` can: RangeError). */
export const ARRAY_METHODS = new Set([
  'at',
  'concat',
  'entries',
  'fill',
  'flat',
  'includes',
  'indexOf',
  'join',
  'keys',
  'lastIndexOf',
  'pop',
  'push',
  'reverse',
  'shift',
  'slice',
  'splice',
  'toReversed',
  'toSpliced',
  // `join(',')`, as `join` does.
  'toString',
  'unshift',
  'values',
]);
/** Array methods that run a function they are given: they throw only what it throws. */
export const ARRAY_CALLBACK_METHODS = new Set([
  'every',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'forEach',
  'map',
  'some',
  'sort',
  'toSorted',
]);
/** `reduce` without an initial value throws on an empty array. */
export const ARRAY_REDUCERS = new Set(['reduce', 'reduceRight']);

/** Registering or removing an event listener: Node's EventEmitter and the DOM's EventTarget never throw on it. */
export const LISTENER_METHODS = new Set([
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
  'off',
  'removeListener',
  'addEventListener',
  'removeEventListener',
]);

/** `emitter.on('end', () => …)`: an event name and a listener that is a function. */
export function isListenerRegistration(call: TSESTree.CallExpression, method: string): boolean {
  if (!LISTENER_METHODS.has(method)) return false;
  const [event, listener] = call.arguments;
  if (!event || !listener) return false;
  const eventKind = unwrapValue(event);
  const named = eventKind.type === AST_NODE_TYPES.Literal || eventKind.type === AST_NODE_TYPES.TemplateLiteral || eventKind.type === AST_NODE_TYPES.Identifier || eventKind.type === AST_NODE_TYPES.MemberExpression;
  const value = unwrapValue(listener);
  return named && (isFunctionNode(value) || value.type === AST_NODE_TYPES.Identifier || value.type === AST_NODE_TYPES.MemberExpression);
}

/**
 * The level methods of a logger (pino, winston, bunyan, log4js, npmlog, NestJS's `Logger`, loglevel, a team's own
 * wrapper of one). They format the message and hand it to a transport, which reports its own failures by emitting
 * `'error'` or by dropping the line: a log call does not throw, which is why nobody wraps one in a `try`.
 */
export const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'verbose', 'silly', 'log', 'notice', 'http']);

/**
 * A receiver named for a logger: `logger`, `log`, `_logger`, `internalLogger`, `this.log`, `requestLogger`, and
 * OpenTelemetry's diagnostic logger `diag` (`this._diag` of every instrumentation, `diag.createComponentLogger(…)`).
 */
const LOGGER_NAME = /^_*(?:log|logging|diag|[A-Za-z0-9_$]*logger)$/i;

/**
 * `logger.info(…)`, `this.log.error(…)`, `Client.internalLogger.debug(…)`: a level method of a receiver named for a
 * logger, given no function to run (some loggers call a message function lazily; its exceptions would pass).
 */
export function isLoggingCall(path: readonly string[] | undefined, givenFunction: boolean): boolean {
  if (!path || path.length === 0 || givenFunction) return false;
  const name = path[path.length - 1] as string;
  if (ERROR_SINK_NAME.test(name)) return true;
  return path.length >= 2 && LOG_METHODS.has(name) && LOGGER_NAME.test(path[path.length - 2] as string);
}

/**
 * A function named for what records an error, called as one: a noun for an error logger or reporter
 * (`exceptionLogger(error)`, `this.config.errorReporter?.(e)`) or a verb that logs, reports or captures an error
 * (`Sentry.captureException(e)`, `reportError(e)`, `logError(e)`). A program calls it in a `catch` to record what
 * happened, not to decide what happens next; like a logger it hands the error to a sink. Not a handler
 * (`onError`, `handleError`, `errorHandler`): a handler decides the path, and rethrowing is one of its answers.
 */
const ERROR_SINK_NAME = /^_*(?:(?:error|exception)(?:logger|reporter)|(?:log|report|capture)(?:error|exception))$/i;

/**
 * The callee path a call runs: `f.call(thisArg, …)` and `f.apply(thisArg, args)` run `f`, and tsc's down-levelled
 * optional call `(_b = (_a = o.config).hook) === null || _b === void 0 ? void 0 : _b.call(_a, error)` runs
 * `o.config.hook` (the temporaries' assignments are read through).
 */
export function invokedPath(call: TSESTree.CallExpression): string[] | undefined {
  const callee = unwrapValue(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return calleePath(callee);
  const method = memberName(callee);
  if (method !== 'call' && method !== 'apply') return calleePath(callee);
  const target = unwrapValue(callee.object);
  const temp = target.type === AST_NODE_TYPES.Identifier ? optionalCallTemp(call, target.name) : undefined;
  return pathThroughTemps(temp ?? target);
}

/** In `(_b = E) === null || _b === void 0 ? void 0 : _b.call(…)`, what `_b` holds: `E`. */
function optionalCallTemp(call: TSESTree.CallExpression, name: string): TSESTree.Node | undefined {
  const conditional = call.parent;
  if (conditional.type !== AST_NODE_TYPES.ConditionalExpression || conditional.alternate !== call) return undefined;
  const test = conditional.test;
  if (test.type !== AST_NODE_TYPES.LogicalExpression || test.operator !== '||') return undefined;
  const left = test.left;
  if (left.type !== AST_NODE_TYPES.BinaryExpression || left.operator !== '===') return undefined;
  const assignment = left.left;
  if (assignment.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=') return undefined;
  return assignment.left.type === AST_NODE_TYPES.Identifier && assignment.left.name === name ? assignment.right : undefined;
}

/** {@link calleePath}, reading a temporary's assignment (`(_a = plugin._config).hook`) as the value it assigns. */
function pathThroughTemps(node: TSESTree.Node): string[] | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.AssignmentExpression && value.operator === '=') return pathThroughTemps(value.right);
  if (value.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(value);
    const object = name === undefined ? undefined : pathThroughTemps(value.object);
    return object && name !== undefined ? [...object, name] : undefined;
  }
  return calleePath(value);
}

/** The dotted path of a callee (`console.log`, `this.logger.info` → `logger.info`), if it is one. */
export function calleePath(node: TSESTree.Node): string[] | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Identifier) return [value.name];
  if (value.type === AST_NODE_TYPES.ThisExpression) return [];
  if (value.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(value);
    const object = name === undefined ? undefined : calleePath(value.object);
    return object && name !== undefined ? [...object, name] : undefined;
  }
  return undefined;
}

/** The identifier a callee path starts from (`console` in `console.log`). */
export function rootIdentifier(node: TSESTree.Node): TSESTree.Identifier | undefined {
  const value = memberRoot(node);
  return value.type === AST_NODE_TYPES.Identifier ? value : undefined;
}

export function pathMatches(pattern: string, path: readonly string[]): boolean {
  const parts = pattern.replace(/^this\./, '').split('.');
  if (parts.length !== path.length) return false;
  return parts.every((part, index) => part === '*' || part === path[index]);
}
