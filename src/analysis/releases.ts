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
import { isFunctionNode, methodCall, unwrapValue } from './syntax.js';

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
   */
  private paramObligation(fn: FunctionRecord, node: TSESTree.Node, kind: ObligationKind): Obligation | undefined {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = this.handles.resolve(value);
    const def = variable?.defs[0];
    if (!variable || def?.type !== DefinitionType.Parameter) return undefined;
    const owner = def.node === fn.node ? fn : this.open().find((outer) => outer.node === def.node);
    if (!owner || !isFunctionNode(owner.node)) return undefined;
    const params = owner.node.params;
    const index = params.findIndex((param) => {
      const name = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
      return name.type === AST_NODE_TYPES.Identifier && name.name === value.name;
    });
    if (index === -1) return undefined;
    let ob = owner.paramObligations.get(index);
    if (!ob) {
      ob = this.owed.create(owner, kind, undefined, params[index] as TSESTree.Node, undefined);
      this.handles.addHandle(variable, ob);
      owner.paramObligations.set(index, ob);
      owner.entryObligations.push(ob);
    }
    if (owner === fn) {
      owner.ownParamReleases.add(index);
      return ob;
    }
    return this.owed.in(fn, ob);
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
