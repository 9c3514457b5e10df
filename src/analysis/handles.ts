/**
 * Which variables and expressions name an obligation's handle, its whole acquired value, or its shutdown flag, and
 * which receivers are "the same" (`q`, `this.queue`, `cc.errTasks`) — by scope, not by spelling.
 */
import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';

const { DefinitionType } = TSESLint.Scope;

import type { Obligation, Variable } from './events.js';
import type { Carrying } from './span-contexts.js';
import {
  classMember,
  contains,
  defaultedOperand,
  isFunctionNode,
  isLoop,
  memberName,
  owningCodePathNode,
  someNode,
  thisClass,
  unwrapAwaited,
  unwrapValue,
  writeTarget,
} from './syntax.js';

/** The writes of a class's `#` fields: the values `this.#f = …` gives, and whether any other write makes it unknown. */
interface FieldWrites {
  readonly values: TSESTree.Node[];
  unknown: boolean;
}

const FIELD_WRITES = new WeakMap<TSESTree.Node, ReadonlyMap<string, FieldWrites>>();

/**
 * Every write of a `#` field in the class's body, by field, found in one walk of the body (and shared by the rules'
 * analyses of the file): asked per field, a bundle's long store class was walked once for each of its fields.
 */
function privateFieldWrites(sourceCode: Readonly<TSESLint.SourceCode>, owner: TSESTree.ClassDeclaration | TSESTree.ClassExpression): ReadonlyMap<string, FieldWrites> {
  const known = FIELD_WRITES.get(owner);
  if (known) return known;
  const byField = new Map<string, FieldWrites>();
  someNode(sourceCode, owner.body, (node) => {
    const write = writeTarget(node);
    const name = write && memberName(write.member);
    if (!write || !name?.startsWith('#')) return false;
    let writes = byField.get(name);
    if (!writes) byField.set(name, (writes = { values: [], unknown: false }));
    if (write.value && unwrapValue(write.member.object).type === AST_NODE_TYPES.ThisExpression) writes.values.push(write.value);
    else writes.unknown = true;
    return false;
  });
  FIELD_WRITES.set(owner, byField);
  return byField;
}

export class HandleIndex {
  private readonly handles = new Map<Variable, Obligation[]>();
  private readonly results = new Map<Variable, Obligation[]>();
  private readonly flags = new Map<Variable, Obligation[]>();
  /** Variables holding an object, array or closure that carries a handle (`const ctx = { client }`). */
  private readonly containers = new Map<Variable, Obligation[]>();
  /** Each variable's receiver key ({@link accessKey}); `null`: none (or being computed). */
  private readonly variableKeys = new Map<Variable, string | null>();
  /** Each receiver's {@link accessKey}; `null`: none (or being computed), so a hit is one lookup, not two. */
  private readonly keys = new Map<TSESTree.Node, string | null>();
  /**
   * The names of the variables above: an identifier of another name denotes none of them, which is answered before
   * resolving it (most identifiers of a long function name nothing held).
   */
  private readonly heldNames = new Set<string>();
  /** The obligations a closure releases somewhere in its body (it carries them wherever it goes). */
  closureCarries: (fn: TSESTree.Node) => readonly Obligation[] = () => [];
  /** What a call's result carries: the span of `trace.setSpan(ctx, span)` (span-contexts.ts). */
  callCarries: (call: TSESTree.CallExpression) => Carrying | undefined = () => undefined;
  /**
   * Variables holding a context made from a resource (`const ctx = trace.setSpan(parent, span)`), or an object or
   * array holding one: it hands the resource on where it escapes (returned, stored, captured by a closure that
   * escapes), not where it is passed to a call ({@link ContextReach}).
   */
  private readonly contexts = new Map<Variable, Obligation[]>();
  /**
   * Variables holding a function that runs in such a context (a closure that reads one, `context.bind(ctx, fn)`): it
   * hands the resource on where it escapes, also as an argument, to whoever keeps it (a listener's registration).
   */
  private readonly contextCallables = new Map<Variable, Obligation[]>();

