/**
 * What releases: the calls that discharge an obligation in one of its kind's shapes (`q.done(item)`,
 * `pool.release(conn)`, `client.release()`, `mutex.release()`, `release()`), and `using` disposals.
 *
 * A release-shaped call of something that is not tracked in this function is either a parameter the function
 * releases (it is a helper: a parameter obligation, summarised for its callers) or, in a closure, an enclosing
 * function's resource (a capture, summarised for the code that hands the closure on).
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation, ObligationKind } from './events.js';
import type { HandleIndex } from './handles.js';
import type { Owed } from './owed.js';
import type { FunctionRecord } from './recorder.js';
import { downLevelledBody } from './down-level.js';
import { type FunctionNode, isFunctionNode, memberName, methodCall, propertyName, unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

export class Releases {
  private readonly receiverMethods: ReadonlySet<string>;
  private readonly handleMethods: ReadonlySet<string>;
  private readonly bareMethods: ReadonlySet<string>;
  private readonly callReleases: boolean;
  private readonly usingMemo = new Map<string, boolean>();

  constructor(
    private readonly kinds: readonly ObligationKind[],
    private readonly handles: HandleIndex,
    private readonly owed: Owed,
    /** The functions being walked, outermost first. */
    private readonly open: () => readonly FunctionRecord[],
    /** Narrows which release-shaped calls release (`bounded-retries`: a `numRequeues(item)` compared with a cap). */
    private readonly accept: ((call: TSESTree.CallExpression, ob: Obligation) => boolean) | undefined,
  ) {
    this.receiverMethods = new Set(kinds.flatMap((kind) => [...kind.receiverReleases]));
    this.handleMethods = new Set(kinds.flatMap((kind) => [...kind.handleReleases]));
    this.bareMethods = new Set(kinds.flatMap((kind) => [...kind.receiverBareReleases]));
    this.callReleases = kinds.some((kind) => kind.callReleases);
  }

  /** Is the call's method (or callee) release-shaped for any kind at all: the cheap test first. */
  private releaseShaped(call: TSESTree.CallExpression): boolean {
    // `permit[1]()`: a computed element is a method call by shape, and the handle itself when called.
    if (this.callReleases && isCallableHandle(unwrapValue(call.callee))) return true;
    const method = methodCall(call);
    if (method) {
      return this.receiverMethods.has(method.name) || this.handleMethods.has(method.name) || this.bareMethods.has(method.name);
    }
    return this.callReleases && unwrapValue(call.callee).type !== AST_NODE_TYPES.MemberExpression;
  }

  /**
   * Obligations of `fn` the call releases, trying every release shape (one method name can be a receiver release of
   * one kind and a handle release of another: `pool.release(conn)` vs `client.release()`).
   */
  releasedBy(call: TSESTree.CallExpression, fn: FunctionRecord): Obligation[] {
    this.noteParametersPassed(call, fn);
    if (!this.releaseShaped(call)) return [];
    const released = new Set<Obligation>();
    const { handles } = this;
    const method = methodCall(call);
    const mine = (ob: Obligation): Obligation | undefined => this.owed.in(fn, ob);
    const fromParam = (node: TSESTree.Node, shape: (kind: ObligationKind) => boolean): void => {
      const kind = this.kinds.find(shape);
      const ob = kind && this.paramObligation(fn, node, kind);
      if (ob) released.add(ob);
    };
    if (method && this.bareMethods.has(method.name) && call.arguments.length === 0) {
      const key = handles.accessKey(method.object);
      // `mutex.release()` names no handle: it releases what this function, or one it is nested in, acquired there.
      for (const outer of this.open()) {
        for (const root of outer.obligations) {
          if (!root.acquire || key === undefined || key !== root.receiverKey || !root.kind.receiverBareReleases.has(method.name)) continue;
          const ob = mine(root);
          if (ob) released.add(ob);
        }
      }
    }
    if (method && this.receiverMethods.has(method.name) && call.arguments[0]) {
      const key = handles.accessKey(method.object);
      const arg = call.arguments[0];
      for (const root of handles.handleOf(arg)) {
        const ob = mine(root);
        if (!ob || !ob.kind.receiverReleases.has(method.name)) continue;
        if (isParameterObligation(ob) || (key !== undefined && key === ob.receiverKey)) released.add(ob);
      }
      if (released.size === 0) fromParam(arg, (kind) => kind.receiverReleases.has(method.name));
    }
    if (method && this.handleMethods.has(method.name)) {
      for (const root of handles.handleOf(method.object)) {
        const ob = mine(root);
        if (ob?.kind.handleReleases.has(method.name)) released.add(ob);
      }
      if (released.size === 0) fromParam(method.object, (kind) => kind.handleReleases.has(method.name));
    }
    const callee = unwrapValue(call.callee);
    if (this.callReleases && isCallableHandle(callee)) {
      for (const root of handles.handleOf(callee)) {
        const ob = mine(root);
        if (ob?.kind.callReleases) released.add(ob);
      }
      if (released.size === 0 && callee.type === AST_NODE_TYPES.Identifier) fromParam(callee, (kind) => kind.callReleases);
    }
    return this.accept ? [...released].filter((ob) => this.accept?.(call, ob)) : [...released];
  }

  /** `call` releases `ob` in one of its kind's shapes. */
  isReleaseCallOf(call: TSESTree.CallExpression, ob: Obligation): boolean {
    const { handles } = this;
    const root = ob.capture ?? ob;
    const method = methodCall(call);
    if (method && ob.kind.receiverBareReleases.has(method.name) && call.arguments.length === 0) {
      const key = handles.accessKey(method.object);
      return key !== undefined && key === ob.receiverKey;
    }
    if (method && ob.kind.receiverReleases.has(method.name) && call.arguments[0]) {
      const key = handles.accessKey(method.object);
      return (
        (isParameterObligation(ob) || (key !== undefined && key === ob.receiverKey)) && handles.handleOf(call.arguments[0]).includes(root)
      );
    }
    if (method && ob.kind.handleReleases.has(method.name)) return handles.handleOf(method.object).includes(root);
    const callee = unwrapValue(call.callee);
    return ob.kind.callReleases && isCallableHandle(callee) && handles.handleOf(callee).includes(root);
  }

  /**
   * A parameter released inside its own function, or inside a closure of it (`return p.then(() => span.end(), …)`):
   * a helper that may take ownership from its callers. In a closure the release is of the closure's capture of it.
   * A property of a destructured parameter (`function endSpan({ span, result })`) is a parameter slot of its own.
   */
  private paramObligation(fn: FunctionRecord, node: TSESTree.Node, kind: ObligationKind, own = true): Obligation | undefined {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.handles.resolve(value);
    const def = variable?.defs[0];
    if (!variable || def?.type !== DefinitionType.Parameter) return undefined;
    const owner = def.node === fn.node ? fn : this.open().find((outer) => outer.node === def.node);
    if (!owner || !isFunctionNode(owner.node)) return undefined;
    const slot = parameterSlot(owner.node, value.name);
    if (!slot) return undefined;
    const { index, key } = slot;
    let ob = key === undefined ? owner.paramObligations.get(index) : this.propertyParams.get(owner)?.get(slotKey(index, key));
    if (!ob) {
      ob = this.owed.create(owner, kind, undefined, owner.node.params[index] as TSESTree.Node, undefined);
      this.handles.addHandle(variable, ob);
      if (key === undefined) owner.paramObligations.set(index, ob);
      else {
        let slots = this.propertyParams.get(owner);
        if (!slots) this.propertyParams.set(owner, (slots = new Map<string, Obligation>()));
        slots.set(slotKey(index, key), ob);
      }
      owner.entryObligations.push(ob);
    }
    if (owner === fn) {
      if (own && key === undefined) owner.ownParamReleases.add(index);
      else if (own && key !== undefined) perNode(this.ownPropertyReleases, owner.node, () => new Set<string>()).add(slotKey(index, key));
      return ob;
    }
    return this.owed.in(fn, ob);
  }

  /**
   * A parameter of `fn` tested before its release (`function endSpan(span) { if (span) span.end(); }`): its obligation
   * is made at the test, as the release would make it later, so the branch on which the value is falsy (no resource)
   * drops it. Without this the helper would release on "some" paths only, the falsy one, which holds nothing.
   */
  parameterTested(fn: FunctionRecord, node: TSESTree.Node): void {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier || !isFunctionNode(fn.node)) return;
    const def = this.handles.resolve(value)?.defs[0];
    if (def?.type !== DefinitionType.Parameter || def.node !== fn.node) return;
    const slot = parameterSlot(fn.node, value.name);
    if (!slot || slot.key !== undefined || fn.paramObligations.has(slot.index)) return;
    const released = this.releasedAs(fn.node, slot.index, undefined);
    if (released?.own) this.paramObligation(fn, value, released.kind, false);
  }

  /** Obligations of destructured parameters' properties, by function and slot (`0.span`). */
  private readonly propertyParams = new Map<FunctionRecord, Map<string, Obligation>>();
  /** Property slots released by a call of the function's own body, as `ownParamReleases`, by function node. */
  private readonly ownPropertyReleases = new Map<TSESTree.Node, Set<string>>();

  /** The obligation of parameter `index`'s property `key` of `fn` (`function endSpan({ span })`), if it releases it. */
  propertyParamObligation(fn: FunctionRecord, index: number, key: string): Obligation | undefined {
    return this.propertyParams.get(fn)?.get(slotKey(index, key));
  }

  /** As `Summaries.releasesInOwnBody`, for a property of a destructured parameter. */
  releasesPropertyInOwnBody(fnNode: TSESTree.Node, index: number, key: string): boolean {
    return this.ownPropertyReleases.get(fnNode)?.has(slotKey(index, key)) === true;
  }

  /** The same-file function a callee names (summaries.ts), set by the analysis. */
  resolveCallee: (callee: TSESTree.Node) => TSESTree.Node | undefined = () => undefined;

  /**
   * A parameter passed on to a same-file helper that releases it (`function finish(span) { endSpan(span); }`, also a
   * property of an object literal given to a destructured parameter: `this._endSpan({ span, result })`, and inside a
   * closure: a promise handler of the function's chain) is released here as the helper releases it: it becomes this
   * function's parameter obligation, as a release call of it would make it, so the helper's summary is followed
   * (ownership.ts). Which helper parameters are released is read from their text once per slot
   * ({@link releasedAs}): the helper may be declared, and walked, after the call.
   */
  private noteParametersPassed(call: TSESTree.CallExpression, fn: FunctionRecord): void {
    let callee: TSESTree.Node | null | undefined = null;
    const consider = (node: TSESTree.Node, index: number, key: string | undefined): void => {
      if (node.type !== AST_NODE_TYPES.Identifier) return;
      const def = this.handles.resolve(node)?.defs[0];
      if (def?.type !== DefinitionType.Parameter) return;
      if (callee === null) {
        const resolved = this.resolveCallee(call.callee);
        callee = resolved && isFunctionNode(resolved) ? resolved : undefined;
      }
      if (!callee) return;
      const released = this.releasedAs(callee, index, key);
      if (released) this.paramObligation(fn, node, released.kind, released.own);
    };
    call.arguments.forEach((arg, index) => {
      const value = unwrapValue(arg);
      if (value.type === AST_NODE_TYPES.Identifier) consider(value, index, undefined);
      else if (value.type === AST_NODE_TYPES.ObjectExpression) {
        for (const property of value.properties) {
          const key = propertyName(property);
          if (key !== undefined && property.type === AST_NODE_TYPES.Property) consider(property.value, index, key);
        }
      }
    });
  }

  private readonly releasedAsMemo = new Map<TSESTree.Node, Map<string, { kind: ObligationKind; own: boolean } | null>>();

  /**
   * Whether the same-file function `fnNode` releases its parameter slot (`index`, or its property `key`) somewhere:
   * a release call of one of the kinds on it, or passing it on to a helper that does (at any depth; a cycle
   * releases nothing). `own`: in the function's own body, not only in a closure of it. Read from the text, once.
   */
  releasedAs(fnNode: TSESTree.Node, index: number, key: string | undefined): { kind: ObligationKind; own: boolean } | undefined {
    const memo = perNode(this.releasedAsMemo, fnNode, () => new Map<string, { kind: ObligationKind; own: boolean } | null>());
    const slot = key === undefined ? String(index) : slotKey(index, key);
    const known = memo.get(slot);
    if (known !== undefined) return known ?? undefined;
    memo.set(slot, null);
    const answer = this.computeReleasedAs(helperBody(fnNode), index, key);
    memo.set(slot, answer ?? null);
    return answer;
  }

  private computeReleasedAs(fnNode: TSESTree.Node, index: number, key: string | undefined): { kind: ObligationKind; own: boolean } | undefined {
    if (!isFunctionNode(fnNode)) return undefined;
    let param: TSESTree.Node | undefined = fnNode.params[index];
    if (param?.type === AST_NODE_TYPES.AssignmentPattern) param = param.left;
    if (key !== undefined) {
      const property = param?.type === AST_NODE_TYPES.ObjectPattern ? param.properties.find((p) => propertyName(p) === key) : undefined;
      param = property?.type === AST_NODE_TYPES.Property ? property.value : undefined;
      if (param?.type === AST_NODE_TYPES.AssignmentPattern) param = param.left;
    }
    if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.handles.resolve(param);
    if (!variable) return undefined;
    let found: { kind: ObligationKind; own: boolean } | undefined;
    for (const reference of variable.references) {
      const node = reference.identifier;
      if (node === param || reference.isWrite()) continue;
      const released = this.releasedAtReference(node as TSESTree.Identifier);
      if (!released) continue;
      let scope: TSESTree.Node | undefined = node.parent;
      while (scope && scope !== fnNode && !isFunctionNode(scope)) scope = scope.parent;
      const own = released.own && scope === fnNode;
      if (own) return { kind: released.kind, own };
      found ??= { kind: released.kind, own };
    }
    return found;
  }

  /** What a reference of a parameter does to it, by the release shapes: released (`own`: not only in a closure of a helper), or nothing. */
  private releasedAtReference(node: TSESTree.Identifier): { kind: ObligationKind; own: boolean } | undefined {
    const parent = node.parent;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node && parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
      const name = memberName(parent);
      const kind = name === undefined ? undefined : this.kinds.find((k) => k.handleReleases.has(name));
      return kind && { kind, own: true };
    }
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === node) {
      const kind = this.kinds.find((k) => k.callReleases);
      return kind && { kind, own: true };
    }
    let argument: TSESTree.Node = node;
    let key: string | undefined;
    if (parent.type === AST_NODE_TYPES.Property && parent.value === node && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
      key = propertyName(parent);
      if (key === undefined) return undefined;
      argument = parent.parent;
    }
    const call = argument.parent;
    if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const index = call.arguments.indexOf(argument);
    if (index === -1) return undefined;
    const method = methodCall(call);
    if (key === undefined && index === 0 && method) {
      const kind = this.kinds.find((k) => k.receiverReleases.has(method.name));
      if (kind) return { kind, own: true };
    }
    const callee = this.resolveCallee(call.callee);
    return callee && isFunctionNode(callee) ? this.releasedAs(callee, index, key) : undefined;
  }

  /** Disposing this `using` declaration releases the obligation. */
  usingReleases(declaration: TSESTree.VariableDeclaration, ob: Obligation): boolean {
    const key = `${declaration.range[0]}:${ob.fn.node.range[0]}:${ob.id}`;
    let answer = this.usingMemo.get(key);
    if (answer === undefined) {
      answer =
        // `await using lease = await q.lease()`: the disposable is the acquired value itself.
        (ob.kind.disposeReleases === true && declaration.declarations.some((declarator) => declarator === ob.binding)) ||
        (declaration.range[0] > ob.binding.range[0] &&
          declaration.declarations.some((declarator) => declarator.init !== null && this.handles.mentions(declarator.init, ob)));
      this.usingMemo.set(key, answer);
    }
    return answer;
  }
}

