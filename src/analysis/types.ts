/**
 * Type questions the rules ask, always after a cheap syntax filter. Files without type information get `undefined`
 * from {@link typeServices}, and the rules fall back to names.
 *
 * TypeScript (and typescript-eslint's type-utils, which imports it) is an optional peer of the plugin: a JavaScript-only
 * project lints without it. So both are loaded here, lazily, the first time a file with type information asks a type
 * question, and every other module imports TypeScript for its types only.
 */
import { createRequire } from 'node:module';

import type * as TypeUtils from '@typescript-eslint/type-utils';
import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import { ESLintUtils, type JSONSchema, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

const requireHere = createRequire(import.meta.url);

let typescript: typeof ts | undefined;
let typeUtils: typeof TypeUtils | undefined;

/**
 * The `typescript` module, loaded on first use. Only called with type information, which typescript-eslint's parser
 * can only provide when TypeScript is installed.
 */
function tsModule(): typeof ts {
  typescript ??= requireHere('typescript') as typeof ts;
  return typescript;
}

function typeUtilsModule(): typeof TypeUtils {
  typeUtils ??= requireHere('@typescript-eslint/type-utils') as typeof TypeUtils;
  return typeUtils;
}

/**
 * The JSON schema of a `TypeOrValueSpecifier[]` option: type-utils' `typeOrValueSpecifiersSchema`, written out here
 * because a rule's schema is needed at load time, before (and without) TypeScript. A test checks it equals
 * type-utils' own.
 */
export const typeOrValueSpecifiersSchema = {
  type: 'array',
  items: {
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['file'] },
          name: {
            oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }],
          },
          path: { type: 'string' },
        },
        required: ['from', 'name'],
      },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['lib'] },
          name: {
            oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }],
          },
        },
        required: ['from', 'name'],
      },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['package'] },
          name: {
            oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }],
          },
          package: { type: 'string' },
        },
        required: ['from', 'name', 'package'],
      },
    ],
  },
} as const satisfies JSONSchema.JSONSchema4;

export interface TypeServices {
  /** The TypeScript module the program was built with. */
  readonly ts: typeof ts;
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  typeOf(node: TSESTree.Node): ts.Type;
  tsNodeOf(node: TSESTree.Node): ts.Node | undefined;
}

export function typeServices(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): TypeServices | undefined {
  // Another parser (espree for a .js file) provides no services at all; getParserServices would throw on it.
  const provided = context.sourceCode.parserServices as Partial<ParserServicesWithTypeInformation> | undefined;
  if (!provided?.program || !provided.esTreeNodeToTSNodeMap) return undefined;
  const services = ESLintUtils.getParserServices(context, true) as ParserServicesWithTypeInformation;
  const program = provided.program;
  return {
    ts: tsModule(),
    checker: program.getTypeChecker(),
    program,
    typeOf: (node) => services.getTypeAtLocation(node),
    tsNodeOf: (node) => services.esTreeNodeToTSNodeMap.get(node),
  };
}

/**
 * Every question to the TypeScript checker goes through here: the checker can throw on programs it cannot make sense
 * of (TypeScript 5.9's `getResolvedSignature` on conflicting declarations of one global). The rule then falls back to
 * the answer it gives without types for that node, rather than crash the file.
 */
export function guarded<T>(question: () => T, fallback: T): T {
  try {
    return question();
  } catch {
    return fallback;
  }
}

/** `any`, `unknown` and unresolved types say nothing: the rule falls back to names for them. */
export function isOpaque(type: ts.Type): boolean {
  const { TypeFlags } = tsModule();
  return (type.flags & (TypeFlags.Any | TypeFlags.Unknown)) !== 0;
}

function requiredParameterCount(checker: ts.TypeChecker, signature: ts.Signature): number {
  let count = 0;
  for (const parameter of signature.getParameters()) {
    const declaration = parameter.valueDeclaration;
    if (!declaration || !tsModule().isParameter(declaration)) continue;
    if (declaration.dotDotDotToken || checker.isOptionalParameter(declaration)) break;
    count++;
  }
  return count;
}

function callSignatures(checker: ts.TypeChecker, type: ts.Type, name: string): readonly ts.Signature[] {
  const property = checker.getPropertyOfType(type, name);
  if (!property) return [];
  return checker.getTypeOfSymbol(property).getCallSignatures();
}

/**
 * A receiver type has a method `name` callable with no arguments, and a method for every name in `withArgument`
 * callable with one argument. Every member of a union must qualify (`Queue | undefined` is narrowed first).
 */