  constructor(private readonly sourceCode: Readonly<TSESLint.SourceCode>) {}

  get empty(): boolean {
    return this.handles.size === 0 && this.results.size === 0;
  }

  /**
   * The variable an identifier names. Looked up in a table built once per file from the scope manager's references
   * and declarations: asking `findVariable` with a node scans every child scope of the enclosing one, which made the
   * analysis quadratic in a block with thousands of branches.
   */
  resolve(node: TSESTree.Identifier): Variable | undefined {
    // The questions about one call ask about its callee and the same argument several times in a row (a handle, a
    // result, a closure, a carried value…): the last two answers are kept, since a lookup in a table of every
    // identifier of a long file misses the CPU caches (at 4,000 branches, 103,000 of 128,000 lookups are answered
    // here).
    if (node === this.recent) return this.recentVariable;
    if (node === this.previous) {
      const variable = this.previousVariable;
      this.previous = this.recent;
      this.previousVariable = this.recentVariable;
      this.recent = node;
      this.recentVariable = variable;
      return variable;
    }
    this.identifiers ??= this.indexIdentifiers();
    const known = this.identifiers.get(node);
    // An identifier the scope manager did not record (a type position, say): look it up by name.
    const variable = known !== undefined ? (known ?? undefined) : (ASTUtils.findVariable(this.sourceCode.getScope(node), node.name) ?? undefined);
    this.previous = this.recent;
    this.previousVariable = this.recentVariable;
    this.recent = node;
    this.recentVariable = variable;
    return variable;
  }

  private identifiers: Map<TSESTree.Node, Variable | null> | undefined;
  /** The identifiers {@link resolve} answered last (`recent`) and before it, with their answers. */
  private recent: TSESTree.Identifier | undefined;
  private recentVariable: Variable | undefined;
  private previous: TSESTree.Identifier | undefined;
  private previousVariable: Variable | undefined;

