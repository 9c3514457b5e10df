/**
 * What may throw: the one place that decides whether evaluating a call, `new`, tagged template or `import()` can
 * complete abruptly with an exception *synchronously*, at that point of the path (the full list, and why each entry
 * holds, is in docs/analysis.md).
 *
 * The default is "it may": an unknown call can always throw. These never do:
 *
 * - the built-ins, host globals and library methods of {@link ./throw-tables.ts} (by name, checked against the
 *   scope so a local `console` is not the global one), and array, string and collection methods on receivers known
 *   to be arrays, strings or collections;
 * - the OpenTelemetry packages, whose specification forbids them to throw — except that a call that runs a callback
 *   it is given lets the callback's exceptions through — also called on API objects known by where they come from
 *   ({@link ./otel-values.ts}: `this.#tracer`, `options.propagator ?? propagation`);
 * - `.then`/`.catch`/`.finally`, and a call that returns a promise: it rejects rather than throws (the option
 *   `promiseFunctionsMayThrow` keeps this only for functions declared `async`);
 * - an acquire of a kind whose acquire cannot throw, and a tracked resource's non-throwing methods — also inside a
 *   helper's body, as the call that passes it the resource runs it;
 * - a function of this file whose body has no throw point by these rules, `new` of such a class, and (typed) a
 *   function of another source file of the program ({@link ./typed-summaries.ts});
 * - whatever the user lists in `nonThrowing`.
 *
 * Answers are memoised per node, except inside a body summarised for one call.
 */
import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, type JSONSchema, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

import { isAsyncFunction, isAwaiterCall } from './down-level.js';
import { elementLoop } from './elements.js';
import type { Variable } from './events.js';
import type { HandleIndex } from './handles.js';
import { OtelValues } from './otel-values.js';
import { ArraySlots } from './array-slots.js';
import { argumentBindings, classMember, isFunctionNode, memberName, requiredSpecifier, someNode, thisClass, unwrapValue } from './syntax.js';
import {
  ARRAY_CALLBACK_METHODS,
  ARRAY_METHODS,
  ARRAY_REDUCERS,
  ARRAY_RETURNING_GLOBAL_CALLS,
  calleePath,
  ENTRY_ARRAY_GLOBAL_CALLS,
  COLLECTION_METHODS,
  COLLECTIONS,
  invokedPath,
  isListenerRegistration,
  isLoggingCall,
  isStringConversion,
  NON_THROWING_CONSTRUCTORS,
  NON_THROWING_EMPTY_CONSTRUCTORS,
  NON_THROWING_GLOBAL_CALLS,
  NON_THROWING_GLOBAL_NAMESPACES,
  OTEL_CALLBACK_RUNNERS,
  OTEL_SCOPE,
  pathMatches,
  PROMISE_METHODS,
  rootIdentifier,
  SAFE_STRING_METHODS,
} from './throw-tables.js';
import { calleeDeclaration, calleeFile, callReturnsThenable, isArrayType, isAsyncDeclaration, TypedSummaries } from './typed-summaries.js';
import {
  guarded,
  isAlwaysThenable,
  isOpaque,
  matchesSpecifiers,
  typeOrValueSpecifiersSchema,
  type TypeServices,
  valueMatchesSpecifiers,
} from './types.js';

const { DefinitionType } = TSESLint.Scope;

export interface ThrowModelOptions {
  /** Calls the user knows never throw: `logger.info`, `metrics.*`, or TypeOrValueSpecifiers of receivers/functions. */
  readonly nonThrowing?: readonly TypeOrValueSpecifier[];
  /** A promise-returning function that is not declared `async` may still throw before it returns its promise. */
  readonly promiseFunctionsMayThrow?: boolean;
  /** A logger's level method may throw (a sink that fails synchronously): the strict view. */
  readonly loggersMayThrow?: boolean;
}

/** The schema properties of the throw model, shared by every rule that runs the dataflow. */
export const THROW_MODEL_SCHEMA: Record<keyof ThrowModelOptions, JSONSchema.JSONSchema4> = {
  nonThrowing: {
    ...typeOrValueSpecifiersSchema,
    description:
      'Calls that never throw, besides the built-in list: callee paths as strings (`log`, `logger.info`, `metrics.*`; a leading `this.` is ignored) or TypeOrValueSpecifiers of the receiver type or the function (typed only).',
  },
  promiseFunctionsMayThrow: {
    type: 'boolean',
    description:
      'Treat a promise-returning function that is not declared `async` as able to throw before it returns its promise (the strict view). Default: it rejects instead.',
  },
  loggersMayThrow: {
    type: 'boolean',
    description:
      "Treat a logger's level methods (`logger.info(…)`, `this.log.warn(…)`) as able to throw, as a log sink that fails synchronously would (the strict view). Default: they do not throw.",
  },
};

