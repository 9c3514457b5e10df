/**
 * Calls that throw wherever they run, because of the path they are on: `signal.throwIfAborted()` in a block entered
 * only when `signal.aborted`. An `AbortSignal` never goes back from aborted, so the test still holds when the call
 * runs, and `throwIfAborted()` on an aborted signal throws its reason. The usual form releases and rethrows:
 *
 * ```js
 * if (signal?.aborted || retire?.aborted) {
 *   client.release();
 *   signal?.throwIfAborted();
 *   retire?.throwIfAborted();
 * }
 * ```
 *
 * One of the two calls throws, so nothing after the block runs on this path: the block ends like a `throw`. The
 * call that ends it is the one after which every signal of the test has had its `throwIfAborted()`. Each signal must
 * be a stable reference (a variable never assigned after its declaration, and property reads from it), so the test
 * and the calls name the same object; the calls must be statements of the block itself, not conditional.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import type { HandleIndex } from './handles.js';
import { memberName, unwrapValue } from './syntax.js';

/** The stable key of `signal` in `signal.throwIfAborted()` (or `signal?.throwIfAborted()`), if it is one. */
function abortCheckOf(handles: HandleIndex, statement: TSESTree.Statement): string | undefined {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  const call = unwrapValue(statement.expression);
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.length > 0) return undefined;
  const callee = unwrapValue(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'throwIfAborted') return undefined;
  return handles.stableKey(callee.object);
}

/** The signals `test` says are aborted when it is truthy: `a.aborted`, or a `||` of such reads. */
function abortedSignals(handles: HandleIndex, test: TSESTree.Node): Set<string> | undefined {
  const value = unwrapValue(test);
  if (value.type === AST_NODE_TYPES.LogicalExpression && value.operator === '||') {
    const left = abortedSignals(handles, value.left);
    const right = abortedSignals(handles, value.right);
    return left && right && new Set([...left, ...right]);
  }
  if (value.type !== AST_NODE_TYPES.MemberExpression || memberName(value) !== 'aborted') return undefined;
  const key = handles.stableKey(value.object);
  return key === undefined ? undefined : new Set([key]);
}

/** `statement` is the `throwIfAborted()` that, on its path, always throws. */
export function alwaysThrows(handles: HandleIndex, statement: TSESTree.ExpressionStatement): boolean {
  if (abortCheckOf(handles, statement) === undefined) return false;
  const block = statement.parent;
  const owner = block.type === AST_NODE_TYPES.BlockStatement ? block.parent : block;
  if (owner.type !== AST_NODE_TYPES.IfStatement || (owner.consequent !== block && owner.consequent !== statement)) return false;
  const signals = abortedSignals(handles, owner.test);
  if (!signals) return false;
  const statements = block.type === AST_NODE_TYPES.BlockStatement ? block.body : [statement];
  const checked = new Set<string>();
  for (const earlier of statements) {
    const key = abortCheckOf(handles, earlier);
    if (key !== undefined) checked.add(key);
    if (earlier === statement) return [...signals].every((signal) => checked.has(signal));
    // An earlier statement that already ends the block on every signal: this call is never reached.
    if (key !== undefined && [...signals].every((signal) => checked.has(signal))) return false;
  }
  return false;
}
