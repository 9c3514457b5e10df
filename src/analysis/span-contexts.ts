/**
 * OpenTelemetry contexts that hold a span. `trace.setSpan(ctx, span)` returns a Context with the span in it: whoever
 * gets the context can end the span (`trace.getSpan(ctx)?.end()`, or `trace.getActiveSpan()` in code run in it), so
 * the context carries the span as an object literal holding it does ({@link HandleIndex.carried}), and hands it on
 * only where it goes on: returned, stored, captured by a closure that escapes. `context.bind(ctx, fn)` returns `fn`
 * bound to `ctx`: the wrapper carries what the context (and `fn`) carry. `trace.setSpanContext(ctx, span.spanContext())`
 * holds only the span's ids, a span no one can end: it carries nothing.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { memberName, unwrapValue } from './syntax.js';

/** The API's methods whose result carries some of their arguments, with the indexes of those arguments. */
const CARRYING_METHODS = new Map<string, readonly number[]>([
  ['setSpan', [1]],
  ['bind', [0, 1]],
]);

const NO_OPERANDS: readonly TSESTree.Node[] = [];

/**
 * The arguments whose obligations the call's result carries: the span of `trace.setSpan(ctx, span)`, the context and
 * function of `context.bind(ctx, fn)`. The method's name is asked first, so the OpenTelemetry question (a type
 * question, typed) is put to those calls only; the answer is remembered per call.
 */
export function carryingOperands(isOtelCall: (call: TSESTree.CallExpression) => boolean): (call: TSESTree.CallExpression) => readonly TSESTree.Node[] {
  const known = new Map<TSESTree.CallExpression, readonly TSESTree.Node[]>();
  return (call) => {
    const callee = unwrapValue(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return NO_OPERANDS;
    const name = memberName(callee);
    const indexes = name === undefined ? undefined : CARRYING_METHODS.get(name);
    if (!indexes || call.arguments.length < 2 || call.arguments.some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) return NO_OPERANDS;
    let operands = known.get(call);
    if (!operands) {
      operands = isOtelCall(call) ? indexes.map((index) => call.arguments[index] as TSESTree.Node) : NO_OPERANDS;
      known.set(call, operands);
    }
    return operands;
  };
}