export interface ThrowModelDeps {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly handles: HandleIndex;
  readonly services: TypeServices | undefined;
  readonly options: ThrowModelOptions;
  /** The declaration of a callee in this file (a function or a class), if it can be found. */
  resolveCallee(callee: TSESTree.Node): TSESTree.Node | undefined;
  /** The method is one a resource handle offers without throwing (an OpenTelemetry span's `setAttribute`). */
  isNonThrowingHandleMethod(call: TSESTree.CallExpression): boolean;
  /** The call acquires a resource of a kind whose acquire cannot throw (`acquireNeverThrows`). */
  isNonThrowingAcquire(call: TSESTree.CallExpression): boolean;
  /** Untyped: functions and constants imported from other files of the package, read from disk (imported-summaries.ts). */
  readonly imported?: ImportedLookup | undefined;
}

/** A literal an imported `const` is bound to: its node type, and a string's or number's value. */
export interface ImportedConstant {
  readonly type: AST_NODE_TYPES;
  readonly value?: unknown;
}

/** What another file of the package says about a function or constant this file imports from it. */
export interface ImportedLookup {
  /** The call runs an imported function whose body cannot throw, or a method inherited from an imported class. */
  callCannotThrow(call: TSESTree.CallExpression): boolean;
  /** The node (`new`'s callee, a superclass) names an imported class whose construction cannot throw. */
  classCannotThrow(node: TSESTree.Node): boolean;
  /** The imported constant a node names, when it is a literal. */
  constantOf(node: TSESTree.Node): ImportedConstant | undefined;
}

/** Per program: whether some source file's path contains a fragment (`/node_modules/@opentelemetry/`). */
const PROGRAM_FILES = new WeakMap<ts.Program, Map<string, boolean>>();

function programHasFile(program: ts.Program, fragment: string): boolean {
  let known = PROGRAM_FILES.get(program);
  if (!known) PROGRAM_FILES.set(program, (known = new Map<string, boolean>()));
  let answer = known.get(fragment);
  if (answer === undefined) {
    answer = program.getSourceFiles().some((file) => file.fileName.includes(fragment));
    known.set(fragment, answer);
  }
  return answer;
}

export class ThrowModel {
  private readonly memo = new Map<TSESTree.Node, boolean>();
  private readonly bodies = new Map<TSESTree.Node, boolean>();
  private readonly typed: TypedSummaries;
  private readonly nameSpecifiers: readonly string[];
  private readonly typeSpecifiers: readonly Exclude<TypeOrValueSpecifier, string>[];
  private otelImports: Set<string> | undefined;
  private readonly otelValues: OtelValues;
  private readonly arraySlots: ArraySlots;

  constructor(private readonly deps: ThrowModelDeps) {
    this.arraySlots = new ArraySlots(deps.handles);
    this.otelValues = new OtelValues({
      sourceCode: deps.sourceCode,
      handles: deps.handles,
      isOtelImport: (identifier) => this.isOtelImport(identifier),
      resolveCallee: (callee) => deps.resolveCallee(callee),
    });
    const all = deps.options.nonThrowing ?? [];
    this.nameSpecifiers = all.filter((spec): spec is string => typeof spec === 'string');
    this.typeSpecifiers = all.filter((spec): spec is Exclude<TypeOrValueSpecifier, string> => typeof spec !== 'string');
    const optionsKey = JSON.stringify([all, deps.options.promiseFunctionsMayThrow ?? false, deps.options.loggersMayThrow ?? false]);
    this.typed = new TypedSummaries(optionsKey, this.nameSpecifiers, deps.options.promiseFunctionsMayThrow ?? false, deps.options.loggersMayThrow ?? false);
  }

  /**
   * While a helper's body is summarised for a call that passes it a tracked resource: the helper's parameters that
   * hold one, with the methods of that resource that cannot throw (`recordError(span, err)` calling
   * `span.setStatus(…)`). Answers inside such a body depend on the call, so they are not memoised per node.
   */
  private handleParams: ReadonlyMap<Variable, ReadonlySet<string>> = new Map();
  private readonly contextualBodies = new Map<string, boolean>();

  /** Evaluating `node` (a call, `new`, tagged template or `import()`) may throw synchronously. */
  mayThrow(node: TSESTree.Node): boolean {
    if (this.handleParams.size > 0) return this.decide(node);
    let answer = this.memo.get(node);
    if (answer === undefined) {
      answer = this.decide(node);
      this.memo.set(node, answer);
    }
    return answer;
  }

  private decide(node: TSESTree.Node): boolean {
    switch (node.type) {
      case AST_NODE_TYPES.ImportExpression:
        // `import()` reports every failure by rejecting.
        return false;
      case AST_NODE_TYPES.NewExpression:
        return this.constructorMayThrow(node);
      case AST_NODE_TYPES.CallExpression:
        // `super(…)` constructs the superclass: a known one is judged here; any other as a call (typed: its declaration).
        if (node.callee.type === AST_NODE_TYPES.Super) {
          const owner = thisClass(node);
          if (owner?.superClass && !this.superClassMayThrow(owner.superClass)) return false;
        }
        return this.callMayThrow(node);
      default:
        return true;
    }
  }


