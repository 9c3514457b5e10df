/**
 * Promise chains: which calls are links of one (`.then`/`.catch`/`.finally`), and whether a chain settles for the
 * function that built it. What its handlers release is ownership.ts's question.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isAwaiterYield } from './down-level.js';
import { memberName, wrappedValue } from './syntax.js';

export const PROMISE_LINKS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/** `call` is the object of a further `.then`/`.catch`/`.finally` link. */
export function isChainLink(parent: TSESTree.Node | undefined, call: TSESTree.Node): boolean {
  if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== call) return false;
  const name = memberName(parent);
  return name !== undefined && PROMISE_LINKS.has(name) && parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent;
}

/**
 * The chain's handlers run for this function: the chain is awaited, returned, deliberately detached with `void`,
 * or left as a statement (a detached chain still settles).
 */
export function settlesHere(top: TSESTree.Node): boolean {
  const node = wrappedValue(top);
  const parent = node.parent;
  if (!parent) return false;
  if (isAwaiterYield(parent)) return true;
  switch (parent.type) {
    case AST_NODE_TYPES.AwaitExpression:
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ExpressionStatement:
      return true;
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === 'void';
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return parent.body === node;
    default:
      return false;
  }
}
