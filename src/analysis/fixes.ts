/**
 * The try/finally quick fixes every obligation rule offers, built from the statements around the binding.
 *
 * - The release already sits in a `finally`, but the `try` begins too late (Volcano's bug): move the statements
 *   between the shutdown check and the `try` into it — the fix Volcano made.
 * - No release in a `finally`: wrap the statements after the shutdown check in `try { … } finally { release }`,
 *   moving a trailing release into the `finally`.
 *
 * Both work on whole lines and keep comments; they re-indent by one level. When a fix could change meaning (a moved
 * declaration used after the `try`, a release left inside the wrapped code, statements sharing a line) none is offered.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Exit, Obligation } from './events.js';
import { statementList } from './routing.js';
import { contains } from './syntax.js';

export interface FixQueries {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** `stmt` is `q.done(item);` (or `await …`) for this obligation. */
  isReleaseStatement(statement: TSESTree.Node, ob: Obligation): boolean;
  /** Somewhere inside `node` the obligation is released. */
  containsRelease(node: TSESTree.Node, ob: Obligation): boolean;
  /** `node` is a shutdown check of the obligation: true only when there is nothing to release. */
  isShutdownTest(node: TSESTree.Node, ob: Obligation): boolean;
  /** `node` names the whole value the acquire gave (`r` of `const r = await q.get()`), not a part of it. */
  isAcquiredValue(node: TSESTree.Node, ob: Obligation): boolean;
  /** A release of the obligation inside an iteration callback (`forEach`), which does not count: for the message. */
  iterationRelease(ob: Obligation): { readonly method: string; readonly node: TSESTree.Node } | undefined;
  /** The rejection handler of the promise chain `chain` that releases on some of its paths only, for the message. */
  partialRejectionHandler?(chain: TSESTree.Node): TSESTree.Node | undefined;
  /** The releasing listener registration `registration` that a listener of another event removes first, for the message. */
  removedListener?(registration: TSESTree.Node): { readonly event: string; readonly remover: TSESTree.Node } | undefined;
  /** The implicit throw runs in a `finally` before that block's release of the obligation: the block. */
  skippedFinally?(exit: Exit, ob: Obligation): TSESTree.Node | undefined;
  /** The function returns the resource on some path (a wrapper): a `finally` that releases it would hand back a released one. */
  returnsIt?(ob: Obligation): boolean;
}

export interface TryFinallyFix {
  readonly messageId: 'moveIntoTry' | 'wrapInTryFinally';
  readonly fix: TSESLint.ReportFixFunction;
}

/** The statement always leaves abruptly: `return`, `throw`, `break`, `continue`, or a block that ends in one. */
export function isAbrupt(statement: TSESTree.Node): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.BreakStatement:
    case AST_NODE_TYPES.ContinueStatement:
      return true;
    case AST_NODE_TYPES.BlockStatement: {
      const last = statement.body[statement.body.length - 1];
      return last !== undefined && isAbrupt(last);
    }
    default:
      return false;
  }
}

class Lines {
  constructor(private readonly text: string) {}

  start(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  end(offset: number): number {
    const newline = this.text.indexOf('\n', offset);
    return newline === -1 ? this.text.length : newline;
  }

  /** Only white space stands between the line's start and `offset`. */
  startsLine(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.start(offset), offset));
  }

  /** Only white space or a line comment follows `offset` on its line. */
  endsLine(offset: number): boolean {
    return /^[ \t]*(\/\/.*)?$/.test(this.text.slice(offset, this.end(offset)));
  }

  indentation(offset: number): string {
    return /^[ \t]*/.exec(this.text.slice(this.start(offset)))?.[0] ?? '';
  }
}

function indentBy(text: string, unit: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? line : unit + line))
    .join('\n');
}

/** The start of a statement with the comments that lead it. */
function leadingStart(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): number {
  const comments = sourceCode.getCommentsBefore(statement);
  return comments[0]?.range[0] ?? statement.range[0];
}

interface Layout {
  readonly lines: Lines;
  /** The statement list the binding is in, and the index of the first statement after its shutdown checks. */
  readonly list: readonly TSESTree.Node[];
  readonly start: number;
  /** Index in `list` of the `try` whose `finally` releases, or -1. */
  readonly tryIndex: number;
  readonly unit: string;
}