  private constructorMayThrow(node: TSESTree.NewExpression): boolean {
    const callee = unwrapValue(node.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && this.deps.handles.isGlobal(callee)) {
      if (NON_THROWING_CONSTRUCTORS.has(callee.name)) return false;
      if (NON_THROWING_EMPTY_CONSTRUCTORS.has(callee.name) && node.arguments.length === 0) return false;
    }
    const declaration = this.deps.resolveCallee(node.callee);
    if (declaration && isClass(declaration)) return this.classMayThrow(declaration);
    if (this.deps.imported?.classCannotThrow(node.callee)) return false;
    return this.userSaysNonThrowing(node.callee) ? false : !this.typedBodyCannotThrow(node);
  }

  private callMayThrow(call: TSESTree.CallExpression): boolean {
    const callee = unwrapValue(call.callee);
    const path = calleePath(callee);
    const dotted = this.globalPath(callee);
    if (path && dotted !== undefined) {
      if (NON_THROWING_GLOBAL_CALLS.has(dotted)) return false;
      if (path.length === 2 && NON_THROWING_GLOBAL_NAMESPACES.has(path[0] as string)) return false;
      // `Array.from(arguments)`, `Array.from(list)`: copying an array (or a function's arguments) runs no user code.
      if (dotted === 'Array.from' && call.arguments.length === 1 && this.isArrayOrArguments(call.arguments[0] as TSESTree.Node)) return false;
    }
    if (this.deps.isNonThrowingAcquire(call)) return false;
    // tsc's `__awaiter(…)` returns a promise; what its generator throws rejects it (down-level.ts).
    if (isAwaiterCall(call)) return false;
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const method = memberName(callee);
      if (method !== undefined && PROMISE_METHODS.has(method)) return false;
      if (method !== undefined && isStringConversion(method, call.arguments.length)) return false;
      if (method !== undefined && isListenerRegistration(call, method)) return false;
      if (method !== undefined && COLLECTION_METHODS.has(method) && this.isCollection(callee.object)) return false;
      if (method !== undefined && this.isSafeArrayCall(call, callee.object, method)) return false;
      if (this.deps.isNonThrowingHandleMethod(call)) return false;
      if (method !== undefined && this.isHandleParamMethod(callee.object, method)) return false;
      if (method !== undefined && call.arguments[0] && this.isHandleParamMethod(call.arguments[0], RELEASED_AS_ARGUMENT + method)) return false;
    }
    // The API itself never throws, but `context.with(ctx, fn)` and `startActiveSpan(name, fn)` run `fn`, whose
    // exceptions pass through.
    if (this.isOtelCall(call)) return this.callbackMayThrow(call, otelCallbacksThatPass(call));
    if (callee.type === AST_NODE_TYPES.MemberExpression && this.isSafeStringMethod(call, callee)) return false;
    if (this.userSaysNonThrowing(callee)) return false;
    if (!this.deps.options.loggersMayThrow && isLoggingCall(invokedPath(call), call.arguments.some((arg) => isFunctionNode(unwrapValue(arg))))) return false;
    const declaration = this.deps.resolveCallee(call.callee);
    if (declaration && isFunctionNode(declaration)) {
      // An async function (also tsc's down-levelled one) rejects, and a generator does not run its body until it is iterated.
      if (isAsyncFunction(declaration) || declaration.generator) return false;
      return this.bodyMayThrow(declaration, this.handleParamsFor(call, declaration));
    }
    if (this.importedCannotThrow(call)) return false;
    const { services } = this.deps;
    if (services) {
      if (this.returnsPromise(services, call)) return false;
      if (this.typedBodyCannotThrow(call)) return false;
    }
    return true;
  }

  /**
   * A call of the OpenTelemetry API: untyped, of an import from an `@opentelemetry/` package, of a member read off
   * one of its values (otel-values.ts) or of a method a class inherits from one; typed, of a callee declared there.
   */
  isOtelCall(call: TSESTree.CallExpression): boolean {
    const callee = unwrapValue(call.callee);
    const root = rootIdentifier(callee);
    return (
      (root !== undefined && this.isOtelImport(root)) ||
      this.isInheritedOtelMethod(callee) ||
      (callee.type === AST_NODE_TYPES.MemberExpression && this.otelValues.isOtelValue(callee.object)) ||
      this.declaredIn(call, OTEL_SCOPE)
    );
  }

  /**
   * A call of a global built-in (`console.log`, `JSON.stringify`, `Object.assign`), of the OpenTelemetry API
   * (`trace.setSpan(ctx, span)`) or of a logger's level method (`logger.info('got', client)`): it does not keep a
   * resource it is given.
   */
  isLibraryCall(call: TSESTree.CallExpression): boolean {
    // A logger formats what it is given into a line; it keeps none of it.
    if (isLoggingCall(calleePath(call.callee), false)) return true;
    const root = rootIdentifier(call.callee);
    if (root && (this.deps.handles.isGlobal(root) || this.isOtelImport(root))) return true;
    return this.declaredIn(call, OTEL_SCOPE);
  }

  /**
   * A string method that cannot throw on a string receiver, given no function to run (typed, or untyped on a string
   * literal, a `const` bound to one, or a parameter or variable a TypeScript source declares `: string`).
   */
  private isSafeStringMethod(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression): boolean {
    const { services } = this.deps;
    const method = memberName(callee);
    if (method === undefined || !SAFE_STRING_METHODS.has(method) || call.arguments.some((arg) => isFunctionNode(arg))) return false;
    if (!services) return typeof this.constantValue(callee.object)?.value === 'string' || this.declaredAsString(callee.object);
    return guarded(() => (services.checker.getNonNullableType(services.typeOf(callee.object)).flags & services.ts.TypeFlags.StringLike) !== 0, false);
  }

  /**
   * `array.map(fn)`, `array.push(x)`: an array method that throws only what the function it is given throws. The
   * receiver is an array by type; untyped, an array literal or a `const` bound to one, or, for the methods that take
   * a function, any receiver given functions written in place (`nodes.find((node) => node.name === name)`).
   */
  private isSafeArrayCall(call: TSESTree.CallExpression, receiver: TSESTree.Node, method: string): boolean {
    const takesFunction = ARRAY_CALLBACK_METHODS.has(method) || (ARRAY_REDUCERS.has(method) && call.arguments.length >= 2);
    if (!takesFunction && !ARRAY_METHODS.has(method)) return false;
    const isArray = this.isArrayValue(receiver);
    if (isArray === false) return false;
    if (isArray === undefined && !(takesFunction && call.arguments.length > 0 && isFunctionNode(unwrapValue(call.arguments[0] as TSESTree.Node)))) {
      return false;
    }
    return !takesFunction || !this.callbackMayThrow(call);
  }

  private isArrayOrArguments(node: TSESTree.Node): boolean {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.Identifier && value.name === 'arguments' && this.deps.handles.isGlobal(value)) return true;
    return this.isArrayValue(value, true) === true;
  }

  /** Whether iterating `node` (`for…of`, spread, an array pattern) may throw: it cannot on an array or a string. */
  private iterationMayThrow(node: TSESTree.Node): boolean {
    return this.isArrayValue(node, true) !== true;
  }

  /**
   * The value is an array (or, with `orString`, a string): `true`/`false` by its type, `true` for an array literal,
   * a `const` bound to one, or (when its type says nothing) a slot this file fills only with arrays
   * ({@link ./array-slots.ts}), `undefined` when unknown.
   */
  private isArrayValue(node: TSESTree.Node, orString = false): boolean | undefined {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.ArrayExpression) return true;
    const constant = this.constantValue(value);
    if (constant?.type === AST_NODE_TYPES.ArrayExpression) return true;
    if (orString && typeof constant?.value === 'string') return true;
    if (value.type === AST_NODE_TYPES.CallExpression && (this.returnsArray(value) || this.isStringSplit(value))) return true;
    const { services } = this.deps;
    if (!services && orString && this.declaredAsString(value)) return true;
    const typed = services ? guarded(() => isArrayType(services, services.typeOf(value), orString), undefined) : undefined;
    if (typed !== undefined) return typed;
    return value.type === AST_NODE_TYPES.MemberExpression && this.arraySlots.holdsArray(value) ? true : undefined;
  }

  /** `path.split('/')` on a string ({@link isSafeStringMethod}): always a new array. */
  private isStringSplit(call: TSESTree.CallExpression): boolean {
    const callee = unwrapValue(call.callee);
    return callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'split' && this.isSafeStringMethod(call, callee);
  }

  /** `Object.values(o)`, `Array.from(xs)`: a global built-in that always returns a new array. */
  private returnsArray(call: TSESTree.CallExpression): boolean {
    const dotted = this.globalPath(unwrapValue(call.callee));
    return dotted !== undefined && ARRAY_RETURNING_GLOBAL_CALLS.has(dotted);
  }

  /** `JSON.stringify` for a callee rooted at a global (not shadowed by a local `JSON`); undefined otherwise. */
  private globalPath(callee: TSESTree.Node): string | undefined {
    const path = calleePath(callee);
    const root = rootIdentifier(callee);
    return path && root && this.deps.handles.isGlobal(root) ? path.join('.') : undefined;
  }

  /** What a `const` identifier is bound to, when that is a literal (array literal, string literal), also one imported. */
  private constantValue(node: TSESTree.Node): { type: AST_NODE_TYPES; value?: unknown } | undefined {
    return this.localConstantValue(node) ?? this.deps.imported?.constantOf(node);
  }

  /** Untyped: a function imported (by a relative specifier) from a file whose body for it cannot throw. */
  private importedCannotThrow(call: TSESTree.CallExpression): boolean {
    return this.deps.imported?.callCannotThrow(call) ?? false;
  }

  /**
   * A function's body as a caller elsewhere runs it (imported-summaries.ts): a throw point outside any nested
   * function makes it throwing.
   */
  summaryMayThrow(fn: TSESTree.Node): boolean {
    return this.bodyMayThrow(fn);
  }

  /** A class's construction as `new` of it elsewhere runs it (imported-summaries.ts). */
  summaryClassMayThrow(declaration: TSESTree.ClassDeclaration | TSESTree.ClassExpression): boolean {
    return this.classMayThrow(declaration);
  }

  private localConstantValue(node: TSESTree.Node): { type: AST_NODE_TYPES; value?: unknown } | undefined {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.Literal) return value;
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const def = this.deps.handles.resolve(value)?.defs[0];
    if (def?.type !== DefinitionType.Variable || def.parent.kind !== 'const' || !def.node.init) return undefined;
    const init = unwrapValue(def.node.init);
    return init.type === AST_NODE_TYPES.ArrayExpression || init.type === AST_NODE_TYPES.Literal ? init : undefined;
  }

  /**
   * A call given a function may run it: it throws what that function may throw (an unknown function may). Not a
   * `bind` (`context.bind(ctx, fn)`, `fn.bind(this)`, `AsyncResource.bind(fn)`): it returns a wrapper and runs nothing.
   */
  private callbackMayThrow(call: TSESTree.CallExpression, args: readonly TSESTree.CallExpressionArgument[] = call.arguments): boolean {
    if (calleePath(call.callee)?.at(-1) === 'bind') return false;
    return args.some((arg) => {
      const value = unwrapValue(arg);
      if (isFunctionNode(value)) return !isAsyncFunction(value) && !value.generator && this.bodyMayThrow(value);
      if (value.type !== AST_NODE_TYPES.Identifier) return false;
      const declaration = this.deps.resolveCallee(value);
      if (declaration && isFunctionNode(declaration)) return !isAsyncFunction(declaration) && !declaration.generator && this.bodyMayThrow(declaration);
      // An identifier that is not a function of this file: typed, only a callable value counts; untyped, only for the
      // functions known to run a callback (a span passed to `trace.setSpan` is no callback).
      const { services } = this.deps;
      if (!services) return OTEL_CALLBACK_RUNNERS.has(calleePath(call.callee)?.at(-1) ?? '');
      // A callable that returns a promise rejects rather than throws (unless the strict view is asked for).
      return guarded(() => {
        const signatures = services.typeOf(value).getCallSignatures();
        if (signatures.length === 0) return false;
        if (this.deps.options.promiseFunctionsMayThrow) return true;
        return !signatures.every((signature) => isAlwaysThenable(services.checker, signature.getReturnType()));
      }, true);
    });
  }

  /** The receiver is a Map, Set, WeakMap or WeakSet. */
  private isCollection(receiver: TSESTree.Node): boolean {
    const { services } = this.deps;
    if (services) {
      const type = guarded(() => services.checker.getNonNullableType(services.typeOf(receiver)), undefined);
      if (type && !isOpaque(type)) {
        const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
        return name !== undefined && COLLECTIONS.has(name);
      }
    }
    return this.declaredAsCollection(receiver);
  }

  /**
   * Without types: a parameter (`peer: string`, not optional) or a variable a TypeScript source declares `: string`,
   * as the typed model would read it; like a collection's annotation, the untyped model takes the source's word.
   */
  private declaredAsString(receiver: TSESTree.Node): boolean {
    const value = unwrapValue(receiver);
    if (value.type !== AST_NODE_TYPES.Identifier) return false;
    const def = this.deps.handles.resolve(value)?.defs[0];
    if (def?.type === DefinitionType.Variable) return def.node.id.typeAnnotation?.typeAnnotation.type === AST_NODE_TYPES.TSStringKeyword;
    if (def?.type !== DefinitionType.Parameter || def.name.type !== AST_NODE_TYPES.Identifier || def.name.optional) return false;
    return def.name.typeAnnotation?.typeAnnotation.type === AST_NODE_TYPES.TSStringKeyword;
  }

  /** Without types: `const cache = new Map()`, or a field `cache = new Map()` / `cache: Map<K, V>` read through `this` (or `const self = this`). */
  private declaredAsCollection(receiver: TSESTree.Node): boolean {
    const value = unwrapValue(receiver);
    if (value.type === AST_NODE_TYPES.Identifier) {
      const def = this.deps.handles.resolve(value)?.defs[0];
      if (def?.type !== DefinitionType.Variable) return false;
      return isCollectionInit(def.node.init) || isCollectionAnnotation(def.node.id.typeAnnotation?.typeAnnotation);
    }
    if (value.type === AST_NODE_TYPES.MemberExpression) {
      const name = memberName(value);
      const owner = name === undefined ? undefined : this.deps.handles.classOfReceiver(value.object);
      const field = owner && name !== undefined ? classMember(owner, name) : undefined;
      return (
        field?.type === AST_NODE_TYPES.PropertyDefinition &&
        (isCollectionInit(field.value) || isCollectionAnnotation(field.typeAnnotation?.typeAnnotation))
      );
    }
    return false;
  }

  /** The identifier is imported from an OpenTelemetry package (`trace` from the API, `getRPCMetadata` from core). */
  private isOtelImport(root: TSESTree.Identifier): boolean {
    if (!this.otelImports) {
      this.otelImports = new Set();
      for (const statement of this.deps.sourceCode.ast.body) {
        if (statement.type === AST_NODE_TYPES.ImportDeclaration && statement.source.value.startsWith(OTEL_SCOPE)) {
          for (const specifier of statement.specifiers) this.otelImports.add(specifier.local.name);
        }
        // CommonJS, as tsc writes it: `const api_1 = require("@opentelemetry/api")`, `const { trace } = require(…)`,
        // or wrapped in an interop helper (`__importStar(require(…))`).
        if (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.kind === 'const') {
          for (const declarator of statement.declarations) {
            if (!declarator.init || !isOtelRequire(declarator.init)) continue;
            for (const id of declaredNames(declarator.id)) this.otelImports.add(id);
          }
        }
      }
    }
    if (!this.otelImports.has(root.name)) return false;
    const def = this.deps.handles.resolve(root)?.defs[0];
    return def?.type === DefinitionType.ImportBinding || (def?.type === DefinitionType.Variable && def.parent.parent.type === AST_NODE_TYPES.Program);
  }

  /**
   * `this.getConfig()`, `self._diag.debug(…)` in a class that extends an OpenTelemetry class (`InstrumentationBase`)
   * and does not declare the member itself: the inherited member is OpenTelemetry's, which does not throw.
   */
  private isInheritedOtelMethod(callee: TSESTree.Node): boolean {
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    // The first member read off the instance: `getConfig` in `this.getConfig()`, `_diag` in `self._diag.debug(…)`.
    let first: TSESTree.MemberExpression = callee;
    for (let object = unwrapValue(first.object); object.type === AST_NODE_TYPES.MemberExpression; object = unwrapValue(object.object)) {
      first = object;
    }
    const name = memberName(first);
    const owner = name === undefined ? undefined : this.deps.handles.classOfReceiver(first.object);
    if (!owner || name === undefined || classMember(owner, name)) return false;
    // `extends InstrumentationBase`, or CommonJS's `extends instrumentation_1.InstrumentationBase`.
    const base = owner.superClass ? rootIdentifier(owner.superClass) : undefined;
    return base !== undefined && this.isOtelImport(base);
  }


  private userSaysNonThrowing(callee: TSESTree.Node): boolean {
    const path = calleePath(callee);
    if (path && this.nameSpecifiers.some((pattern) => pathMatches(pattern, path))) return true;
    const { services } = this.deps;
    if (!services || this.typeSpecifiers.length === 0) return false;
    const value = unwrapValue(callee);
    return guarded(() => {
      const specifiers = [...this.typeSpecifiers];
      if (value.type === AST_NODE_TYPES.MemberExpression && matchesSpecifiers(services, services.typeOf(value.object), specifiers)) {
        return true;
      }
      return valueMatchesSpecifiers(services, value, specifiers);
    }, false);
  }

  private returnsPromise(services: TypeServices, call: TSESTree.CallExpression): boolean {
    const tsCall = this.tsCall(services, call);
    if (!tsCall || !services.ts.isCallExpression(tsCall) || !callReturnsThenable(services, tsCall)) return false;
    if (!this.deps.options.promiseFunctionsMayThrow) return true;
    const declaration = calleeDeclaration(services, tsCall);
    return declaration !== undefined && isAsyncDeclaration(services.ts, declaration);
  }

  /** TypeScript's node of a call or `new`, if it is one. */
  private tsCall(services: TypeServices, node: TSESTree.CallExpression | TSESTree.NewExpression): ts.CallExpression | ts.NewExpression | undefined {
    const tsNode = guarded(() => services.tsNodeOf(node), undefined);
    return tsNode && (services.ts.isCallExpression(tsNode) || services.ts.isNewExpression(tsNode)) ? tsNode : undefined;
  }

  /** The declaration of the callee's signature (see {@link calleeDeclaration}): shared by every rule of the file. */
  private signatureDeclaration(services: TypeServices, node: TSESTree.CallExpression | TSESTree.NewExpression): ts.Declaration | undefined {
    const tsCall = this.tsCall(services, node);
    return tsCall && calleeDeclaration(services, tsCall);
  }

  /** Typed: the callee is declared in `packageName` (a trailing `/` names a scope: every package in it). */
  private declaredIn(call: TSESTree.CallExpression, packageName: string): boolean {
    const { services } = this.deps;
    if (!services) return false;
    const fragment = `/node_modules/${packageName.endsWith('/') ? packageName : `${packageName}/`}`;
    // No file of the program is in the package (most programs use no OpenTelemetry): no callee is declared there.
    if (!programHasFile(services.program, fragment)) return false;
    const tsCall = this.tsCall(services, call);
    const file = tsCall && calleeFile(services, tsCall);
    return file !== undefined && file.includes(fragment);
  }

  /** Typed: the callee is declared with a body in a source file of the program, and that body cannot throw. */
  private typedBodyCannotThrow(node: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
    const { services } = this.deps;
    if (!services) return false;
    const declaration = this.signatureDeclaration(services, node);
    return declaration !== undefined && !this.typed.declarationMayThrow(services, declaration, 0);
  }

  /**
   * A same-file function body: a throw point outside any nested function makes it throwing. With `params`, the
   * body as this call runs it: those parameters hold a resource whose listed methods cannot throw.
   */
  private bodyMayThrow(fn: TSESTree.Node, params: ReadonlyMap<Variable, ReadonlySet<string>> = new Map()): boolean {
    const key = params.size === 0 ? undefined : contextKey(fn, params);
    const known = key === undefined ? this.bodies.get(fn) : this.contextualBodies.get(key);
    if (known !== undefined) return known;
    const remember = (answer: boolean): void => {
      if (key === undefined) this.bodies.set(fn, answer);
      else this.contextualBodies.set(key, answer);
    };
    // A call cycle: assume the worst until the body is known.
    remember(true);
    const body = isFunctionNode(fn) ? fn.body : fn;
    const outer = this.handleParams;
    this.handleParams = params;
    try {
      const answer = someNode(this.deps.sourceCode, body, (inner) => this.isThrowPointSyntax(inner), cannotThrowOut);
      remember(answer);
      return answer;
    } finally {
      this.handleParams = outer;
    }
  }

  /**
   * The parameters of `fn` this call passes a tracked resource (or a parameter that holds one) to; also the names a
   * destructured parameter binds from an object literal's properties (`settle({ queue: q, key: item })`).
   */
  private handleParamsFor(call: TSESTree.CallExpression, fn: TSESTree.FunctionLike): Map<Variable, ReadonlySet<string>> {
    const params = new Map<Variable, ReadonlySet<string>>();
    fn.params.forEach((declared, index) => {
      const given = call.arguments[index];
      for (const [param, arg] of given ? argumentBindings(declared, given) : []) this.noteHandleParam(params, param, arg);
    });
    return params;
  }

  /** The methods of the resource `arg` holds that cannot throw, noted for the helper's parameter `param`. */
  private noteHandleParam(params: Map<Variable, ReadonlySet<string>>, param: TSESTree.Identifier, arg: TSESTree.Node): void {
    const methods = new Set<string>();
    // The resource's release too (`span.end()` in the helper): a release is never a throw point, as at a call site.
    for (const ob of this.deps.handles.handleOf(arg)) {
      for (const method of [...(ob.kind.nonThrowingHandleMethods ?? []), ...ob.kind.handleReleases]) methods.add(method);
      // And a receiver's release of it (`queue.done(key)` given the item): noted apart, as a method the parameter is
      // the argument of.
      for (const method of ob.kind.receiverReleases) methods.add(RELEASED_AS_ARGUMENT + method);
    }
    const value = unwrapValue(arg);
    const passedOn = value.type === AST_NODE_TYPES.Identifier ? this.deps.handles.resolve(value) : undefined;
    for (const method of (passedOn && this.handleParams.get(passedOn)) ?? []) methods.add(method);
    const variable = methods.size > 0 ? this.deps.handles.resolve(param) : undefined;
    if (variable) params.set(variable, methods);
  }

  private isHandleParamMethod(receiver: TSESTree.Node, method: string): boolean {
    if (this.handleParams.size === 0) return false;
    const value = unwrapValue(receiver);
    const variable = value.type === AST_NODE_TYPES.Identifier ? this.deps.handles.resolve(value) : undefined;
    return variable !== undefined && (this.handleParams.get(variable)?.has(method) ?? false);
  }

  /** `for (const [key, value] of Object.entries(o))`: each element of the built-in's result is a new `[key, value]` array. */
  private bindsEntry(pattern: TSESTree.ArrayPattern): boolean {
    const loop = elementLoop(pattern.parent);
    const right = loop && unwrapValue(loop.right);
    return right?.type === AST_NODE_TYPES.CallExpression && ENTRY_ARRAY_GLOBAL_CALLS.has(this.globalPath(unwrapValue(right.callee)) ?? '');
  }

  /** Syntax that may throw inside a body being summarised. */
  isThrowPointSyntax(node: TSESTree.Node): boolean {
    switch (node.type) {
      case AST_NODE_TYPES.ThrowStatement:
      case AST_NODE_TYPES.TaggedTemplateExpression:
      case AST_NODE_TYPES.AwaitExpression:
      case AST_NODE_TYPES.YieldExpression:
        return true;
      // Iterating calls the iterator protocol, which may throw; an array's or a string's built-in iterator does not.
      case AST_NODE_TYPES.ForOfStatement:
        return this.iterationMayThrow(node.right);
      case AST_NODE_TYPES.SpreadElement:
        // `{ ...value }` copies properties and does not iterate.
        return node.parent.type !== AST_NODE_TYPES.ObjectExpression && this.iterationMayThrow(node.argument);
      case AST_NODE_TYPES.ArrayPattern:
        if (this.bindsEntry(node)) return false;
        return !(node.parent.type === AST_NODE_TYPES.VariableDeclarator && node.parent.init && !this.iterationMayThrow(node.parent.init));
      case AST_NODE_TYPES.CallExpression:
      case AST_NODE_TYPES.NewExpression:
        return this.mayThrow(node);
      default:
        return false;
    }
  }

  /**
   * A class whose construction runs only assignments and calls that cannot throw: its field initialisers, its
   * constructor, and its superclass's construction, when that is a class of this file or (untyped) one imported
   * from another file of the package; any other superclass may throw.
   */
  private classMayThrow(declaration: TSESTree.ClassDeclaration | TSESTree.ClassExpression): boolean {
    const known = this.bodies.get(declaration);
    if (known !== undefined) return known;
    this.bodies.set(declaration, true);
    let answer = declaration.superClass !== null && this.superClassMayThrow(declaration.superClass);
    for (const member of declaration.body.body) {
      if (answer) break;
      if (member.type === AST_NODE_TYPES.PropertyDefinition && !member.static && member.value) {
        answer = this.expressionMayThrow(member.value);
      } else if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
        answer = this.bodyMayThrow(member.value);
      }
    }
    this.bodies.set(declaration, answer);
    return answer;
  }

  private superClassMayThrow(superClass: TSESTree.Node): boolean {
    const declaration = this.deps.resolveCallee(superClass);
    if (declaration && isClass(declaration)) return this.classMayThrow(declaration);
    return !(this.deps.imported?.classCannotThrow(superClass) ?? false);
  }

  private expressionMayThrow(node: TSESTree.Node): boolean {
    return someNode(this.deps.sourceCode, node, (inner) => this.isThrowPointSyntax(inner), cannotThrowOut);
  }

}