export function hasMethods(
  services: TypeServices,
  type: ts.Type,
  name: string,
  withArgument: readonly string[],
): boolean {
  const { checker } = services;
  return guarded(() => {
  const nonNullable = checker.getNonNullableType(type);
  const parts = nonNullable.isUnion() ? nonNullable.types : [nonNullable];
  return parts.every((part) => {
    const gets = callSignatures(checker, part, name);
    if (!gets.some((signature) => requiredParameterCount(checker, signature) === 0)) return false;
    return withArgument.every((method) =>
      callSignatures(checker, part, method).some(
        (signature) => signature.getParameters().length >= 1 && requiredParameterCount(checker, signature) <= 1,
      ),
    );
  });
  }, false);
}

export function matchesSpecifiers(services: TypeServices, type: ts.Type, specifiers: readonly TypeOrValueSpecifier[]): boolean {
  if (specifiers.length === 0) return false;
  return guarded(() => {
    const nonNullable = services.checker.getNonNullableType(type);
    const parts = nonNullable.isUnion() ? nonNullable.types : [nonNullable];
    const { typeMatchesSomeSpecifier } = typeUtilsModule();
    const matches = (candidate: ts.Type): boolean => typeMatchesSomeSpecifier(candidate, [...specifiers], services.program);
    return parts.some((part) => matches(part) || supertypesOf(services, part).some(matches));
  }, false);
}

/**
 * What a class or interface declares it is: the classes it extends and the interfaces it implements or extends,
 * transitively (a few levels). A class that `implements Tracer` (a vendor's tracer wrapping OpenTelemetry's) or
 * `extends Pool` is one, for the specifiers a preset or an option names.
 */
function supertypesOf(services: TypeServices, type: ts.Type, depth = 0, found: ts.Type[] = []): ts.Type[] {
  if (depth > 4) return found;
  const t = tsModule();
  const symbol = type.getSymbol();
  for (const declaration of symbol?.declarations ?? []) {
    if (!t.isClassLike(declaration) && !t.isInterfaceDeclaration(declaration)) continue;
    for (const clause of declaration.heritageClauses ?? []) {
      for (const expression of clause.types) {
        const base = services.checker.getTypeAtLocation(expression);
        if (found.includes(base)) continue;
        found.push(base);
        supertypesOf(services, base, depth + 1, found);
      }
    }
  }
  return found;
}

/** type-utils' `valueMatchesSomeSpecifier`, loaded with TypeScript. */
export function valueMatchesSpecifiers(services: TypeServices, node: TSESTree.Node, specifiers: readonly TypeOrValueSpecifier[]): boolean {
  if (specifiers.length === 0) return false;
  return guarded(() => typeUtilsModule().valueMatchesSomeSpecifier(node, [...specifiers], services.program, services.typeOf(node)), false);
}

/**
 * The value of this type is always a promise: every member of the (non-nullable) union has a `then`. The throw model
 * asks it of calls and of callbacks' return types: such a function rejects rather than throws.
 */
export function isAlwaysThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  const nonNullable = checker.getNonNullableType(type);
  const parts = nonNullable.isUnion() ? nonNullable.types : [nonNullable];
  return parts.length > 0 && parts.every((part) => checker.getPropertyOfType(part, 'then') !== undefined);
}

const THENABLE = new WeakMap<ts.Node, boolean>();

/**
 * The call's value is a promise (has a callable `then`). Answered once per call node (every rule asks it of the same
 * acquires), from the callee's declarations where they decide it ({@link declaredThenable}), else from the call's
 * type, which makes TypeScript resolve the call and check its arguments.
 */
export function isThenable(services: TypeServices, node: TSESTree.Node): boolean {
  const tsNode = services.tsNodeOf(node);
  const known = tsNode && THENABLE.get(tsNode);
  if (known !== undefined) return known;
  const answer = guarded(() => {
    const declared = tsNode && services.ts.isCallExpression(tsNode) ? declaredThenable(services, tsNode) : undefined;
    if (declared !== undefined) return declared;
    if (tsNode && opaqueCallee(services, tsNode)) return false;
    const type = services.checker.getNonNullableType(services.typeOf(node));
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((part) => callSignatures(services.checker, part, 'then').length > 0);
  }, false);
  if (tsNode) THENABLE.set(tsNode, answer);
  return answer;
}

/**
 * The call's callee has type `any` or `unknown` (`tracer.startSpan(…)` on a JavaScript `tracer` nothing types): then
 * TypeScript resolves the call to its untyped or error signature, and the call's type is `any` (no `then`). Typing
 * the callee costs its receiver's type; typing the call would also resolve it, checking every argument (25–95 ms for
 * one `startSpan` call with an object literal argument on the OpenTelemetry instrumentations). `require(…)` is left
 * out: in JavaScript its type is the module's whatever the callee's.
 */
