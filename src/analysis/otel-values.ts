/**
 * Which values are OpenTelemetry API objects, by where they come from rather than by their type (compiled code and
 * untyped files have none, and a field typed `any` says nothing). The OpenTelemetry specification forbids the API —
 * and the SDK behind it — to throw, so a method called on such a value is no throw point (the throw model still lets
 * the exceptions of a callback it runs through: {@link ./throw-model.ts}).
 *
 * A value is one when it is:
 * - an import (or tsc's CommonJS `require`) of an `@opentelemetry/` package, or a member read off one
 *   (`api_1.trace`, `propagation`);
 * - what a method of one returns (`trace.getTracerProvider()`, `provider.getMeter(…)`), except the methods that
 *   return what a callback returns (`context.with`, `startActiveSpan`, `context.bind`) or what the application
 *   stored (`ctx.getValue(key)`);
 * - a substitute with an OpenTelemetry default: `options.propagator ?? propagation`, `span || trace.getActiveSpan()`
 *   and tsc's `span !== null && span !== void 0 ? span : …` — a value offered in place of an API object implements
 *   the same interface, under the same contract;
 * - an object literal whose properties all are (`{ counter: meter.createCounter(…) }`), and a member read off it;
 * - a `const` bound to one, a `#private` field every write of which (only its class can write it) stores one (or
 *   `null`/`undefined`), and a call of a function of this file every `return` of which returns one.
 *
 * A null value read as a receiver throws a TypeError; the throw model counts no property read as a throw point
 * anywhere, so a field that may still be `null` is one here too.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { HandleIndex } from './handles.js';
import { classMember, isFunctionNode, memberName, someNode, unwrapValue, writeTarget } from './syntax.js';
import { OTEL_CALLBACK_RUNNERS } from './throw-tables.js';
import { returnsOf } from './wrappers.js';

const { DefinitionType } = TSESLint.Scope;

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export interface OtelValueDeps {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly handles: HandleIndex;
  /** The identifier is bound to an import or module-level `require` of an `@opentelemetry/` package. */
  isOtelImport(identifier: TSESTree.Identifier): boolean;
  /** The function or class a callee names in this file. */
  resolveCallee(callee: TSESTree.Node): TSESTree.Node | undefined;
}

/**
 * Methods whose result is not the API's own: what a callback returns (`context.with`, `startActiveSpan`), the callback
 * itself bound (`context.bind`), or a value the application stored (`ctx.getValue(key)`).
 */
const FOREIGN_RESULTS = new Set([...OTEL_CALLBACK_RUNNERS, 'bind', 'getValue']);

export class OtelValues {
  private readonly memo = new Map<TSESTree.Node, boolean>();
  /** Per class and private field name: the values its writes store, or `undefined` when one cannot be read. */
  private readonly fieldWrites = new Map<ClassNode, Map<string, TSESTree.Node[] | undefined>>();
  private readonly pending = new Set<TSESTree.Node>();

  constructor(private readonly deps: OtelValueDeps) {}

  /** `node` evaluates to an OpenTelemetry API object (or a container of them). */
  isOtelValue(node: TSESTree.Node): boolean {
    const value = unwrapValue(node);
    const known = this.memo.get(value);
    if (known !== undefined) return known;
    // A cycle (a field written from itself, a recursive function) proves nothing.
    if (this.pending.has(value)) return false;
    this.pending.add(value);
    const answer = this.decide(value);
    this.pending.delete(value);
    this.memo.set(value, answer);
    return answer;
  }

  private decide(value: TSESTree.Node): boolean {
    switch (value.type) {
      case AST_NODE_TYPES.Identifier:
        return this.deps.isOtelImport(value) || this.constOtel(value);
      case AST_NODE_TYPES.MemberExpression:
        return this.isOtelValue(value.object) || this.fieldOtel(value);
      case AST_NODE_TYPES.CallExpression:
        return this.callOtel(value);
      case AST_NODE_TYPES.LogicalExpression:
        return value.operator !== '&&' && this.isOtelValue(value.right);
      case AST_NODE_TYPES.ConditionalExpression:
        return this.substituteOtel(value);
      case AST_NODE_TYPES.ObjectExpression:
        return (
          value.properties.length > 0 &&
          value.properties.every((property) => property.type === AST_NODE_TYPES.Property && property.kind === 'init' && !property.method && this.isOtelValue(property.value))
        );
      default:
        return false;
    }
  }

