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
  ENTRY_ARRAY_GLOBAL_CALLS,
  COLLECTIONS,
  LISTENER_METHODS,
  NON_THROWING_CONSTRUCTORS,
  NON_THROWING_EMPTY_CONSTRUCTORS,
  NON_THROWING_GLOBAL_CALLS,
  NON_THROWING_GLOBAL_NAMESPACES,
  OTEL_SCOPE,
  isStringConversion,
  isLoggingCall,
  pathMatches,
  PROMISE_METHODS,
  SAFE_STRING_METHODS,
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
    private readonly loggersMayThrow: boolean,
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
    // `function send(fn = () => {})`, `let handler = () => {}`: the signature is the initial value's, but a caller
    // passes, or a later assignment stores, another function.
    if (isReplaceableInitialValue(t, declaration)) return true;
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
      // What a `try` block throws, its `catch` catches (unless the catch destructures what was thrown).
      if (t.isTryStatement(node) && node.catchClause && (!node.catchClause.variableDeclaration || t.isIdentifier(node.catchClause.variableDeclaration.name))) {
        return visit(node.catchClause) || (node.finallyBlock !== undefined && visit(node.finallyBlock));
      }
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
      if (t.isArrayBindingPattern(node) && !isEntryBinding(t, node)) {
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
      // `path.split('/')`, `name.toLowerCase()`: a string method given no function, on a receiver typed as a string
      // (the same rule as the call-site model's), runs no user code and cannot throw.
      if (SAFE_STRING_METHODS.has(method) && !call.arguments.some((arg) => t.isFunctionLike(arg)) && isStringTyped(services, call.expression.expression)) {
        return false;
      }
      if (COLLECTION_METHODS.has(method)) {
        const receiver = services.checker.getNonNullableType(services.checker.getTypeAtLocation(call.expression.expression));
        const name = (receiver.aliasSymbol ?? receiver.getSymbol())?.getName();
        if (name !== undefined && COLLECTIONS.has(name)) return false;
      }
    }
    if (this.nameSpecifiers.some((pattern) => pathMatches(pattern, path))) return false;
    if (!this.loggersMayThrow && isLoggingCall(path, (call.arguments ?? []).some((arg) => t.isFunctionLike(arg)))) return false;
    const declaration = calleeDeclaration(services, call);
    if (!declaration) return true;
    if (declaration.getSourceFile().fileName.includes(`/node_modules/${OTEL_SCOPE}`)) {
      return (call.arguments ?? []).some((arg) => t.isFunctionLike(arg) || services.checker.getTypeAtLocation(arg).getCallSignatures().length > 0);
    }
    if (t.isCallExpression(call)) {
      if (!this.promiseFunctionsMayThrow && callReturnsThenable(services, call)) {
        return false;
      }
    }
    return this.declarationMayThrow(services, declaration, depth + 1);
  }
}

/** A function written as a parameter's default or a `let`/`var` initialiser: what is called there may be another. */
function isReplaceableInitialValue(t: typeof ts, declaration: ts.Node): boolean {
  if (!t.isFunctionExpression(declaration) && !t.isArrowFunction(declaration)) return false;
  let parent = declaration.parent;
  while (t.isParenthesizedExpression(parent) || t.isAsExpression(parent) || t.isSatisfiesExpression(parent)) parent = parent.parent;
  if (t.isParameter(parent) || t.isBindingElement(parent)) return parent.initializer !== undefined;
  if (!t.isVariableDeclaration(parent) || !t.isVariableDeclarationList(parent.parent)) return false;
  return (parent.parent.flags & (t.NodeFlags.Const | t.NodeFlags.Using)) === 0;
}

