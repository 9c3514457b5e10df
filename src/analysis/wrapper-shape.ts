/**
 * Whether a function of another file has the shape of a wrapper, read from its TypeScript tree: a filter that lets
 * cross-file.ts skip the inner `Linter` run (a parse, scope analysis and traversal of the whole other file) for the
 * many functions whose body names an acquire method but that cannot be wrappers (`buildHeaders() { … return headers; }`,
 * `setMessages(m) { this.#messages = m; }`).
 *
 * wrappers.ts judges a function a wrapper only when it has a `return` (or an expression body) and **every** `return`
 * of its own body hands back a call or a variable, after `await`, parentheses and type assertions. This module reads
 * the same `return`s (the same statements are walked: nested functions and classes are not) and says "no" only when
 * one of them plainly hands back something else, or there is none. Anything it cannot read says "maybe", so the
 * filter never drops a wrapper; a down-levelled async function (`return __awaiter(…)`) returns a call and passes.
 */
import type * as ts from 'typescript';

export function mayBeWrapper(t: typeof ts, fn: ts.FunctionLikeDeclaration): boolean {
  const body = fn.body;
  if (!body) return false;
  if (!t.isBlock(body)) return handsBackCallOrVariable(t, body);
  const returns: ts.ReturnStatement[] = [];
  collectReturns(t, body, returns);
  if (returns.length === 0) return false;
  return returns.every((statement) => statement.expression !== undefined && handsBackCallOrVariable(t, statement.expression));
}

/** wrappers.ts `freshAcquire` looks for a call or an identifier under `await` and type assertions; so does this. */
function handsBackCallOrVariable(t: typeof ts, value: ts.Expression): boolean {
  let current: ts.Expression = value;
  for (;;) {
    if (
      t.isParenthesizedExpression(current) ||
      t.isAsExpression(current) ||
      t.isNonNullExpression(current) ||
      t.isSatisfiesExpression(current) ||
      t.isTypeAssertionExpression(current) ||
      t.isAwaitExpression(current)
    ) {
      current = current.expression;
    } else if (t.isYieldExpression(current) && current.expression) {
      // A down-levelled `await` is a `yield`: read through it (a "maybe" at worst).
      current = current.expression;
    } else break;
  }
  return t.isCallExpression(current) || t.isIdentifier(current);
}

/** The statements wrappers.ts `collectReturns` walks, on the TypeScript tree. */
function collectReturns(t: typeof ts, node: ts.Node | undefined, found: ts.ReturnStatement[]): void {
  if (!node) return;
  if (t.isReturnStatement(node)) found.push(node);
  else if (t.isBlock(node)) for (const statement of node.statements) collectReturns(t, statement, found);
  else if (t.isIfStatement(node)) {
    collectReturns(t, node.thenStatement, found);
    collectReturns(t, node.elseStatement, found);
  } else if (
    t.isForStatement(node) ||
    t.isForInStatement(node) ||
    t.isForOfStatement(node) ||
    t.isWhileStatement(node) ||
    t.isDoStatement(node) ||
    t.isLabeledStatement(node) ||
    t.isWithStatement(node)
  ) {
    collectReturns(t, node.statement, found);
  } else if (t.isTryStatement(node)) {
    collectReturns(t, node.tryBlock, found);
    collectReturns(t, node.catchClause?.block, found);
    collectReturns(t, node.finallyBlock, found);
  } else if (t.isSwitchStatement(node)) {
    for (const clause of node.caseBlock.clauses) for (const statement of clause.statements) collectReturns(t, statement, found);
  }
}
