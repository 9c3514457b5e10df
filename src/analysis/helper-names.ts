/**
 * The name filter of the cross-file helper question (cross-file.ts): can a call whose callee goes by `name` resolve
 * to a function of the program's own source files that may release what it is given?
 *
 * A name passes when some function or method of those files goes by it and its body calls one of the release names
 * (or, when `callReleases`, one of its parameters) — the text test cross-file.ts's `mayAnswer` makes of the
 * declaration a call resolves to — or when the program binds the name through an alias (`import { a as b }`,
 * `export { a as b }`, a default import, `import x = …`, a renamed destructuring, a JavaScript
 * `const x = require(…)…`, `exports.f = g`, `{ f: g }`, `{ f }`), under which such a function may be called too;
 * and `default` always passes (`ns.default(…)`). A call whose callee goes by no such name cannot resolve to a
 * declaration that passes the test, and asks no type question.
 *
 * Decided per name, lazily: only the files whose text holds the name are walked, and in them only the subtrees
 * whose range holds it or a `\u` (every binding of a name spells it within its node, unless its identifier is
 * written with an escape, which holds a `\u` instead): the answer a walk of every node gives, memoised per program
 * and name, at the cost of a text search per file for most names.
 */
import type * as ts from 'typescript';

import { callSpans, hasSpanWithin, nameSpans, occurrenceSpans } from './text-spans.js';
import { guarded, type TypeServices } from './types.js';

interface HelperNames {
  readonly byName: Map<string, boolean>;
  /** A walk failed: then every name passes. */
  open: boolean;
  /** Per file, the spans of its release calls (`undefined`: the test does not need them). */
  readonly releaseSpans: Map<ts.SourceFile, number[] | undefined>;
  /** Per file, the spans of every `\u` of its text. */
  readonly escapeSpans: Map<ts.SourceFile, number[]>;
}

const MEMO = new WeakMap<ts.Program, Map<string, HelperNames>>();

export function mayNameHelper(services: TypeServices, releaseNames: readonly string[], callReleases: boolean, name: string): boolean {
  if (name === 'default') return true;
  const memo = helperNames(services, releaseNames, callReleases);
  if (memo.open) return true;
  let known = memo.byName.get(name);
  if (known === undefined) {
    known = decide(services, releaseNames, callReleases, memo, name);
    memo.byName.set(name, known);
  }
  return known;
}

function helperNames(services: TypeServices, releaseNames: readonly string[], callReleases: boolean): HelperNames {
  const key = `${callReleases ? '1' : '0'}\n${releaseNames.join('\n')}`;
  let byKey = MEMO.get(services.program);
  if (!byKey) MEMO.set(services.program, (byKey = new Map<string, HelperNames>()));
  let memo = byKey.get(key);
  if (!memo) byKey.set(key, (memo = { byName: new Map(), open: false, releaseSpans: new Map(), escapeSpans: new Map() }));
  return memo;
}

function ownSourceFiles(services: TypeServices): ts.SourceFile[] {
  const { program } = services;
  return program.getSourceFiles().filter((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !file.fileName.includes('/node_modules/'));
}

function decide(services: TypeServices, releaseNames: readonly string[], callReleases: boolean, memo: HelperNames, name: string): boolean {
  const files: { file: ts.SourceFile; spans: number[] }[] = [];
  for (const file of ownSourceFiles(services)) {
    const spans = nameSpans(file.text, name);
    // An identifier written with an escape spells its name otherwise, but holds the escape's `\u`.
    let escapes = memo.escapeSpans.get(file);
    if (!escapes) memo.escapeSpans.set(file, (escapes = occurrenceSpans(file.text, '\\u')));
    if (spans.length > 0 || escapes.length > 0) files.push({ file, spans: mergeSpans(spans, escapes) });
  }
  for (const { file, spans } of files) {
    const walked = walkBindings(services, file, releaseNames, callReleases, memo, (bound) => bound === name, spans);
    if (walked === undefined) memo.open = true;
    if (walked !== false) return true;
  }
  return false;
}

/** Two lists of spans, each ordered by start, as one. */
function mergeSpans(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return [...a];
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i] as number, a[i + 1] as number]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i] as number, b[i + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  return pairs.flat();
}

/**
 * Walks `file` (only the subtrees holding one of `within`), handing `onName` each name a node binds that passes
 * the filter: true as soon as `onName` returns true, false when it never did, `undefined` when the walk failed.
 */
