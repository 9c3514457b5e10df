/**
 * Wrappers and factories: functions that return a freshly acquired resource (`getClient() { return pool.connect(); }`,
 * `startSpan(n) { return this.tracer.startSpan(n); }`). A call of one is an acquire in the caller.
 *
 * A function is a wrapper only when **every** `return` of its own body hands back a fresh acquire of one kind:
 *
 * - the acquiring call itself (`return pool.connect()`, `return await pool.connect()`, an arrow's expression body), or
 * - a `const`/`let` of the function bound to an acquire, never written again, and used on the way only as the object
 *   of a member access (`client.query(…)`): a variable that is passed anywhere, put in an object, stored or captured
 *   by a closure may be kept elsewhere (a cache), and then the caller does not own what it gets.
 *
 * A cached or stored resource (`return this.client ??= await pool.connect()`, `return this.client`) is not fresh, so
 * its callers owe nothing. The judgement is syntax over the function's own tree, made once per function.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { downLevelledBody } from './down-level.js';
import type { ObligationKind } from './events.js';
import type { HandleIndex } from './handles.js';
import type { AcquireMatch } from './owed.js';
import { contains, isFunctionNode, type FunctionNode, memberRoot, unwrapAwaited, unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

/** What a wrapper returns: the kind of its acquire, and the receiver it acquired from (inside the wrapper). */
export interface WrapperAcquire {
  readonly kind: ObligationKind;
  readonly receiver: TSESTree.Node | undefined;
}

/** The kind can be released without naming the receiver it came from (`client.release()`, `span.end()`, `release()`). */
export function releasableByHandle(kind: ObligationKind): boolean {
  return kind.handleReleases.size > 0 || kind.callReleases || kind.disposeReleases === true;
}

export class Wrappers {
  private readonly known = new Map<TSESTree.Node, WrapperAcquire | null>();

  constructor(
    private readonly handles: HandleIndex,
    private readonly matchAcquire: (call: TSESTree.CallExpression) => AcquireMatch | undefined,
  ) {}

  /** What `fn` returns, if it is a wrapper: once per function. */
  of(fn: TSESTree.Node): WrapperAcquire | undefined {
    if (!isFunctionNode(fn)) return undefined;
    let known = this.known.get(fn);
    if (known === undefined) {
      // A recursive wrapper is judged without itself.
      this.known.set(fn, null);
      known = this.judge(fn) ?? null;
      this.known.set(fn, known);
    }
    return known ?? undefined;
  }

  /**
   * The acquire a call of wrapper `fn` makes in the caller, or `undefined` when the caller could not write the
   * release: a resource released through its receiver needs a receiver the caller names the same way (`this.pool`
   * in a method of the same class, a module-level `pool`).
   */
  callAcquire(call: TSESTree.CallExpression, fn: TSESTree.Node): AcquireMatch | undefined {
    const wrapper = this.of(fn);
    if (!wrapper) return undefined;
    const receiver = wrapper.receiver && this.receiverSeenFromCaller(wrapper.receiver, fn, call) ? wrapper.receiver : undefined;
    if (!receiver && !releasableByHandle(wrapper.kind)) return undefined;
    return { kind: wrapper.kind, receiver };
  }

  private receiverSeenFromCaller(receiver: TSESTree.Node, fn: TSESTree.Node, call: TSESTree.CallExpression): boolean {
    const root = memberRoot(receiver);
    if (root.type === AST_NODE_TYPES.ThisExpression) {
      const callee = unwrapValue(call.callee);
      return callee.type === AST_NODE_TYPES.MemberExpression && unwrapValue(callee.object).type === AST_NODE_TYPES.ThisExpression;
    }
    if (root.type !== AST_NODE_TYPES.Identifier) return false;
    const def = this.handles.resolve(root)?.defs[0];
    // A parameter or local of the wrapper means nothing to its caller.
    return def !== undefined && !contains(fn, def.name) && !contains(fn, call);
  }

