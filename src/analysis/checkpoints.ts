/**
 * Checkpoints, the hook `bounded-retries` plugs into the analysis: a call (`q.addRateLimited(item)`) that must not
 * run while the obligation is still pending (the retry cap unchecked). A checkpoint in a callback
 * (`work(item).catch(() => q.addRateLimited(item))`) runs later, on the state of the path where the callback was
 * made, so it is checked there unless the callback checks for itself; a same-file helper that re-queues its
 * parameter with no check of its own is a checkpoint at its call.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation, ObligationKind } from './events.js';
import type { HandleIndex } from './handles.js';
import type { FunctionRecord, Recorder } from './recorder.js';
import type { Summaries } from './summaries.js';
import { isFunctionNode, methodCall, owningCodePathNode } from './syntax.js';

export class Checkpoints {
  private readonly methods: ReadonlySet<string>;
  private readonly deferred = new Map<TSESTree.Node, { ob: Obligation; call: TSESTree.CallExpression }[]>();
  private readonly helperCheckpoints = new Map<string, TSESTree.CallExpression | null>();
  /** The functions a checkpoint was recorded in: only their solutions can hold a checkpoint reached. */
  readonly recordedIn = new Set<FunctionRecord>();

  constructor(
    kinds: readonly ObligationKind[],
    private readonly recorder: Recorder,
    private readonly handles: HandleIndex,
    private readonly summaries: Summaries,
    private readonly accept: ((call: TSESTree.CallExpression, ob: Obligation) => boolean) | undefined,
  ) {
    this.methods = new Set(kinds.flatMap((kind) => [...kind.checkpoints]));
  }

  get active(): boolean {
    return this.methods.size > 0;
  }

  onCall(call: TSESTree.CallExpression, fn: FunctionRecord): void {
    for (const ob of this.checkpointOf(call)) {
      if (ob.fn === fn) this.record(fn, ob, call);
      else this.defer(fn, ob, call);
    }
    const callee = this.summaries.resolveCallee(call.callee);
    if (!callee) return;
    call.arguments.forEach((arg, param) => {
      for (const ob of this.handles.handleOf(arg)) {
        const inner = this.helperCheckpoint(callee, param, ob);
        if (!inner) continue;
        if (ob.fn === fn) this.record(fn, ob, inner);
        else this.defer(fn, ob, inner);
      }
    });
  }

  private record(fn: FunctionRecord, ob: Obligation, call: TSESTree.CallExpression): void {
    this.recordedIn.add(fn);
    this.recorder.record({ type: 'checkpoint', ob, node: call });
  }

  /** Obligations for which `call` is a checkpoint, in whatever function it stands. */
  private checkpointOf(call: TSESTree.CallExpression): Obligation[] {
    const checkpoint = methodCall(call, this.methods);
    if (!checkpoint || !call.arguments[0]) return [];
    const key = this.handles.accessKey(checkpoint.object);
    return this.handles.handleOf(call.arguments[0]).filter((ob) => ob.kind.checkpoints.has(checkpoint.name) && key === ob.receiverKey);
  }

  /** A call that discharges `ob` as the rule accepts it (`q.numRequeues(item) > cap`), anywhere inside `node`. */
  private dischargesWithin(node: TSESTree.Node, ob: Obligation): boolean {
    return this.handles.find(node, (inner) => {
      if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
      const method = methodCall(inner);
      return (
        method !== undefined &&
        ob.kind.receiverReleases.has(method.name) &&
        inner.arguments[0] !== undefined &&
        this.handles.handleOf(inner.arguments[0]).includes(ob) &&
        (this.accept?.(inner, ob) ?? true)
      );
    });
  }

  private defer(fn: FunctionRecord, ob: Obligation, call: TSESTree.CallExpression): void {
    const list = this.deferred.get(fn.node) ?? [];
    list.push({ ob, call });
    this.deferred.set(fn.node, list);
  }

  onFunctionExit(node: TSESTree.Node): void {
    const deferred = this.deferred.get(node);
    if (!deferred) return;
    this.deferred.delete(node);
    // ESLint ends the callback's code path only after its exit listeners: find the enclosing function by the AST.
    const outer = this.recorder.byNode.get(owningCodePathNode(node));
    for (const { ob, call } of deferred) {
      if (this.dischargesWithin(node, ob) || !outer) continue;
      if (ob.fn === outer) {
        this.recordedIn.add(outer);
        this.recorder.recordIn(outer, { type: 'checkpoint', ob, node: call });
      }
      else this.defer(outer, ob, call);
    }
  }

  /** A same-file helper that re-queues its parameter with no cap check of its own: the checkpoint it hides. */
  private helperCheckpoint(callee: TSESTree.Node, param: number, ob: Obligation): TSESTree.CallExpression | undefined {
    if (!isFunctionNode(callee)) return undefined;
    const key = `${callee.range[0]}:${param}:${[...ob.kind.checkpoints].join()}`;
    const known = this.helperCheckpoints.get(key);
    if (known !== undefined) return known ?? undefined;
    const target = callee.params[param];
    const name = target?.type === AST_NODE_TYPES.Identifier ? target.name : undefined;
    const onParam: { call: TSESTree.CallExpression; method: string }[] = [];
    if (name) {
      this.handles.find(callee.body, (inner) => {
        if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
        const method = methodCall(inner);
        const arg = inner.arguments[0];
        if (method && arg?.type === AST_NODE_TYPES.Identifier && arg.name === name) onParam.push({ call: inner, method: method.name });
        return false;
      });
    }
    const checked = onParam.some(({ call, method }) => ob.kind.receiverReleases.has(method) && (this.accept?.(call, ob) ?? true));
    const result = checked ? undefined : onParam.find(({ method }) => ob.kind.checkpoints.has(method))?.call;
    this.helperCheckpoints.set(key, result ?? null);
    return result;
  }

  /** Listeners for the function exits, where deferred checkpoints move to the enclosing function. */
  listeners(): Record<string, (node: never) => void> {
    const exit = (node: TSESTree.Node): void => this.onFunctionExit(node);
    return { 'ArrowFunctionExpression:exit': exit, 'FunctionExpression:exit': exit };
  }
}