  private constOtel(identifier: TSESTree.Identifier): boolean {
    const def = this.deps.handles.resolve(identifier)?.defs[0];
    if (def?.type !== DefinitionType.Variable || def.parent.kind !== 'const' || !def.node.init) return false;
    return def.node.id.type === AST_NODE_TYPES.Identifier && this.isOtelValue(def.node.init);
  }

  private callOtel(call: TSESTree.CallExpression): boolean {
    const callee = unwrapValue(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const name = memberName(callee);
      if (name !== undefined && FOREIGN_RESULTS.has(name)) return false;
      if (this.isOtelValue(callee.object)) return true;
    }
    const declaration = this.deps.resolveCallee(call.callee);
    return declaration !== undefined && isFunctionNode(declaration) && !declaration.async && !declaration.generator && this.returnsOtel(declaration);
  }

  /** Every `return` of the function returns an API object, `null` or `undefined`, and one returns an API object. */
  private returnsOtel(fn: TSESTree.FunctionLike): boolean {
    if (fn.body?.type !== AST_NODE_TYPES.BlockStatement) return fn.body !== undefined && fn.body !== null && this.isOtelValue(fn.body);
    const returned = returnsOf(fn.body).flatMap((statement) => (statement.argument && !isNullish(statement.argument) ? [statement.argument] : []));
    return returned.length > 0 && returned.every((value) => this.isOtelValue(value));
  }

  /** tsc's `a !== null && a !== void 0 ? a : otel` (and `a ? a : otel`): `a` is offered in place of the API object. */
  private substituteOtel(node: TSESTree.ConditionalExpression): boolean {
    const consequent = unwrapValue(node.consequent);
    if (!this.isOtelValue(node.alternate)) return false;
    if (consequent.type !== AST_NODE_TYPES.Identifier) return this.isOtelValue(consequent);
    return someNode(this.deps.sourceCode, node.test, (inner) => inner.type === AST_NODE_TYPES.Identifier && inner.name === consequent.name);
  }

  /** `this.#tracer`: a private field every write of which stores an API object (or nothing yet). */
  private fieldOtel(member: TSESTree.MemberExpression): boolean {
    const name = memberName(member);
    const owner = name === undefined ? undefined : this.deps.handles.classOfReceiver(member.object);
    if (!owner || name === undefined) return false;
    const field = classMember(owner, name);
    if (field?.type !== AST_NODE_TYPES.PropertyDefinition || field.static) return false;
    // TypeScript's `private` is not enforced at run time (`Object.assign(this, …)`, `(x as any).f = …`); `#f` is.
    if (field.key.type !== AST_NODE_TYPES.PrivateIdentifier) return false;
    const writes = this.writesOf(owner, name);
    if (!writes) return false;
    const stored = [...writes, ...(field.value ? [field.value] : [])].filter((value) => !isNullish(value));
    return stored.length > 0 && stored.every((value) => this.isOtelValue(value));
  }

  private writesOf(owner: ClassNode, name: string): TSESTree.Node[] | undefined {
    let fields = this.fieldWrites.get(owner);
    if (!fields) {
      fields = new Map();
      this.fieldWrites.set(owner, fields);
      const found = fields;
      someNode(this.deps.sourceCode, owner.body, (node) => {
        const target = writeTarget(node);
        if (!target) return false;
        const written = memberName(target.member);
        if (written === undefined || this.deps.handles.classOfReceiver(target.member.object) !== owner) return false;
        const list = found.has(written) ? found.get(written) : [];
        found.set(written, target.value && list ? [...list, target.value] : undefined);
        return false;
      });
    }
    return fields.has(name) ? fields.get(name) : [];
  }
}


function isNullish(node: TSESTree.Node): boolean {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Literal && value.value === null) return true;
  if (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined') return true;
  return value.type === AST_NODE_TYPES.UnaryExpression && value.operator === 'void';
}