/** A parameter obligation of a helper, or a closure's capture of one: any receiver's release of it counts (the receiver is the caller's). */
function isParameterObligation(ob: Obligation): boolean {
  const root = ob.capture ?? ob;
  return root.acquire === undefined && root.capture === undefined;
}

/** `release()` or `permit[1]()`: a callee that can be the handle itself. */
function isCallableHandle(callee: TSESTree.Node): boolean {
  return callee.type === AST_NODE_TYPES.Identifier || (callee.type === AST_NODE_TYPES.MemberExpression && callee.computed);
}

/** The entry of `map` for `node`, made on first use. */
function perNode<T>(map: Map<TSESTree.Node, T>, node: TSESTree.Node, make: () => T): T {
  let entry = map.get(node);
  if (entry === undefined) map.set(node, (entry = make()));
  return entry;
}

function slotKey(index: number, key: string): string {
  return `${index}.${key}`;
}

/** Where `name` is bound among `fn`'s parameters: a parameter (`index`), or a property of a destructured one (`key`). */
function parameterSlot(fn: FunctionNode, name: string): { index: number; key?: string } | undefined {
  for (const [index, declared] of fn.params.entries()) {
    const param = declared.type === AST_NODE_TYPES.AssignmentPattern ? declared.left : declared;
    if (param.type === AST_NODE_TYPES.Identifier && param.name === name) return { index };
    if (param.type !== AST_NODE_TYPES.ObjectPattern) continue;
    for (const property of param.properties) {
      const key = propertyName(property);
      if (key === undefined || property.type !== AST_NODE_TYPES.Property) continue;
      const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
      if (value.type === AST_NODE_TYPES.Identifier && value.name === name) return { index, key };
    }
  }
  return undefined;
}

/**
 * The function whose parameters a helper's callers pass: the helper itself, or, for tsc's down-levelled async
 * function with destructured parameters (`_endSpan(_a) { return __awaiter(this, arguments, void 0, function* ({
 * span }) { … }); }`), the generator, which is given the helper's `arguments`.
 */
export function helperBody(fn: TSESTree.Node): TSESTree.Node {
  if (!isFunctionNode(fn)) return fn;
  const body = downLevelledBody(fn);
  const call = body?.parent;
  const args = call?.type === AST_NODE_TYPES.CallExpression ? call.arguments[1] : undefined;
  return body && args?.type === AST_NODE_TYPES.Identifier && args.name === 'arguments' ? body : fn;
}