  private indexIdentifiers(): Map<TSESTree.Node, Variable | null> {
    const table = new Map<TSESTree.Node, Variable | null>();
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      for (const reference of scope.references) table.set(reference.identifier, reference.resolved);
      for (const variable of scope.variables) for (const identifier of variable.identifiers) table.set(identifier, variable);
    }
    return table;
  }

  /**
   * The class whose instance a receiver is: `this` in a method (through arrow functions), a `const` alias of it
   * (`const self = this`, the usual way to reach the instance from a `function` callback), or a `const` bound to
   * `new C(…)` of a class of this file.
   */
  classOfReceiver(node: TSESTree.Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.ThisExpression) return thisClass(value);
    if (value.type === AST_NODE_TYPES.MemberExpression) return this.privateFieldClass(value);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const def = this.resolve(value)?.defs[0];
    if (def?.type !== DefinitionType.Variable || def.parent.kind !== 'const' || !def.node.init) return undefined;
    const init = unwrapValue(def.node.init);
    if (init.type === AST_NODE_TYPES.ThisExpression) return thisClass(init);
    // `const db = new Routing()`: exactly that class, so no subclass can override what it declares.
    return init.type === AST_NODE_TYPES.NewExpression ? this.localClass(init.callee) : undefined;
  }

  private readonly fieldClasses = new Map<TSESTree.Node, TSESTree.ClassDeclaration | TSESTree.ClassExpression | null>();

  /**
   * `this.#db`, a private field every value of which is `new C(…)` of one class of this file: its initialiser, if any,
   * and every `this.#db = …` in the class (only the class can write a `#` field; any other write — compound,
   * destructuring, a loop target, `delete` — leaves it unknown).
   */
  private privateFieldClass(member: TSESTree.MemberExpression): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
    if (member.property.type !== AST_NODE_TYPES.PrivateIdentifier || unwrapValue(member.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
    const owner = thisClass(unwrapValue(member.object));
    const name = `#${member.property.name}`;
    const field = owner && classMember(owner, name);
    if (!owner || field?.type !== AST_NODE_TYPES.PropertyDefinition || field.static) return undefined;
    const known = this.fieldClasses.get(field);
    if (known !== undefined) return known ?? undefined;
    const writes = privateFieldWrites(this.sourceCode, owner).get(name);
    const values: TSESTree.Node[] = [...(field.value ? [field.value] : []), ...(writes?.values ?? [])];
    const classes = new Set(values.map((value) => {
      const inner = unwrapValue(value);
      return inner.type === AST_NODE_TYPES.NewExpression ? this.localClass(inner.callee) : undefined;
    }));
    const [only] = classes;
    const answer = !writes?.unknown && classes.size === 1 && only ? only : null;
    this.fieldClasses.set(field, answer);
    return answer ?? undefined;
  }

  /**
   * `C` for a class of this file: a class declaration, or a variable bound to a class expression and never assigned
   * again (`const C = class {}`; a bundler's `var C = class {}`).
   */
  private localClass(node: TSESTree.Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.resolve(value);
    const def = variable?.defs[0];
    if (def?.type === DefinitionType.ClassName) return def.node;
    if (def?.type !== DefinitionType.Variable || !def.node.init || variable?.defs.length !== 1) return undefined;
    if (def.parent.kind !== 'const' && variable.references.filter((reference) => reference.isWrite()).length !== 1) return undefined;
    const init = unwrapValue(def.node.init);
    return init.type === AST_NODE_TYPES.ClassExpression ? init : undefined;
  }

  /** The identifier names a global (nothing in this file declares it): `console`, `setTimeout`, `Promise`. */
  isGlobal(identifier: TSESTree.Identifier): boolean {
    const variable = this.resolve(identifier);
    return !variable || variable.defs.length === 0;
  }

  /**
   * The identifier names a global (implicit, or one of the lib's, which typed runs declare in the global scope), or
   * the same binding imported from one of `modules` (Node's `node:stream/web` exports the global `ReadableStream`).
   */
  isGlobalOrImportedFrom(identifier: TSESTree.Identifier, modules: ReadonlySet<string>): boolean {
    const variable = this.resolve(identifier);
    if (!variable || variable.defs.length === 0 || variable.scope.type === TSESLint.Scope.ScopeType.global) return true;
    const def = variable.defs[0];
    return def?.type === DefinitionType.ImportBinding && def.parent.type === AST_NODE_TYPES.ImportDeclaration && modules.has(def.parent.source.value);
  }

  addHandle(variable: Variable, ob: Obligation): void {
    ob.handleVars.add(variable);
    this.heldNames.add(variable.name);
    push(this.handles, variable, ob);
  }

  addResult(variable: Variable, ob: Obligation): void {
    ob.resultVars.add(variable);
    this.heldNames.add(variable.name);
    push(this.results, variable, ob);
    if (ob.kind.handle === 'self') this.addHandle(variable, ob);
  }

  addContainer(variable: Variable, ob: Obligation): void {
    this.heldNames.add(variable.name);
    push(this.containers, variable, ob);
  }

  /** A context holding `ob`, or a function that runs in one (`callable`). */
  addContext(variable: Variable, ob: Obligation, callable: boolean): void {
    this.heldNames.add(variable.name);
    push(callable ? this.contextCallables : this.contexts, variable, ob);
  }

  /** Some variable holds a context made from a resource, or a function that runs in one. */
  get holdsContexts(): boolean {
    return this.contexts.size > 0 || this.contextCallables.size > 0;
  }

  addFlag(variable: Variable, ob: Obligation): void {
    ob.flagVars.add(variable);
    this.heldNames.add(variable.name);
    push(this.flags, variable, ob);
  }

  /** Obligations whose handle `node` denotes: `item`, `r[0]`, `r.item`, or `client` for a self-handle. */
  handleOf(node: TSESTree.Node): readonly Obligation[] {
    const value = unwrapValue(node);
    // `q.done(item ?? '-')`: wherever `item` holds a value the whole is `item` (a declared `key = item ?? '-'` is an
    // alias already, owed.ts).
    const defaulted = value.type === AST_NODE_TYPES.Identifier ? undefined : defaultedOperand(value);
    if (defaulted) return this.handleOf(defaulted);
    if (value.type === AST_NODE_TYPES.Identifier) {
      if (!this.heldNames.has(value.name)) return [];
      const variable = this.resolve(value);
      return (variable && this.handles.get(variable)) ?? [];
    }
    if (value.type === AST_NODE_TYPES.MemberExpression) {
      return this.elementOf(value, (ob) => (ob.kind.handle === 'self' ? undefined : ob.kind.handle));
    }
    return [];
  }

  /** Obligations whose whole acquired value `node` denotes (`r`). */
  resultOf(node: TSESTree.Node): readonly Obligation[] {
    const value = unwrapAwaited(node).inner;
    if (value.type !== AST_NODE_TYPES.Identifier || !this.heldNames.has(value.name)) return [];
    const variable = this.resolve(value);
    return (variable && this.results.get(variable)) ?? [];
  }

  /** Obligations whose shutdown flag `node` denotes: `shutdown`, `r[1]`, `r.shutdown`. */
  flagOf(node: TSESTree.Node): readonly Obligation[] {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.Identifier) {
      if (!this.heldNames.has(value.name)) return [];
      const variable = this.resolve(value);
      return (variable && this.flags.get(variable)) ?? [];
    }
    if (value.type === AST_NODE_TYPES.MemberExpression) return this.elementOf(value, (ob) => ob.kind.flag);
    return [];
  }

  /**
   * Every obligation a value expression carries, looking through literals, spreads and conditionals; added to
   * `found` when given. Nothing is allocated when nothing is carried (most arguments of most calls). `reach`: which
   * of the contexts made from resources count (span-contexts.ts).
   */
  carried(node: TSESTree.Node | null | undefined, found?: Set<Obligation>, reach: ContextReach = 'all'): ReadonlySet<Obligation> {
    return this.collect(node, found, reach) ?? NOTHING_CARRIED;
  }

  private collect(node: TSESTree.Node | null | undefined, found: Set<Obligation> | undefined, reach: ContextReach): Set<Obligation> | undefined {
    if (!node) return found;
    const value = unwrapAwaited(node).inner;
    switch (value.type) {
      case AST_NODE_TYPES.Identifier: {
        if (!this.heldNames.has(value.name)) return found;
        const variable = this.resolve(value);
        if (!variable) return found;
        found = addAll(found, this.containers.get(variable));
        if (reach === 'all') found = addAll(found, this.contexts.get(variable));
        if (reach !== 'none') found = addAll(found, this.contextCallables.get(variable));
        found = addAll(found, this.handleOf(value));
        return addAll(found, this.resultOf(value));
      }
      case AST_NODE_TYPES.MemberExpression:
        return addAll(addAll(found, this.handleOf(value)), this.resultOf(value));
      case AST_NODE_TYPES.ArrowFunctionExpression:
      case AST_NODE_TYPES.FunctionExpression:
        found = addAll(found, this.closureCarries(value));
        return reach === 'none' ? found : this.capturedContexts(value, found);
      case AST_NODE_TYPES.CallExpression: {
        const carrying = this.callCarries(value);
        // A context given to a call is read there; a function that runs in one may be kept.
        if (!carrying || reach === 'none' || (reach === 'closures' && !carrying.callable)) return found;
        for (const operand of carrying.operands) found = this.collect(operand, found, 'all');
        return found;
      }
      case AST_NODE_TYPES.ArrayExpression:
        for (const element of value.elements) found = this.collect(element, found, reach);
        return found;
      case AST_NODE_TYPES.ObjectExpression:
        for (const property of value.properties) {
          found = this.collect(property.type === AST_NODE_TYPES.Property ? property.value : property.argument, found, reach);
        }
        return found;
      case AST_NODE_TYPES.SpreadElement:
        return this.collect(value.argument, found, reach);
      case AST_NODE_TYPES.ConditionalExpression:
        return this.collect(value.alternate, this.collect(value.consequent, found, reach), reach);
      case AST_NODE_TYPES.LogicalExpression:
        return this.collect(value.right, this.collect(value.left, found, reach), reach);
      case AST_NODE_TYPES.SequenceExpression:
        return this.collect(value.expressions[value.expressions.length - 1], found, reach);
      default:
        return found;
    }
  }

  /**
   * What the contexts a closure reads from outside it (in its body or a closure nested there) hold: the code it runs
   * in one (a callback of its caller's: `context.with(ctx, () => fn(...args))`) can end the span.
   */
  private capturedContexts(fnNode: TSESTree.Node, found: Set<Obligation> | undefined): Set<Obligation> | undefined {
    if (!this.holdsContexts) return found;
    for (const reference of this.sourceCode.scopeManager?.acquire(fnNode)?.through ?? []) {
      const variable = reference.resolved;
      if (variable) found = addAll(addAll(found, this.contexts.get(variable)), this.contextCallables.get(variable));
    }
    return found;
  }

  /** Does `node` mention a variable of `ob` (handle, result or flag) anywhere inside it. */
  mentions(node: TSESTree.Node, ob: Obligation): boolean {
    return this.find(node, (current) => {
      if (current.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = this.resolve(current);
      return variable !== undefined && (ob.handleVars.has(variable) || ob.resultVars.has(variable) || ob.flagVars.has(variable));
    });
  }

  /** Depth-first search of `node` and everything inside it. */
  find(node: TSESTree.Node, predicate: (node: TSESTree.Node) => boolean): boolean {
    return someNode(this.sourceCode, node, predicate);
  }

  /**
   * A stable identity for a receiver: the variable (by scope) or `this`, then the property names. A conditional,
   * logical or awaited receiver (`(flag ? a : b)`, `(await getQueue())`) is identified by its normalised text: the
   * same expression written again is the same receiver. `undefined` when the receiver is otherwise computed (a call
   * result, `x[i]`): such receivers never match, and {@link isUnidentifiedReceiver} lets the rules stay silent
   * when such a handle is released through another receiver.
   */
  accessKey(node: TSESTree.Node): string | undefined {
    const value = unwrapValue(node);
    // An identifier's key is its variable's: remembered per variable, not per node (a long function names the same
    // few variables at thousands of nodes).
    if (value.type === AST_NODE_TYPES.Identifier) return this.variableKey(value);
    const known = this.keys.get(value);
    if (known !== undefined) return known ?? undefined;
    // A cycle (`const a = a`) reads as computed.
    this.keys.set(value, null);
    const key = this.computeKey(value);
    this.keys.set(value, key ?? null);
    return key;
  }

  /**
   * `options.noAck` for `options?.noAck`, when `options` is never assigned after its declaration: a chain of plain
   * property reads that names the same object wherever it is written in the function. `undefined` otherwise.
   */
  stableKey(node: TSESTree.Node): string | undefined {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.Identifier) {
      const variable = this.resolve(value);
      const def = variable?.defs[0];
      if (!variable || !def || variable.references.some((reference) => reference.isWrite() && reference.identifier !== def.name && !reference.init)) {
        return undefined;
      }
      return `${value.name}@${def.name.range[0]}`;
    }
    if (value.type === AST_NODE_TYPES.MemberExpression && !value.computed && value.property.type === AST_NODE_TYPES.Identifier) {
      const object = this.stableKey(value.object);
      return object === undefined ? undefined : `${object}.${value.property.name}`;
    }
    return undefined;
  }

  /**
   * A key for a variable whose value is the same wherever it is read in one run of its function: a parameter or a
   * `let`/`const` with an initialiser, never written again and not declared inside a loop of that function (a loop
   * runs the initialiser again, rebinding it). `undefined` for anything else.
   */
  invariantKey(node: TSESTree.Node): string | undefined {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.resolve(value);
    const def = variable?.defs[0];
    if (!variable || variable.defs.length !== 1 || (def?.type !== DefinitionType.Variable && def?.type !== DefinitionType.Parameter)) return undefined;
    // A `var` reads `undefined` before its initialiser runs (a hoisted read from a closure); `let` and `const` throw.
    if (def.type === DefinitionType.Variable && (!def.node.init || def.parent.kind === 'var')) return undefined;
    if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
    for (let current: TSESTree.Node | undefined = def.name.parent; current && !isFunctionNode(current); current = current.parent) {
      if (isLoop(current)) return undefined;
    }
    return `${value.name}@${def.name.range[0]}`;
  }

  /**
   * {@link invariantKey}, or for a variable written more than once (`let traced = false; if (config.on) traced =
   * true; if (traced) …`), its key when no write can run after `read` in one run of the function: from there on the
   * value is the last write's, the same at every later read. So every write is in the function that declares it (a
   * closure's write may run at any time), before `read` in the text (a run moves forward but for its loops), and in
   * no loop of that function that also holds `read` or the declaration (the loop would run it again after `read`).
   * `read` is in that function too: a hoisted closure may run before the writes.
   */
  settledKey(read: TSESTree.Node): string | undefined {
    const invariant = this.invariantKey(read);
    if (invariant !== undefined) return invariant;
    const value = unwrapValue(read);
    const variable = value.type === AST_NODE_TYPES.Identifier ? this.resolve(value) : undefined;
    const def = variable?.defs[0];
    if (!variable || variable.defs.length !== 1 || (def?.type !== DefinitionType.Variable && def?.type !== DefinitionType.Parameter)) return undefined;
    if (def.type === DefinitionType.Variable && def.parent.kind === 'var') return undefined;
    const owner = owningCodePathNode(def.name);
    if (owningCodePathNode(value) !== owner || inSharedLoop(def.name, value, owner)) return undefined;
    for (const reference of variable.references) {
      if (!reference.isWrite()) continue;
      const write = reference.identifier;
      if (write.range[1] > value.range[0] || owningCodePathNode(write) !== owner || inSharedLoop(write, value, owner)) return undefined;
    }
    return this.identityKey(read);
  }

  /**
   * The variable a node reads, as {@link settledKey} names it, whatever its writes: for a later test of a variable
   * settled at an earlier one, which reads the same value wherever it runs after that one.
   */
  identityKey(node: TSESTree.Node): string | undefined {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.resolve(value);
    const def = variable?.defs[0];
    return variable && def && variable.defs.length === 1 ? `${value.name}@${def.name.range[0]}` : undefined;
  }

  /** {@link accessKey} of an identifier. */
  private variableKey(identifier: TSESTree.Identifier): string | undefined {
    const variable = this.resolve(identifier);
    if (!variable) return `global:${identifier.name}`;
    const known = this.variableKeys.get(variable);
    if (known !== undefined) return known ?? undefined;
    // A cycle (`const a = a.b`) reads as computed.
    this.variableKeys.set(variable, null);
    // `const q = this.queue`: the same queue under two names.
    const alias = constAliasOf(variable);
    const key = alias ? this.accessKey(alias) : `var:${this.variableKeys.size}`;
    this.variableKeys.set(variable, key ?? null);
    return key;
  }

  private computeKey(value: TSESTree.Node): string | undefined {
    switch (value.type) {
      case AST_NODE_TYPES.ThisExpression:
        return 'this';
      case AST_NODE_TYPES.MemberExpression: {
        const name = memberName(value);
        // `get queue() { return this.#queue; }`: the getter's field.
        const field = name !== undefined && value.object.type === AST_NODE_TYPES.ThisExpression ? getterField(value, name) : undefined;
        if (field) return this.accessKey(field);
        const object = name === undefined ? undefined : this.accessKey(value.object);
        return object === undefined ? undefined : `${object}.${name}`;
      }
      case AST_NODE_TYPES.ConditionalExpression:
      case AST_NODE_TYPES.LogicalExpression:
      case AST_NODE_TYPES.AwaitExpression:
        return `${TEXT_KEY}${this.sourceCode
          .getTokens(value)
          .map((token) => token.value)
          .join(' ')}`;
      default:
        return undefined;
    }
  }

  private elementOf(
    node: TSESTree.MemberExpression,
    element: (ob: Obligation) => { readonly index: number; readonly key: string } | undefined,
  ): readonly Obligation[] {
    const name = memberName(node);
    if (name === undefined) return [];
    return this.resultOf(node.object).filter((ob) => {
      const position = element(ob);
      return position !== undefined && (name === position.key || name === String(position.index));
    });
  }
}

