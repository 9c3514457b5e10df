/**
 * What may throw, for a function declared in another source file of the TypeScript program: the same question as
 * the call-site model asks of a same-file body, answered on TypeScript's own tree (an ESTree exists only for the file
 * being linted). Only bodies in source files are read (a declaration file says nothing about what a function does),
 * four calls deep at most. A summary that did not hit the depth limit is a pure function of the program and the
 * throw-model options, so it is kept for the whole lint run (weakly, with the program's nodes).
 */
import type * as ts from 'typescript';

import {
  ARRAY_CALLBACK_METHODS,
  ARRAY_METHODS,
  ARRAY_REDUCERS,
  COLLECTION_METHODS,
  COLLECTIONS,
  LISTENER_METHODS,
  NON_THROWING_CONSTRUCTORS,
  NON_THROWING_EMPTY_CONSTRUCTORS,
  NON_THROWING_GLOBAL_CALLS,
  NON_THROWING_GLOBAL_NAMESPACES,
  OTEL_SCOPE,
  isStringConversion,
  pathMatches,
  PROMISE_METHODS,
} from './throw-tables.js';
import { guarded, isAlwaysThenable, isOpaque, type TypeServices } from './types.js';

const SUMMARIES = new WeakMap<ts.Node, Map<string, boolean>>();

export class TypedSummaries {
  private readonly tsBodies = new Map<ts.Node, boolean>();
  /** How often a summary walk stopped at its depth limit (such answers depend on the start, so are not shared). */
  private limitHits = 0;

  constructor(
    /** Identifies the throw-model options the shared summaries were computed under. */
    private readonly optionsKey: string,
    private readonly nameSpecifiers: readonly string[],
    private readonly promiseFunctionsMayThrow: boolean,
  ) {}

  /**
   * The same question for a declaration in another file, on TypeScript's own tree. Only bodies in source files of
   * the program are read (a declaration file says nothing about what a function does); depth-limited.
   */
  declarationMayThrow(services: TypeServices, declaration: ts.Node, depth: number): boolean {
    const t = services.ts;
    const body =
      t.isFunctionDeclaration(declaration) || t.isMethodDeclaration(declaration) || t.isFunctionExpression(declaration) || t.isArrowFunction(declaration) || t.isConstructorDeclaration(declaration)
        ? declaration.body
        : undefined;
    if (!body || declaration.getSourceFile().isDeclarationFile) return true;
    if (depth > 4) {
      this.limitHits++;
      return true;
    }
    const modifiers = t.canHaveModifiers(declaration) ? t.getModifiers(declaration) : undefined;
    if (modifiers?.some((modifier) => modifier.kind === t.SyntaxKind.AsyncKeyword)) return false;
    const known = this.tsBodies.get(declaration) ?? SUMMARIES.get(declaration)?.get(this.optionsKey);
    if (known !== undefined) return known;
    this.tsBodies.set(declaration, true);
    const limitsBefore = this.limitHits;
    const answer = guarded(
      () => this.tsNodeMayThrow(services, body, depth) || (t.isConstructorDeclaration(declaration) && this.tsClassSetupMayThrow(services, declaration, depth)),
      true,
    );
    this.tsBodies.set(declaration, answer);
    // A summary that did not depend on where the walk started (no depth limit reached) holds for every file and rule
    // of this lint run: the program's declarations are shared, so each is read once.
    if (this.limitHits === limitsBefore) {
      let byOptions = SUMMARIES.get(declaration);
      if (!byOptions) SUMMARIES.set(declaration, (byOptions = new Map<string, boolean>()));
      byOptions.set(this.optionsKey, answer);
    }
    return answer;
  }

  /** A constructor also runs its superclass's and the field initialisers. */
  private tsClassSetupMayThrow(services: TypeServices, constructor: ts.ConstructorDeclaration, depth: number): boolean {
    const t = services.ts;
    const owner = constructor.parent;
    if (owner.heritageClauses?.some((clause) => clause.token === t.SyntaxKind.ExtendsKeyword)) return true;
    return owner.members.some(
      (member) =>
        t.isPropertyDeclaration(member) &&
        member.initializer !== undefined &&
        !member.modifiers?.some((modifier) => modifier.kind === t.SyntaxKind.StaticKeyword) &&
        this.tsNodeMayThrow(services, member.initializer, depth),
    );
  }

  private tsNodeMayThrow(services: TypeServices, root: ts.Node, depth: number): boolean {
    const t = services.ts;
    const visit = (node: ts.Node): boolean => {
      if (node !== root && (t.isFunctionLike(node) || t.isClassLike(node))) return false;
      switch (node.kind) {
        case t.SyntaxKind.ThrowStatement:
        case t.SyntaxKind.TaggedTemplateExpression:
        case t.SyntaxKind.AwaitExpression:
        case t.SyntaxKind.YieldExpression:
          return true;
        default:
          break;
      }
      if (t.isForOfStatement(node) && tsIterationMayThrow(services, node.expression)) return true;
      if (t.isSpreadElement(node) && tsIterationMayThrow(services, node.expression)) return true;
      if (t.isArrayBindingPattern(node)) {
        const initializer = t.isVariableDeclaration(node.parent) ? node.parent.initializer : undefined;
        if (!initializer || tsIterationMayThrow(services, initializer)) return true;
      }
      if (t.isCallExpression(node) || t.isNewExpression(node)) {
        if (this.tsCallMayThrow(services, node, depth)) return true;
      }
      return t.forEachChild(node, visit) === true;
    };
    return visit(root);
  }