/** `for (const [key, value] of Object.entries(o))`: each element is a new `[key, value]` array (throw-tables.ts). */
function isEntryBinding(t: typeof ts, pattern: ts.ArrayBindingPattern): boolean {
  const declaration = pattern.parent;
  const list = declaration.parent;
  const loop = list.parent;
  if (!t.isVariableDeclaration(declaration) || !t.isVariableDeclarationList(list) || !t.isForOfStatement(loop) || loop.initializer !== list) return false;
  let iterated: ts.Expression = loop.expression;
  while (t.isParenthesizedExpression(iterated) || t.isAsExpression(iterated) || t.isNonNullExpression(iterated)) iterated = iterated.expression;
  return t.isCallExpression(iterated) && ENTRY_ARRAY_GLOBAL_CALLS.has(iterated.expression.getText());
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

/** Every member of the value's (non-null) type is a string (`undefined` or opaque types are not). */
function isStringTyped(services: TypeServices, node: ts.Expression): boolean {
  return guarded(() => {
    const type = services.checker.getNonNullableType(services.checker.getTypeAtLocation(node));
    return !isOpaque(type) && (type.flags & services.ts.TypeFlags.StringLike) !== 0;
  }, false);
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

/**
 * What a call's callee declares, read from the callee expression's type (the signatures TypeScript resolves the call
 * against) instead of resolving the call: resolving it also checks every argument, and in a long function
 * TypeScript's flow analysis makes each such question cost time in proportion to the function. An answer is taken
 * from the candidate signatures only where it cannot depend on which of them the call resolves to (one signature,
 * or all of them agree, and no type parameter of the call's own is left to infer); otherwise the call is resolved,
 * as before. So every answer is the resolved signature's. Pure functions of the program, kept weakly per call node
 * and asked once per call and question, whichever rule or file asks.
 */
interface CalleeFacts {
  /** The function-like declarations of the callee's symbol (empty: it has others, or none). */
  declarations?: readonly ts.SignatureDeclaration[];
  signatures?: readonly ts.Signature[];
  /** The callee's type is a union: its signatures combine its members', and name only the first one's declaration. */
  union?: boolean;
  /**
   * The callee's type is `any` or `unknown`: TypeScript resolves such a call to its untyped or error signature, which
   * has no declaration, so nothing needs to resolve it (resolving checks every argument, which can cost more than the
   * rest of the file's questions).
   */
  opaque?: boolean;
  /** The resolved signature's declaration (`null`: none), only when some question needed it. */
  resolved?: ts.Declaration | null;
  file?: string | null;
  declaration?: ts.Declaration | null;
  thenable?: boolean;
}

const CALLEE_FACTS = new WeakMap<ts.Node, CalleeFacts>();

function calleeFacts(call: ts.CallExpression | ts.NewExpression): CalleeFacts {
  let facts = CALLEE_FACTS.get(call);
  if (!facts) CALLEE_FACTS.set(call, (facts = {}));
  return facts;
}

/**
 * The declarations of the symbol a call's callee names (`f`, `a.b.f`; an import resolved to what it imports), if all
 * of them declare a function or method: then the signatures the call is resolved against are theirs (instantiated
 * for the receiver's type arguments, which keeps their declarations). Finding the symbol types the receiver, but
 * neither the arguments nor the callee's own (possibly huge, mapped or instantiated) type.
 */
function symbolDeclarations(services: TypeServices, call: ts.CallExpression | ts.NewExpression): readonly ts.SignatureDeclaration[] {
  const facts = calleeFacts(call);
  if (!facts.declarations) {
    const t = services.ts;
    facts.declarations = guarded(() => {
      if (!t.isCallExpression(call)) return [];
      const callee = call.expression;
      const name = t.isPropertyAccessExpression(callee) ? callee.name : t.isIdentifier(callee) ? callee : undefined;
      let symbol = name && services.checker.getSymbolAtLocation(name);
      if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = services.checker.getAliasedSymbol(symbol);
      const declarations = symbol?.declarations ?? [];
      return declarations.length > 0 && declarations.every((declaration) => ownSignature(t, declaration)) ? declarations : [];
    }, []);
  }
  return facts.declarations;
}

/**
 * A function or method declaration whose signature is its own: not an index signature or a property (whose type is
 * declared elsewhere), and in JavaScript not typed by a JSDoc `@type` or `@overload` tag.
 */
function ownSignature(t: typeof ts, declaration: ts.Declaration): declaration is ts.SignatureDeclaration {
  if (
    !t.isFunctionDeclaration(declaration) &&
    !t.isMethodDeclaration(declaration) &&
    !t.isMethodSignature(declaration) &&
    !t.isFunctionExpression(declaration) &&
    !t.isArrowFunction(declaration)
  ) {
    return false;
  }
  return !t.getJSDocTags(declaration).some((tag) => t.isJSDocTypeTag(tag) || t.isJSDocOverloadTag(tag));
}

/** The signatures of the callee's type the call is resolved against (call signatures, or construct ones for `new`). */
function candidateSignatures(services: TypeServices, call: ts.CallExpression | ts.NewExpression): readonly ts.Signature[] {
  const facts = calleeFacts(call);
  if (!facts.signatures) {
    const t = services.ts;
    facts.signatures = guarded(() => {
      // `super(…)` and `import(…)` are resolved against something other than the callee expression's own type.
      if (call.expression.kind === t.SyntaxKind.SuperKeyword || call.expression.kind === t.SyntaxKind.ImportKeyword) return [];
      const type = services.checker.getTypeAtLocation(call.expression);
      facts.union = type.isUnion();
      facts.opaque = isOpaque(type);
      return t.isNewExpression(call) ? type.getConstructSignatures() : type.getCallSignatures();
    }, []);
  }
  return facts.signatures;
}

/** The declaration of the signature the call resolves to (TypeScript resolves the whole call). */
export function resolvedDeclaration(services: TypeServices, call: ts.CallExpression | ts.NewExpression): ts.Declaration | undefined {
  const facts = calleeFacts(call);
  if (facts.resolved === undefined) {
    facts.resolved = guarded(() => services.checker.getResolvedSignature(call)?.getDeclaration() ?? null, null);
  }
  return facts.resolved ?? undefined;
}

/** The file the callee's resolved signature is declared in. */
export function calleeFile(services: TypeServices, call: ts.CallExpression | ts.NewExpression): string | undefined {
  const facts = calleeFacts(call);
  if (facts.file === undefined) {
    const declared = new Set(symbolDeclarations(services, call).map((declaration) => declaration.getSourceFile().fileName));
    const [one] = declared;
    if (declared.size === 1 && one !== undefined) {
      facts.file = one;
      return one;
    }
    const files = new Set<string | undefined>(candidateSignatures(services, call).map((signature) => (signature.getDeclaration() as ts.SignatureDeclaration | undefined)?.getSourceFile().fileName));
    const [only] = files;
    facts.file = files.size === 1 && only !== undefined ? only : facts.opaque === true ? null : (resolvedDeclaration(services, call)?.getSourceFile().fileName ?? null);
  }
  return facts.file ?? undefined;
}

/** The declaration of the callee's resolved signature. */
export function calleeDeclaration(services: TypeServices, call: ts.CallExpression | ts.NewExpression): ts.Declaration | undefined {
  const facts = calleeFacts(call);
  if (facts.declaration === undefined) {
    const declared = symbolDeclarations(services, call);
    if (declared.length === 1) {
      facts.declaration = declared[0];
      return facts.declaration;
    }
    const signatures = candidateSignatures(services, call);
    const only = signatures.length === 1 ? (signatures[0] as ts.Signature).getDeclaration() : undefined;
    facts.declaration = only ?? (facts.opaque === true ? null : resolvedDeclaration(services, call)) ?? null;
  }
  return facts.declaration ?? undefined;
}

/** The call's value is always thenable (its type, the resolved signature's return type). */
export function callReturnsThenable(services: TypeServices, call: ts.CallExpression): boolean {
  const facts = calleeFacts(call);
  if (facts.thenable === undefined) {
    const { checker } = services;
    // The call's type is its signature's return type, unless the call is part of an optional chain (which adds
    // `undefined`).
    const declared = symbolDeclarations(services, call);
    if (services.ts.isOptionalChain(call)) {
      facts.thenable = guarded(() => isAlwaysThenable(checker, checker.getTypeAtLocation(call)), false);
    } else if (declared.length > 0 && declared.every((declaration) => guarded(() => declaresThenable(services, declaration), false))) {
      facts.thenable = true;
    } else if (calleeIsUnion(services, call) && unionMembersDeclareThenable(services, call)) {
      facts.thenable = true;
    } else if (candidateSignatures(services, call).length === 0 && facts.opaque === true) {
      // The callee is `any` or `unknown`: so is the call (see `opaque`), and neither has a `then`.
      facts.thenable = false;
    } else {
      const signatures = candidateSignatures(services, call);
      const answers = new Set<boolean | undefined>(
        signatures.length > 0
          ? signatures.map((signature) => {
              const declaration = signature.getDeclaration() as ts.SignatureDeclaration | undefined;
              if (declaration && !facts.union && guarded(() => declaresThenable(services, declaration), false)) return true;
              return guarded(() => thenableReturn(services, signature), undefined);
            })
          : [undefined],
      );
      const [only] = answers;
      facts.thenable = answers.size === 1 && only !== undefined ? only : guarded(() => isAlwaysThenable(checker, checker.getTypeAtLocation(call)), false);
    }
  }
  return facts.thenable;
}

/**
 * The callee expression's type is a union. Asked of the type alone: the union's combined signatures
 * ({@link candidateSignatures}) are what costs (TypeScript matches every member's overloads), and a union whose
 * members all declare a thenable needs none of them.
 */
function calleeIsUnion(services: TypeServices, call: ts.CallExpression): boolean {
  const facts = calleeFacts(call);
  const t = services.ts;
  if (call.expression.kind === t.SyntaxKind.SuperKeyword || call.expression.kind === t.SyntaxKind.ImportKeyword) return false;
  facts.union ??= guarded(() => services.checker.getTypeAtLocation(call.expression).isUnion(), false);
  return facts.union;
}

/**
 * The callee's type is a union (`client[command](key)`) each of whose members' signatures is declared to return a
 * thenable ({@link declaresThenable}): the signatures TypeScript combines for the union return a union of
 * instantiations of those return types, so the call's value is always thenable. Asked of the members' declarations
 * instead of the combined signature's return type, whose instantiation (node-redis's mapped and conditional command
 * types) cost most of a file's lint.
 */
function unionMembersDeclareThenable(services: TypeServices, call: ts.CallExpression): boolean {
  return guarded(() => {
    const type = services.checker.getTypeAtLocation(call.expression);
    if (!type.isUnion()) return false;
    return type.types.every((member) => {
      const signatures = member.getCallSignatures();
      return (
        signatures.length > 0 &&
        signatures.every((signature) => {
          const declaration = signature.getDeclaration() as ts.SignatureDeclaration | undefined;
          return declaration !== undefined && declaresThenable(services, declaration);
        })
      );
    });
  }, false);
}

/**
 * Every signature instantiated from the declaration returns a thenable: it is `async` (not a generator), or its
 * declared return type is a reference to an interface or class with a `then` member (`Promise<T>`: an interface's
 * members do not depend on its type arguments, so no instantiation loses `then`). Read off the declaration, without
 * instantiating its return type (which for a client whose commands are mapped types costs more than the rest of the
 * file's lint).
 */
function declaresThenable(services: TypeServices, declaration: ts.SignatureDeclaration): boolean {
  const t = services.ts;
  const modifiers = t.canHaveModifiers(declaration) ? t.getModifiers(declaration) : undefined;
  if (modifiers?.some((modifier) => modifier.kind === t.SyntaxKind.AsyncKeyword) && !('asteriskToken' in declaration && declaration.asteriskToken)) return true;
  const type = declaration.type;
  if (!type || !t.isTypeReferenceNode(type)) return false;
  let symbol = services.checker.getSymbolAtLocation(type.typeName);
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = services.checker.getAliasedSymbol(symbol);
  if (!symbol || !(symbol.flags & (t.SymbolFlags.Interface | t.SymbolFlags.Class)) || symbol.flags & t.SymbolFlags.TypeAlias) return false;
  return services.checker.getPropertyOfType(services.checker.getDeclaredTypeOfSymbol(symbol), 'then') !== undefined;
}

/**
 * Whether every call resolved to `signature` has an always-thenable value, or `undefined` if that depends on the
 * type arguments the call infers. A signature without type parameters of its own returns its return type. A generic
 * one returns an instantiation of it, whose thenability is the declared type's when every member of the (non-null)
 * return type is a primitive or a reference to an interface or class (`Promise<T>`: an interface's members do not
 * depend on its type arguments); a bare type parameter, a conditional or a mapped type may become anything.
 */
function thenableReturn(services: TypeServices, signature: ts.Signature): boolean | undefined {
  const t = services.ts;
  const { checker } = services;
  const returnType = signature.getReturnType();
  if ((signature.getTypeParameters()?.length ?? 0) === 0) return isAlwaysThenable(checker, returnType);
  const value = checker.getNonNullableType(returnType);
  const members = value.isUnion() ? value.types : [value];
  const fixed = members.every(
    (member) =>
      (member.flags & (t.TypeFlags.StringLike | t.TypeFlags.NumberLike | t.TypeFlags.BigIntLike | t.TypeFlags.BooleanLike | t.TypeFlags.ESSymbolLike | t.TypeFlags.VoidLike | t.TypeFlags.Null)) !== 0 ||
      ((member.flags & t.TypeFlags.Object) !== 0 && ((member as ts.ObjectType).objectFlags & (t.ObjectFlags.Reference | t.ObjectFlags.Interface | t.ObjectFlags.Class)) !== 0),
  );
  return fixed ? isAlwaysThenable(checker, returnType) : undefined;
}