/**
 * In a helper's context (`handleParams`), the prefix of a method that releases the parameter given as its first
 * argument (`done` of `queue.done(key)`), apart from the parameter's own methods (`span.end()`).
 */
const RELEASED_AS_ARGUMENT = 'argument:';

function contextKey(fn: TSESTree.Node, params: ReadonlyMap<Variable, ReadonlySet<string>>): string {
  const parts = [...params].map(([variable, methods]) => `${variable.name}@${variable.defs[0]?.name.range[0] ?? -1}=${[...methods].sort().join(',')}`);
  return `${fn.range[0]}:${fn.range[1]}|${parts.sort().join(';')}`;
}

/**
 * The arguments of an OpenTelemetry call whose exceptions pass through it. `safeExecuteInTheMiddle(execute, onFinish,
 * true)` catches what `execute` throws and, told to prevent throwing, returns instead (@opentelemetry/instrumentation's
 * utils): only what `onFinish` throws, in its `finally`, passes. `safeExecuteInTheMiddleAsync` is an `async` function:
 * it rejects, nothing is thrown synchronously.
 */
function otelCallbacksThatPass(call: TSESTree.CallExpression): readonly TSESTree.CallExpressionArgument[] {
  const name = calleePath(call.callee)?.at(-1);
  if (name === 'safeExecuteInTheMiddleAsync') return [];
  if (name !== 'safeExecuteInTheMiddle') return call.arguments;
  const prevent = call.arguments[2] && unwrapValue(call.arguments[2]);
  return prevent?.type === AST_NODE_TYPES.Literal && prevent.value === true ? call.arguments.slice(1, 2) : call.arguments;
}