  private judge(outer: FunctionNode): WrapperAcquire | undefined {
    // tsc's down-levelled async function returns what its `__awaiter` generator returns (down-level.ts).
    const fn = downLevelledBody(outer) ?? outer;
    if (fn.generator && fn === outer) return undefined;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return this.freshAcquire(fn, fn.body);
    const returns = returnsOf(fn.body);
    if (returns.length === 0) return undefined;
    let found: WrapperAcquire | undefined;
    for (const statement of returns) {
      const acquire = statement.argument ? this.freshAcquire(fn, statement.argument) : undefined;
      if (!acquire || (found && found.kind !== acquire.kind)) return undefined;
      found ??= acquire;
    }
    return found;
  }

  /** `value` is a fresh acquire: the acquiring call, or a variable of `fn` that holds one and goes nowhere else. */
  private freshAcquire(fn: FunctionNode, value: TSESTree.Node): WrapperAcquire | undefined {
    const { inner } = unwrapAwaited(value);
    if (inner.type === AST_NODE_TYPES.CallExpression) {
      const match = this.matchAcquire(inner);
      return match && { kind: match.kind, receiver: match.receiver };
    }
    if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.handles.resolve(inner);
    const def = variable?.defs[0];
    if (!variable || variable.defs.length !== 1 || def?.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
    if (!def.node.init || !contains(fn, def.node) || ownerOf(def.node) !== fn) return undefined;
    const init = unwrapAwaited(def.node.init).inner;
    if (init.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const match = this.matchAcquire(init);
    if (!match) return undefined;
    for (const reference of variable.references) {
      if (reference.init) continue;
      if (reference.isWrite()) return undefined;
      const id = reference.identifier as TSESTree.Node;
      if (ownerOf(id) !== fn) return undefined;
      const parent = id.parent;
      const used = parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === id;
      const returned = parent?.type === AST_NODE_TYPES.ReturnStatement;
      if (!used && !returned) return undefined;
    }
    return { kind: match.kind, receiver: match.receiver };
  }
}

const RETURNS = new WeakMap<TSESTree.Node, readonly TSESTree.ReturnStatement[]>();

/**
 * The `return` statements of a body (or of a function's body), not of the functions nested in it. A `return` is a
 * statement, and outside a nested function no expression holds a statement, so only statements are walked; once
 * per body.
 */
export function returnsOf(body: TSESTree.Node): TSESTree.ReturnStatement[] {
  let found = RETURNS.get(body);
  if (!found) {
    const returns: TSESTree.ReturnStatement[] = [];
    const start = isFunctionNode(body) ? body.body : body.type === AST_NODE_TYPES.Program ? undefined : body;
    if (body.type === AST_NODE_TYPES.Program) for (const statement of body.body) collectReturns(statement, returns);
    else if (start) collectReturns(start, returns);
    found = returns;
    RETURNS.set(body, found);
  }
  return [...found];
}

function collectReturns(node: TSESTree.Node | null | undefined, found: TSESTree.ReturnStatement[]): void {
  if (!node) return;
  switch (node.type) {
    case AST_NODE_TYPES.ReturnStatement:
      found.push(node);
      return;
    case AST_NODE_TYPES.BlockStatement:
      for (const statement of node.body) collectReturns(statement, found);
      return;
    case AST_NODE_TYPES.IfStatement:
      collectReturns(node.consequent, found);
      collectReturns(node.alternate, found);
      return;
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.LabeledStatement:
    case AST_NODE_TYPES.WithStatement:
      collectReturns(node.body, found);
      return;
    case AST_NODE_TYPES.TryStatement:
      collectReturns(node.block, found);
      collectReturns(node.handler?.body, found);
      collectReturns(node.finalizer, found);
      return;
    case AST_NODE_TYPES.SwitchStatement:
      for (const switchCase of node.cases) for (const statement of switchCase.consequent) collectReturns(statement, found);
      return;
    default:
      // Expressions, declarations, classes and nested functions hold no `return` of this body.
      return;
  }
}

/** The function a node belongs to. */
function ownerOf(node: TSESTree.Node): TSESTree.Node | undefined {
  let current = node.parent;
  while (current && !isFunctionNode(current)) current = current.parent;
  return current;
}
