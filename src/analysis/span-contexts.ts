/**
 * OpenTelemetry contexts that hold a span. `trace.setSpan(ctx, span)` returns a Context with the span in it: whoever
 * gets the context can end the span (`trace.getSpan(ctx)?.end()`, or `trace.getActiveSpan()` in code run in it), so
 * the context carries the span as an object literal holding it does ({@link HandleIndex.carried}), and hands it on
 * only where it escapes: returned, stored, or captured by a closure (or bound by `context.bind(ctx, fn)` into a
 * function) that escapes. Passed to a call it does not: what takes a context reads it (a parent for `startSpan`, the
 * ids to inject or to log), and `context.with(ctx, fn)` runs `fn` at once. `trace.setSpanContext(ctx, span.spanContext())`
 * holds only the span's ids, a span no one can end: it carries nothing.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { memberName, unwrapValue } from './syntax.js';

/** What a call's result carries: some of its arguments' obligations, and whether the result is a function. */
export interface Carrying {
  readonly operands: readonly TSESTree.Node[];
  /** `context.bind(ctx, fn)`: a function that runs in the context, kept by whoever it is given to. */
  readonly callable: boolean;
}

/** The API's methods whose result carries some of their arguments. */
const CARRYING_METHODS = new Map<string, { readonly indexes: readonly number[]; readonly callable: boolean }>([
  ['setSpan', { indexes: [1], callable: false }],
  ['bind', { indexes: [0, 1], callable: true }],
]);

/**
 * What a call's result carries ({@link Carrying}): the span of `trace.setSpan(ctx, span)`, the context and function
 * of `context.bind(ctx, fn)`. The method's name is asked first, so the OpenTelemetry question (a type question,
 * typed) is put to those calls only; the answer is remembered per call.
 */
export function carryingCalls(isOtelCall: (call: TSESTree.CallExpression) => boolean): (call: TSESTree.CallExpression) => Carrying | undefined {
  const known = new Map<TSESTree.CallExpression, Carrying | null>();
  return (call) => {
    const callee = unwrapValue(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const name = memberName(callee);
    const method = name === undefined ? undefined : CARRYING_METHODS.get(name);
    if (!method || call.arguments.length < 2 || call.arguments.some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) return undefined;
    let carrying = known.get(call);
    if (carrying === undefined) {
      carrying = isOtelCall(call) ? { operands: method.indexes.map((index) => call.arguments[index] as TSESTree.Node), callable: method.callable } : null;
      known.set(call, carrying);
    }
    return carrying ?? undefined;
  };
}