// Every question here costs what the statements between the binding and its `try` cost, never the rest of the
// block: a function of N get/try/finally blocks in sequence asks it N times (the block-long slices this once made
// were quadratic there).
function layout(queries: FixQueries, ob: Obligation): Layout | undefined {
  const { sourceCode } = queries;
  const lines = new Lines(sourceCode.text);
  const statement = ob.binding.parent;
  if (!statement) return undefined;
  const list = statementList(statement.parent ?? statement);
  const index = list ? indexInList(list, statement) : -1;
  if (!list || index === -1) return undefined;

  let start = index + 1;
  while (takesTheItem(queries, list[start], ob)) start++;
  const first = list[start];
  if (!first) return undefined;
  let tryIndex = -1;
  for (let at = start; at < list.length; at++) {
    const candidate = list[at] as TSESTree.Node;
    if (
      candidate.type === AST_NODE_TYPES.TryStatement &&
      candidate.finalizer !== null &&
      candidate.finalizer.body.some((inner) => queries.isReleaseStatement(inner, ob))
    ) {
      tryIndex = at;
      break;
    }
  }
  return { lines, list, start, tryIndex, unit: indentUnit(lines, statement, first) };
}

/**
 * A statement that is still part of taking the item rather than work on it: a shutdown check that leaves
 * (`if (shutdown) return;`, `if (!r) return;`), or a destructuring of the value the get gave into plain names
 * (`const [item, shutdown] = r;`), which runs no code of its own. Go's `item, shutdown := q.Get()` is one line.
 */
function takesTheItem(queries: FixQueries, statement: TSESTree.Node | undefined, ob: Obligation): boolean {
  if (statement?.type === AST_NODE_TYPES.IfStatement) {
    return !statement.alternate && isAbrupt(statement.consequent) && queries.isShutdownTest(statement.test, ob);
  }
  if (statement?.type !== AST_NODE_TYPES.VariableDeclaration || statement.declare) return false;
  return statement.declarations.every(
    (declarator) => declarator.init !== null && queries.isAcquiredValue(declarator.init, ob) && isPlainPattern(declarator.id),
  );
}

/** `[item, shutdown]`, `{ item, shutdown: done }`, `[, item]`: names only — no default, computed key or nesting that runs code. */
function isPlainPattern(pattern: TSESTree.Node): boolean {
  switch (pattern.type) {
    case AST_NODE_TYPES.ArrayPattern:
      return pattern.elements.every((element) => element === null || isPlainName(element));
    case AST_NODE_TYPES.ObjectPattern:
      return pattern.properties.every((property) =>
        property.type === AST_NODE_TYPES.RestElement ? isPlainName(property) : !property.computed && isPlainName(property.value),
      );
    default:
      return false;
  }
}

function isPlainName(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Identifier || (node.type === AST_NODE_TYPES.RestElement && node.argument.type === AST_NODE_TYPES.Identifier);
}

/** The index of `statement` in `list`, by its position (the list is in source order): a binary search. */
function indexInList(list: readonly TSESTree.Node[], statement: TSESTree.Node): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = list[middle] as TSESTree.Node;
    if (candidate === statement) return middle;
    if (candidate.range[0] < statement.range[0]) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

export function tryFinallyFix(queries: FixQueries, ob: Obligation, releaseText: string): TryFinallyFix | undefined {
  const found = layout(queries, ob);
  if (!found || found.tryIndex === found.start) return undefined;
  const { lines, list, start, tryIndex, unit } = found;
  if (tryIndex > start) return moveIntoTry(queries, lines, list.slice(start, tryIndex), list[tryIndex] as TSESTree.TryStatement, unit);
  return wrapInTryFinally(queries, lines, list.slice(start), ob, releaseText, unit);
}

/**
 * The statements that stand between the shutdown check and the `try` whose `finally` releases — what
 * `done-immediately` reports — with the fix that moves them in, when it is safe.
 */
export function lateTry(
  queries: FixQueries,
  ob: Obligation,
): { readonly between: readonly TSESTree.Node[]; readonly tryStatement: TSESTree.TryStatement; readonly fix?: TryFinallyFix } | undefined {
  const found = layout(queries, ob);
  if (!found || found.tryIndex <= found.start) return undefined;
  const between = found.list.slice(found.start, found.tryIndex);
  const tryStatement = found.list[found.tryIndex] as TSESTree.TryStatement;
  return { between, tryStatement, fix: moveIntoTry(queries, found.lines, between, tryStatement, found.unit) };
}