const TEXT_KEY = 'text:';

/**
 * Which contexts made from resources (span-contexts.ts) a value carries: `all` where the value escapes (returned,
 * stored); `closures` where it is passed to a call that may keep it (only the functions that run in one: a listener);
 * `none` where it is passed to a call that runs or reads it now (an iteration callback, a callback run once).
 */
export type ContextReach = 'all' | 'closures' | 'none';

function addAll(found: Set<Obligation> | undefined, obs: Iterable<Obligation> | undefined): Set<Obligation> | undefined {
  if (obs) for (const ob of obs) (found ??= new Set()).add(ob);
  return found;
}

/** What {@link HandleIndex.carried} returns when nothing is carried: shared, never written. */
const NOTHING_CARRIED: ReadonlySet<Obligation> = new Set();

/** A receiver identified by its text, or not identified at all: a release through another receiver may be its own. */
export function isUnidentifiedReceiver(key: string | undefined): boolean {
  return key === undefined || key.startsWith(TEXT_KEY);
}

/** The initialiser of a `const` (or never reassigned) variable that names a receiver: `const q = this.queue`. */
function constAliasOf(variable: Variable): TSESTree.Node | undefined {
  const def = variable.defs[0];
  if (variable.defs.length !== 1 || def?.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
  if (variable.references.some((reference) => reference.isWrite() && reference.identifier !== def.node.id)) return undefined;
  const init = unwrapValue(def.node.init);
  return init.type === AST_NODE_TYPES.MemberExpression || init.type === AST_NODE_TYPES.ThisExpression ? init : undefined;
}

/** The `this.field` a getter of the enclosing class returns, for `this.name`. */
function getterField(node: TSESTree.MemberExpression, name: string): TSESTree.Node | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  while (current && current.type !== AST_NODE_TYPES.ClassBody) current = current.parent;
  if (!current) return undefined;
  for (const member of current.body) {
    if (member.type !== AST_NODE_TYPES.MethodDefinition || member.kind !== 'get' || member.computed) continue;
    if (member.key.type !== AST_NODE_TYPES.Identifier && member.key.type !== AST_NODE_TYPES.PrivateIdentifier) continue;
    if (member.key.name !== name) continue;
    const body = member.value.body?.body;
    const only = body?.length === 1 ? body[0] : undefined;
    if (only?.type !== AST_NODE_TYPES.ReturnStatement || !only.argument) return undefined;
    const returned = unwrapValue(only.argument);
    return returned.type === AST_NODE_TYPES.MemberExpression && returned.object.type === AST_NODE_TYPES.ThisExpression ? returned : undefined;
  }
  return undefined;
}

function push(map: Map<Variable, Obligation[]>, variable: Variable, ob: Obligation): void {
  const list = map.get(variable);
  if (!list) map.set(variable, [ob]);
  else if (!list.includes(ob)) list.push(ob);
}

/** A loop of `owner`'s own code around `node` that also holds `other`: it may run `node` again after `other`. */
function inSharedLoop(node: TSESTree.Node, other: TSESTree.Node, owner: TSESTree.Node): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    if (isLoop(current) && contains(current, other)) return true;
  }
  return false;
}