function opaqueCallee(services: TypeServices, node: ts.Node): boolean {
  const t = services.ts;
  if (!t.isCallExpression(node)) return false;
  const callee = node.expression;
  if (!t.isIdentifier(callee) && !t.isPropertyAccessExpression(callee) && !t.isElementAccessExpression(callee)) return false;
  if (t.isIdentifier(callee) && callee.text === 'require') return false;
  return isOpaque(services.checker.getTypeAtLocation(callee));
}

/**
 * Whether a call's value has a callable `then`, read off the declarations of the function or method its callee names
 * (`this.tracer.startSpan(…)`: `startSpan(name: string, …): Span`), or `undefined` where they do not decide it. They
 * decide it when every declaration (the overloads of one interface, class or file) is `async`, or declares a return
 * type whose thenability no instantiation changes: a keyword or literal type (none), a reference to an interface or
 * class (an interface's members do not depend on its type arguments; its `then` must be a required method), or a union of
 * those; and all declarations agree. Type parameters, aliases, conditional, mapped and object literal types, inferred
 * return types and JSDoc-typed JavaScript are left to the call's type. Finding the symbol types the receiver, but
 * neither the arguments nor the call.
 */
export function declaredThenable(services: TypeServices, call: ts.CallExpression): boolean | undefined {
  const t = services.ts;
  const callee = call.expression;
  const name = t.isPropertyAccessExpression(callee) ? callee.name : t.isIdentifier(callee) ? callee : undefined;
  if (!name) return undefined;
  let symbol = services.checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = services.checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations ?? [];
  const [first] = declarations;
  if (!first) return undefined;
  let answer: boolean | undefined;
  for (const declaration of declarations) {
    if (declaration.parent !== first.parent) return undefined;
    if (!t.isFunctionDeclaration(declaration) && !t.isMethodDeclaration(declaration) && !t.isMethodSignature(declaration)) return undefined;
    // JavaScript: a JSDoc `@type` or `@overload` gives the signature instead (TypeScript files ignore JSDoc types).
    if (declaration.flags & t.NodeFlags.JavaScriptFile && t.getJSDocTags(declaration).some((tag) => t.isJSDocTypeTag(tag) || t.isJSDocOverloadTag(tag))) return undefined;
    const generator = 'asteriskToken' in declaration && declaration.asteriskToken !== undefined;
    const isAsync = t.getModifiers(declaration)?.some((modifier) => modifier.kind === t.SyntaxKind.AsyncKeyword) ?? false;
    const one = isAsync && !generator ? true : declaration.type ? typeNodeThenable(services, declaration.type) : undefined;
    if (one === undefined || (answer !== undefined && one !== answer)) return undefined;
    answer = one;
  }
  return answer;
}

function typeNodeThenable(services: TypeServices, node: ts.TypeNode): boolean | undefined {
  const t = services.ts;
  const { SyntaxKind } = t;
  switch (node.kind) {
    case SyntaxKind.VoidKeyword:
    case SyntaxKind.UndefinedKeyword:
    case SyntaxKind.NeverKeyword:
    case SyntaxKind.StringKeyword:
    case SyntaxKind.NumberKeyword:
    case SyntaxKind.BooleanKeyword:
    case SyntaxKind.BigIntKeyword:
    case SyntaxKind.SymbolKeyword:
    case SyntaxKind.LiteralType:
      return false;
    default:
      break;
  }
  if (t.isParenthesizedTypeNode(node)) return typeNodeThenable(services, node.type);
  if (t.isUnionTypeNode(node)) {
    let some = false;
    for (const member of node.types) {
      const one = typeNodeThenable(services, member);
      if (one === undefined) return undefined;
      some ||= one;
    }
    return some;
  }
  if (!t.isTypeReferenceNode(node)) return undefined;
  let symbol = services.checker.getSymbolAtLocation(node.typeName);
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = services.checker.getAliasedSymbol(symbol);
  if (!symbol || !(symbol.flags & (t.SymbolFlags.Interface | t.SymbolFlags.Class)) || symbol.flags & (t.SymbolFlags.TypeAlias | t.SymbolFlags.TypeParameter)) {
    return undefined;
  }
  const then = services.checker.getPropertyOfType(services.checker.getDeclaredTypeOfSymbol(symbol), 'then');
  if (!then) return false;
  const methods = then.declarations ?? [];
  const method = (declaration: ts.Declaration): boolean =>
    (t.isMethodSignature(declaration) || t.isMethodDeclaration(declaration)) && declaration.questionToken === undefined;
  return methods.length > 0 && methods.every(method) ? true : undefined;
}