function indentUnit(lines: Lines, statement: TSESTree.Node, first: TSESTree.Node): string {
  const inner = lines.indentation(first.range[0]);
  if (inner.includes('\t')) return '\t';
  const outer = statement.parent ? lines.indentation(statement.parent.range[0]) : '';
  const unit = inner.startsWith(outer) ? inner.slice(outer.length) : '';
  return unit.length > 0 ? unit : '  ';
}

function moveIntoTry(
  queries: FixQueries,
  lines: Lines,
  moved: readonly TSESTree.Node[],
  tryStatement: TSESTree.TryStatement,
  unit: string,
): TryFinallyFix | undefined {
  const { sourceCode } = queries;
  const first = moved[0];
  const last = moved[moved.length - 1];
  if (!first || !last) return undefined;
  // Declarations moved into the try block would vanish for code after it. The moved statements are contiguous, so
  // one range test per reference answers "is it among them".
  const [movedFrom, movedTo] = [first.range[0], last.range[1]];
  for (const statement of moved) {
    for (const variable of sourceCode.getDeclaredVariables(statement)) {
      for (const reference of variable.references) {
        const at = reference.identifier.range[0];
        const inside = (at >= movedFrom && at < movedTo) || contains(tryStatement.block, reference.identifier);
        if (!inside) return undefined;
      }
    }
  }
  const from = leadingStart(sourceCode, first);
  const to = leadingStart(sourceCode, tryStatement);
  if (!lines.startsLine(from) || !lines.startsLine(to) || !lines.endsLine(last.range[1])) return undefined;
  const removeFrom = lines.start(from);
  const removeTo = lines.start(to);
  const body = sourceCode.text.slice(removeFrom, removeTo).replace(/\n$/, '');
  const brace = tryStatement.block.range[0];
  return {
    messageId: 'moveIntoTry',
    fix: (fixer) => [
      fixer.removeRange([removeFrom, removeTo]),
      fixer.insertTextAfterRange([brace, brace + 1], `\n${indentBy(body, unit)}`),
    ],
  };
}

function wrapInTryFinally(
  queries: FixQueries,
  lines: Lines,
  region: readonly TSESTree.Node[],
  ob: Obligation,
  releaseText: string,
  unit: string,
): TryFinallyFix | undefined {
  const { sourceCode } = queries;
  const last = region[region.length - 1];
  if (!last) return undefined;
  // The release to move into the finally: the last statement, or the one before a final `return` (the commonest
  // shape of "released only on success": `const r = await client.query(…); client.release(); return r.rows;`).
  // A return's value is computed before the finally runs, so the release still comes after it.
  const beforeReturn = last.type === AST_NODE_TYPES.ReturnStatement ? region[region.length - 2] : undefined;
  const release = queries.isReleaseStatement(last, ob) ? last : beforeReturn && queries.isReleaseStatement(beforeReturn, ob) ? beforeReturn : undefined;
  const wrapped = release ? region.filter((statement) => statement !== release) : region;
  const first = wrapped[0];
  const lastWrapped = wrapped[wrapped.length - 1];
  if (!first || !lastWrapped) return undefined;
  // A release left inside would run twice once the finally releases too.
  if (wrapped.some((statement) => queries.containsRelease(statement, ob))) return undefined;
  if (release && sourceCode.getCommentsBefore(release).length > 0) return undefined;
  const from = leadingStart(sourceCode, first);
  if (!lines.startsLine(from) || !lines.endsLine(lastWrapped.range[1]) || !lines.endsLine(last.range[1])) return undefined;
  if (release && (!lines.startsLine(release.range[0]) || !lines.endsLine(release.range[1]))) return undefined;
  const wrapFrom = lines.start(from);
  const replaceEnd = lines.end(last.range[1]);
  // The wrapped lines: everything from the first statement to the last, without the release's own line.
  const inner =
    release && release !== last
      ? sourceCode.text.slice(wrapFrom, lines.start(release.range[0])) + sourceCode.text.slice(lines.end(release.range[1]) + 1, replaceEnd)
      : sourceCode.text.slice(wrapFrom, lines.end(lastWrapped.range[1]));
  const base = lines.indentation(first.range[0]);
  const body = indentBy(inner.replace(/\n$/, ''), unit);
  const text = `${base}try {\n${body}\n${base}} finally {\n${base}${unit}${releaseText};\n${base}}`;
  return { messageId: 'wrapInTryFinally', fix: (fixer) => fixer.replaceTextRange([wrapFrom, replaceEnd], text) };
}