/** `require('@opentelemetry/…')`, possibly inside a module-interop helper (tsc's `__importStar(require(…))`, Babel's). */
function isOtelRequire(node: TSESTree.Node): boolean {
  return requiredSpecifier(node)?.startsWith(OTEL_SCOPE) ?? false;
}

/** The names a declarator binds: `x`, or the local names of `{ a, b: c }`. */
function declaredNames(pattern: TSESTree.Node): string[] {
  if (pattern.type === AST_NODE_TYPES.Identifier) return [pattern.name];
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return [];
  return pattern.properties.flatMap((property) => (property.type === AST_NODE_TYPES.Property ? declaredNames(property.value) : []));
}

/** A nested function's body does not run when the function that creates it runs. */
function isNestedFunction(node: TSESTree.Node): boolean {
  return isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody;
}

/**
 * What a body's run cannot throw out of: a nested function, and the block of a `try` with a `catch`, which catches
 * whatever the block throws (the handler and the `finally` are still read). A `catch ({ message })` is not such a
 * `catch`: destructuring what was thrown throws for `null` or `undefined`.
 */
function cannotThrowOut(node: TSESTree.Node): boolean {
  if (isNestedFunction(node)) return true;
  const owner = node.parent;
  return (
    owner?.type === AST_NODE_TYPES.TryStatement &&
    owner.block === node &&
    owner.handler !== null &&
    (owner.handler.param === null || owner.handler.param.type === AST_NODE_TYPES.Identifier)
  );
}

function isClass(node: TSESTree.Node): node is TSESTree.ClassDeclaration | TSESTree.ClassExpression {
  return node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression;
}

function isCollectionInit(init: TSESTree.Node | null | undefined): boolean {
  if (!init) return false;
  const value = unwrapValue(init);
  return value.type === AST_NODE_TYPES.NewExpression && value.callee.type === AST_NODE_TYPES.Identifier && COLLECTIONS.has(value.callee.name);
}

function isCollectionAnnotation(annotation: TSESTree.TypeNode | undefined): boolean {
  return (
    annotation?.type === AST_NODE_TYPES.TSTypeReference &&
    annotation.typeName.type === AST_NODE_TYPES.Identifier &&
    COLLECTIONS.has(annotation.typeName.name)
  );
}
