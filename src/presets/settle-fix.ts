import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isAwaiterBody } from '../analysis/down-level.js';
import type { Exit, Obligation } from '../analysis/events.js';
import type { FixQueries } from '../analysis/fixes.js';
import { handleText } from '../analysis/report.js';
import { isFunctionNode, receiverText } from '../analysis/syntax.js';
import type { Pair } from './pair.js';

/**
 * The broker presets' suggestion: settle the delivery as failed right before a `return` that leaves it held
 * (`channel.nack(msg, false, false); return;`). Offered only where it cannot settle twice: nothing before the
 * `return` in its function settles the delivery, and the settle can be written (a name for the message, an `await`
 * only in an async function).
 */
export function settleBeforeReturn(
  sourceCode: Readonly<TSESLint.SourceCode>,
  queries: FixQueries,
  ob: Obligation,
  pair: Pair,
  exit: Exit,
): { messageId: string; data: Record<string, string>; fix: TSESLint.ReportFixFunction } | undefined {
  if (exit.type !== 'return' || exit.node.type !== AST_NODE_TYPES.ReturnStatement || !ob.acquire || !pair.errorSettle) return undefined;
  const ret = exit.node;
  const fn = ob.fn.node;
  const handle = handleText(ob);
  const receiver = ob.receiverNode && receiverText(sourceCode, ob.receiverNode);
  if (!handle || receiver === undefined || !isFunctionNode(fn)) return undefined;
  let settle = pair.errorSettle(receiver, handle, ob.acquire);
  // In tsc's down-levelled async body (a generator), `await` is written `yield`.
  if (settle?.startsWith('await ') && isAwaiterBody(fn)) settle = `yield ${settle.slice('await '.length)}`;
  if (!settle || (settle.startsWith('await ') && !fn.async)) return undefined;
  if (settledBefore(queries, ob, ret, fn)) return undefined;
  const parent = ret.parent;
  const inList =
    parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.SwitchCase || parent.type === AST_NODE_TYPES.Program;
  const line = sourceCode.lines[ret.loc.start.line - 1] ?? '';
  const before = line.slice(0, ret.loc.start.column);
  return {
    messageId: 'settleBeforeReturn',
    data: { release: settle },
    fix: (fixer) =>
      inList
        ? fixer.insertTextBefore(ret, /^\s*$/.test(before) ? `${settle};\n${before}` : `${settle}; `)
        : fixer.replaceText(ret, `{ ${settle}; ${sourceCode.getText(ret)} }`),
  };
}

/** Some statement that runs before `ret` in its function may settle the delivery (then a settle here could be a second). */
function settledBefore(queries: FixQueries, ob: Obligation, ret: TSESTree.Node, fn: TSESTree.Node): boolean {
  let child: TSESTree.Node = ret;
  for (let current = ret.parent; current && current !== fn; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.BlockStatement || current.type === AST_NODE_TYPES.Program || current.type === AST_NODE_TYPES.SwitchCase) {
      const list: readonly TSESTree.Node[] = current.type === AST_NODE_TYPES.SwitchCase ? current.consequent : current.body;
      for (const statement of list) {
        if (statement === child) break;
        if (queries.containsRelease(statement, ob)) return true;
      }
    } else if (current.type === AST_NODE_TYPES.TryStatement && child !== current.block) {
      if (queries.containsRelease(current.block, ob)) return true;
      if (child === current.finalizer && current.handler && queries.containsRelease(current.handler, ob)) return true;
    } else if (current.type === AST_NODE_TYPES.SwitchStatement) {
      // Earlier cases fall through into this one.
      for (const branch of current.cases) {
        if (branch === child) break;
        if (queries.containsRelease(branch, ob)) return true;
      }
    } else if (current.type === AST_NODE_TYPES.IfStatement || current.type === AST_NODE_TYPES.ConditionalExpression) {
      if (queries.containsRelease(current.test, ob)) return true;
    }
  }
  return false;
}