function walkBindings(
  services: TypeServices,
  file: ts.SourceFile,
  releaseNames: readonly string[],
  callReleases: boolean,
  memo: HelperNames,
  onName: (name: string) => boolean,
  within: readonly number[],
): boolean | undefined {
  const t = services.ts;
  const { SyntaxKind } = t;
  let matched = false;
  const add = (name: string | undefined): void => {
    if (name !== undefined && !matched) matched = onName(name);
  };
  const callsRelease = (text: string): boolean => releaseNames.some((release) => text.includes(`${release}(`));
  if (!memo.releaseSpans.has(file)) {
    // Where the file's text calls a release name: a body calls one when such a span lies within it.
    memo.releaseSpans.set(file, !callReleases && callsRelease(file.text) ? callSpans(file.text, releaseNames) : undefined);
  }
  const spans = memo.releaseSpans.get(file);
  const mayRelease = callReleases || spans !== undefined;
  const nameText = (name: ts.Node | undefined): string | undefined =>
    name && (t.isIdentifier(name) || t.isPrivateIdentifier(name)) ? name.text.replace(/^#/, '') : undefined;
  const isRequire = (node: ts.Expression): boolean => {
    let inner = node;
    while (t.isPropertyAccessExpression(inner) || t.isElementAccessExpression(inner)) inner = inner.expression;
    return t.isCallExpression(inner) && t.isIdentifier(inner.expression) && inner.expression.text === 'require';
  };
  const onFunction = (name: string | undefined, value: ts.Node | undefined): void => {
    if (name === undefined || !value) return;
    if (!t.isFunctionDeclaration(value) && !t.isMethodDeclaration(value) && !t.isFunctionExpression(value) && !t.isArrowFunction(value)) return;
    if (!value.body) return;
    if (!callReleases) {
      if (spans !== undefined && hasSpanWithin(spans, value.body)) add(name);
      return;
    }
    const text = value.body.getText(file);
    if (callsRelease(text) || value.parameters.some((parameter) => t.isIdentifier(parameter.name) && text.includes(`${parameter.name.text}(`))) add(name);
  };
  const visit = (node: ts.Node): void => {
    if (matched || !hasSpanWithin(within, node)) return;
    // A type binds no value and has no body: no alias of a function and no function is declared inside one.
    if (t.isTypeNode(node) || t.isInterfaceDeclaration(node) || t.isTypeAliasDeclaration(node)) return;
    switch (node.kind) {
      case SyntaxKind.ImportSpecifier:
      case SyntaxKind.ExportSpecifier:
        if ((node as ts.ImportSpecifier | ts.ExportSpecifier).propertyName) add((node as ts.ImportSpecifier | ts.ExportSpecifier).name.text);
        break;
      case SyntaxKind.ImportClause:
        add((node as ts.ImportClause).name?.text);
        break;
      case SyntaxKind.ImportEqualsDeclaration:
      case SyntaxKind.NamespaceExportDeclaration:
        add((node as ts.ImportEqualsDeclaration | ts.NamespaceExportDeclaration).name.text);
        break;
      case SyntaxKind.BindingElement:
        if ((node as ts.BindingElement).propertyName) add(nameText((node as ts.BindingElement).name));
        break;
      case SyntaxKind.VariableDeclaration: {
        const declaration = node as ts.VariableDeclaration;
        if (declaration.initializer && isRequire(declaration.initializer)) add(nameText(declaration.name));
        if (mayRelease) onFunction(nameText(declaration.name), declaration.initializer);
        break;
      }
      case SyntaxKind.BinaryExpression: {
        // JavaScript's `exports.f = g` and `module.exports.f = g`: `f` is an alias of `g`.
        const binary = node as ts.BinaryExpression;
        if (binary.operatorToken.kind === SyntaxKind.EqualsToken && t.isPropertyAccessExpression(binary.left)) add(binary.left.name.text);
        break;
      }
      case SyntaxKind.PropertyAssignment: {
        // `module.exports = { f: g }`.
        const assignment = node as ts.PropertyAssignment;
        if (t.isIdentifier(assignment.initializer) || t.isPropertyAccessExpression(assignment.initializer)) add(nameText(assignment.name));
        break;
      }
      case SyntaxKind.ShorthandPropertyAssignment:
        add(nameText((node as ts.ShorthandPropertyAssignment).name));
        break;
      case SyntaxKind.PropertyDeclaration:
        if (mayRelease) onFunction(nameText((node as ts.PropertyDeclaration).name), (node as ts.PropertyDeclaration).initializer);
        break;
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.MethodDeclaration:
      case SyntaxKind.FunctionExpression:
        if (mayRelease) onFunction(nameText((node as ts.FunctionDeclaration | ts.MethodDeclaration | ts.FunctionExpression).name), node);
        break;
      default:
        break;
    }
    t.forEachChild(node, visit);
  };
  return guarded(() => (t.forEachChild(file, visit), matched), undefined);
}