  private tsCallMayThrow(services: TypeServices, call: ts.CallExpression | ts.NewExpression, depth: number): boolean {
    const t = services.ts;
    const text = call.expression.getText();
    const path = text.replace(/^this\./, '').split('.');
    const rootName = path[0] ?? '';
    const rootSymbol = services.checker.getSymbolAtLocation(rootIdentifierOf(t, call.expression) ?? call.expression);
    const isGlobal = !rootSymbol || (rootSymbol.declarations ?? []).every((declaration) => declaration.getSourceFile().isDeclarationFile);
    if (isGlobal && !text.startsWith('this.')) {
      if (t.isNewExpression(call)) {
        if (NON_THROWING_CONSTRUCTORS.has(text)) return false;
        if (NON_THROWING_EMPTY_CONSTRUCTORS.has(text) && (call.arguments?.length ?? 0) === 0) return false;
      } else {
        if (NON_THROWING_GLOBAL_CALLS.has(text)) return false;
        if (path.length === 2 && NON_THROWING_GLOBAL_NAMESPACES.has(rootName)) return false;
      }
    }
    if (t.isCallExpression(call) && t.isPropertyAccessExpression(call.expression)) {
      const method = call.expression.name.text;
      if (PROMISE_METHODS.has(method)) return false;
      if (isStringConversion(method, call.arguments.length)) return false;
      if (LISTENER_METHODS.has(method) && call.arguments.length >= 2) return false;
      if (
        (ARRAY_METHODS.has(method) || ARRAY_CALLBACK_METHODS.has(method) || (ARRAY_REDUCERS.has(method) && call.arguments.length >= 2)) &&
        !tsIterationMayThrow(services, call.expression.expression, false)
      ) {
        // The array's own method throws only what a function given to it throws.
        return call.arguments.some((arg) => (t.isFunctionLike(arg) ? this.tsNodeMayThrow(services, arg, depth) : services.checker.getTypeAtLocation(arg).getCallSignatures().length > 0));
      }
      if (COLLECTION_METHODS.has(method)) {
        const receiver = services.checker.getNonNullableType(services.checker.getTypeAtLocation(call.expression.expression));
        const name = (receiver.aliasSymbol ?? receiver.getSymbol())?.getName();
        if (name !== undefined && COLLECTIONS.has(name)) return false;
      }
    }
    if (this.nameSpecifiers.some((pattern) => pathMatches(pattern, path))) return false;
    const declaration = services.checker.getResolvedSignature(call)?.getDeclaration() as ts.Declaration | undefined;
    if (!declaration) return true;
    if (declaration.getSourceFile().fileName.includes(`/node_modules/${OTEL_SCOPE}`)) {
      return (call.arguments ?? []).some((arg) => t.isFunctionLike(arg) || services.checker.getTypeAtLocation(arg).getCallSignatures().length > 0);
    }
    if (t.isCallExpression(call)) {
      if (!this.promiseFunctionsMayThrow && isAlwaysThenable(services.checker, services.checker.getTypeAtLocation(call))) {
        return false;
      }
    }
    return this.declarationMayThrow(services, declaration, depth + 1);
  }
}

/** Iterating the value may throw unless its type is an array, a tuple or (with `orString`) a string. */
function tsIterationMayThrow(services: TypeServices, node: ts.Expression, orString = true): boolean {
  return isArrayType(services, services.checker.getTypeAtLocation(node), orString) !== true;
}

/** Every member of the (non-null) type is an array or a tuple, or with `orString` a string; `undefined` if opaque. */
export function isArrayType(services: TypeServices, type: ts.Type, orString: boolean): boolean | undefined {
  const value = services.checker.getNonNullableType(type);
  if (isOpaque(value)) return undefined;
  const members = value.isUnion() ? value.types : [value];
  return members.every(
    (member) =>
      services.checker.isArrayType(member) ||
      services.checker.isTupleType(member) ||
      (orString && (member.flags & services.ts.TypeFlags.StringLike) !== 0),
  );
}

function rootIdentifierOf(t: typeof ts, node: ts.Expression): ts.Identifier | undefined {
  let current: ts.Expression = node;
  while (t.isPropertyAccessExpression(current)) current = current.expression;
  return t.isIdentifier(current) ? current : undefined;
}

export function isAsyncDeclaration(t: typeof ts, declaration: ts.Declaration): boolean {
  if (!t.canHaveModifiers(declaration)) return false;
  return t.getModifiers(declaration)?.some((modifier) => modifier.kind === t.SyntaxKind.AsyncKeyword) ?? false;
}
