/**
 * The one obligation analysis every rule shares. A rule describes its acquire/release pairs ({@link ObligationKind})
 * and how to recognise an acquiring call; this module turns the AST into events in code path segments (acquire,
 * release, transfer, shutdown refinements, may-throw points, exits), solves each function at the end of the file,
 * and hands the rule the leaks and double releases it found.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

const { DefinitionType } = TSESLint.Scope;

import { type Listeners, mergeListeners, withCodePathListeners } from './code-path.js';
import type { AnalysisResult, Obligation, ObligationKind } from './events.js';
import type { FixQueries } from './fixes.js';
import { HandleIndex } from './handles.js';
import { type FunctionRecord, Recorder } from './recorder.js';
import { Router, usingDeclarationsIn } from './routing.js';
import { Solver } from './solver.js';
import {
  branchTarget,
  isFunctionNode,
  methodCall,
  owningCodePathNode,
  unwrapAwaited,
  unwrapValue,
} from './syntax.js';

/** Calls that store a value somewhere that outlives the function: ownership moves with it. */
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const STORING_METHODS = new Set(['push', 'unshift', 'splice', 'set', 'add']);

export interface AcquireMatch {
  readonly kind: ObligationKind;
  /** The receiver whose release methods discharge it (`q` in `q.get()`). */
  readonly receiver: TSESTree.Node | undefined;
}

export interface ObligationAnalysisOptions {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly kinds: readonly ObligationKind[];
  /** Recognises an acquiring call. Called for bound and discarded call results only; check syntax before types. */
  matchAcquire(call: TSESTree.CallExpression): AcquireMatch | undefined;
  /** The call's result is a promise the code did not await (typed only): binding it binds no handle yet. */
  isUnawaitedPromise?(call: TSESTree.CallExpression): boolean;
  /** Narrows which release-shaped calls release (`bounded-retries`: a `numRequeues(item)` compared with a cap). */
  acceptRelease?(call: TSESTree.CallExpression, ob: Obligation): boolean;
  /** (Typed) the call runs a function declared `async`, which rejects rather than throws. */
  isAsyncCall?(call: TSESTree.CallExpression): boolean;
  /** A receiver that is itself an acquiring receiver (a queue): `q.add(item)` is not a hand-off. */
  isAcquireReceiver?(node: TSESTree.Node): boolean;
  readonly explicitThrowsOnly: boolean;
  /** `false` for rules that only need the obligations and their bindings, not the dataflow. Default true. */
  readonly dataflow?: boolean;
  /** An acquired value that is never bound, so it can never be released. */
  onDiscarded(call: TSESTree.CallExpression, kind: ObligationKind): void;
  /**
   * A function that receives a handle it must release: `tracer.startActiveSpan(name, (span) => { … })`. Returns the
   * acquiring call and the parameter index.
   */
  matchCallbackAcquire?(fn: TSESTree.Node): { call: TSESTree.CallExpression; kind: ObligationKind; param: number } | undefined;
  /** Called once per function that acquires, at the end of the file. */
  onResult(result: AnalysisResult, fn: FunctionRecord, queries: FixQueries): void;
}

export function createObligationAnalysis(options: ObligationAnalysisOptions): TSESLint.RuleListener {
  const { sourceCode } = options;
  const recorder = new Recorder();
  const router = new Router();
  const handles = new HandleIndex(sourceCode);
  const results = new Map<FunctionRecord, AnalysisResult>();
  const solving = new Set<FunctionRecord>();
  const releaseMethods = new Set(options.kinds.flatMap((kind) => [...kind.receiverReleases]));
  const handleMethods = new Set(options.kinds.flatMap((kind) => [...kind.handleReleases]));
  const bareReleaseMethods = new Set(options.kinds.flatMap((kind) => [...kind.receiverBareReleases]));
  const callReleases = options.kinds.some((kind) => kind.callReleases);
  const checkpointMethods = new Set(options.kinds.flatMap((kind) => [...kind.checkpoints]));
  /** Obligations with at least one release call in their function. */
  const releasedSomewhere = new Set<Obligation>();
  /** Acquiring calls already turned into obligations (a call in a loop is one obligation). */
  const obligationsByCall = new Map<TSESTree.CallExpression, Obligation>();

  /** ESLint's code path follows the traversal: the node being visited belongs to the current code path. */
  const currentFunction = (_node: TSESTree.Node): FunctionRecord | undefined => recorder.current;

  const newObligation = (
    fn: FunctionRecord,
    kind: ObligationKind,
    acquire: TSESTree.CallExpression | undefined,
    binding: TSESTree.Node,
    receiver: TSESTree.Node | undefined,
  ): Obligation => {
    const ob: Obligation = {
      id: fn.obligations.length,
      kind,
      fn,
      acquire,
      binding,
      receiverKey: receiver && handles.accessKey(receiver),
      receiverNode: receiver,
      handleVars: new Set(),
      resultVars: new Set(),
      flagVars: new Set(),
    };
    fn.obligations.push(ob);
    return ob;
  };

  // ---- binding: what the acquired value is bound to ------------------------------------------------------

  /** Binds `pattern` (a declarator id or assignment target) to what `ob` acquired. Returns whether a handle was bound. */
  const bindPattern = (pattern: TSESTree.Node, ob: Obligation): boolean => {
    const target = pattern.type === AST_NODE_TYPES.AssignmentPattern ? pattern.left : pattern;
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = handles.resolve(target);
      if (!variable) return false;
      handles.addResult(variable, ob);
      return true;
    }
    const { handle, flag } = ob.kind;
    if (handle === 'self') return false;
    let bound = false;
    const bindElement = (node: TSESTree.Node | null | undefined, as: 'handle' | 'flag'): void => {
      const element = node?.type === AST_NODE_TYPES.AssignmentPattern ? node.left : node;
      if (element?.type !== AST_NODE_TYPES.Identifier) return;
      const variable = handles.resolve(element);
      if (!variable) return;
      if (as === 'handle') {
        handles.addHandle(variable, ob);
        bound = true;
      } else {
        handles.addFlag(variable, ob);
      }
    };
    if (target.type === AST_NODE_TYPES.ArrayPattern) {
      bindElement(target.elements[handle.index], 'handle');
      if (flag) bindElement(target.elements[flag.index], 'flag');
    } else if (target.type === AST_NODE_TYPES.ObjectPattern) {
      for (const property of target.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
        const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String((property.key as TSESTree.Literal).value);
        if (key === handle.key) bindElement(property.value, 'handle');
        else if (flag && key === flag.key) bindElement(property.value, 'flag');
      }
    }
    return bound;
  };

  /** `const x = item`, `const [item, sd] = r`, `const item = r[0]`: more names for an existing obligation. */
  const bindAliases = (pattern: TSESTree.Node, value: TSESTree.Node): void => {
    const target = pattern.type === AST_NODE_TYPES.AssignmentPattern ? pattern.left : pattern;
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = handles.resolve(target);
      if (!variable) return;
      for (const ob of handles.handleOf(value)) handles.addHandle(variable, ob);
      for (const ob of handles.resultOf(value)) handles.addResult(variable, ob);
      for (const ob of handles.flagOf(value)) handles.addFlag(variable, ob);
      return;
    }
    for (const ob of handles.resultOf(value)) bindPattern(target, ob);
  };

  const acquireFrom = (value: TSESTree.Node | null | undefined): { call: TSESTree.CallExpression; match: AcquireMatch; awaited: boolean } | undefined => {
    if (!value) return undefined;
    const { inner, awaited } = unwrapAwaited(value);
    if (inner.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const match = options.matchAcquire(inner);
    return match && { call: inner, match, awaited };
  };

  /** The binding site of an acquire: a declarator or an assignment. */
  const onBinding = (node: TSESTree.Node, pattern: TSESTree.Node, value: TSESTree.Node | null | undefined): void => {
    const fn = currentFunction(node);
    const acquired = acquireFrom(value);
    if (!acquired) {
      if (value && fn && !handles.empty) bindAliases(pattern, value);
      return;
    }
    if (!fn) return;
    if (!acquired.awaited && options.isUnawaitedPromise?.(acquired.call)) return;
    let ob = obligationsByCall.get(acquired.call);
    const fresh = !ob;
    ob ??= newObligation(fn, acquired.match.kind, acquired.call, node, acquired.match.receiver);
    obligationsByCall.set(acquired.call, ob);
    const bound = bindPattern(pattern, ob);
    if (fresh && !bound) {
      options.onDiscarded(acquired.call, ob.kind);
      return;
    }
    recorder.record({ type: 'acquire', ob });
  };

  // ---- releases, hand-offs and helpers ---------------------------------------------------------------------

  /** A parameter released inside its own function: a helper that may take ownership from its callers. */
  const paramObligation = (fn: FunctionRecord, node: TSESTree.Node, kind: ObligationKind): Obligation | undefined => {
    const value = unwrapValue(node);
    if (value.type !== AST_NODE_TYPES.Identifier || !isFunctionNode(fn.node)) return undefined;
    const variable = handles.resolve(value);
    const def = variable?.defs[0];
    if (!variable || def?.type !== DefinitionType.Parameter || def.node !== fn.node) return undefined;
    const index = fn.node.params.findIndex((param) => {
      const name = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
      return name.type === AST_NODE_TYPES.Identifier && name.name === value.name;
    });
    if (index === -1) return undefined;
    let ob = fn.paramObligations.get(index);
    if (!ob) {
      ob = newObligation(fn, kind, undefined, fn.node.params[index] as TSESTree.Node, undefined);
      handles.addHandle(variable, ob);
      fn.paramObligations.set(index, ob);
      fn.entryObligations.push(ob);
    }
    return ob;
  };

  /**
   * Obligations a call releases, trying every release shape (one method name can be a receiver release of one kind
   * and a handle release of another: `pool.release(conn)` vs `client.release()`). A release-shaped call that releases
   * nothing tracked gets a parameter obligation when it releases a parameter (a helper), else nothing.
   */
  const releasedBy = (call: TSESTree.CallExpression, fn: FunctionRecord): Obligation[] => {
    const released = new Set<Obligation>();
    const method = methodCall(call);
    const fromParam = (node: TSESTree.Node, kinds: (kind: ObligationKind) => boolean): void => {
      const kind = options.kinds.find(kinds);
      const ob = kind && paramObligation(fn, node, kind);
      if (ob) released.add(ob);
    };
    if (method && bareReleaseMethods.has(method.name) && call.arguments.length === 0) {
      const key = handles.accessKey(method.object);
      for (const ob of fn.obligations) {
        if (ob.acquire && key !== undefined && key === ob.receiverKey && ob.kind.receiverBareReleases.has(method.name)) {
          released.add(ob);
        }
      }
    }
    if (method && releaseMethods.has(method.name) && call.arguments[0]) {
      const key = handles.accessKey(method.object);
      const arg = call.arguments[0];
      for (const ob of handles.handleOf(arg)) {
        if (ob.fn !== fn || !ob.kind.receiverReleases.has(method.name)) continue;
        if (ob.acquire === undefined || (key !== undefined && key === ob.receiverKey)) released.add(ob);
      }
      if (released.size === 0) fromParam(arg, (kind) => kind.receiverReleases.has(method.name));
    }
    if (method && handleMethods.has(method.name)) {
      for (const ob of handles.handleOf(method.object)) {
        if (ob.fn === fn && ob.kind.handleReleases.has(method.name)) released.add(ob);
      }
      if (released.size === 0) fromParam(method.object, (kind) => kind.handleReleases.has(method.name));
    }
    const callee = unwrapValue(call.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && callReleases) {
      for (const ob of handles.handleOf(callee)) {
        if (ob.fn === fn && ob.kind.callReleases) released.add(ob);
      }
      if (released.size === 0) fromParam(callee, (kind) => kind.callReleases);
    }
    return options.acceptRelease ? [...released].filter((ob) => options.acceptRelease?.(call, ob)) : [...released];
  };

  /** A call of a function declared in this file: the declaration, if it can be found. */
  const resolveCallee = (call: TSESTree.CallExpression): TSESTree.Node | undefined => {
    const callee = unwrapValue(call.callee);
    if (callee.type === AST_NODE_TYPES.Identifier) {
      const def = handles.resolve(callee)?.defs[0];
      if (def?.type === DefinitionType.FunctionName) return def.node;
      if (def?.type === DefinitionType.Variable && def.node.init) {
        const init = unwrapValue(def.node.init);
        return isFunctionNode(init) ? init : undefined;
      }
      return undefined;
    }
    if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.ThisExpression) {
      const name = !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
      let classBody: TSESTree.Node | undefined = call.parent;
      while (classBody && classBody.type !== AST_NODE_TYPES.ClassBody) classBody = classBody.parent;
      if (!name || !classBody) return undefined;
      for (const member of classBody.body) {
        if (
          member.type === AST_NODE_TYPES.MethodDefinition &&
          !member.computed &&
          member.key.type === AST_NODE_TYPES.Identifier &&
          member.key.name === name
        ) {
          return member.value;
        }
      }
    }
    return undefined;
  };

  /** `call` releases `ob` in one of the kind's shapes (`q.done(item)`, `client.release()`, `release()`). */
  const isReleaseCallOf = (call: TSESTree.CallExpression, ob: Obligation): boolean => {
    const method = methodCall(call);
    if (method && ob.kind.receiverBareReleases.has(method.name) && call.arguments.length === 0) {
      const key = handles.accessKey(method.object);
      return key !== undefined && key === ob.receiverKey;
    }
    if (method && ob.kind.receiverReleases.has(method.name) && call.arguments[0]) {
      const key = handles.accessKey(method.object);
      return (ob.acquire === undefined || (key !== undefined && key === ob.receiverKey)) && handles.handleOf(call.arguments[0]).includes(ob);
    }
    if (method && ob.kind.handleReleases.has(method.name)) return handles.handleOf(method.object).includes(ob);
    return ob.kind.callReleases && call.callee.type === AST_NODE_TYPES.Identifier && handles.handleOf(call.callee).includes(ob);
  };

  /** A call of a same-file helper that releases, on some path, the parameter it receives the handle in. */
  const releasesThroughHelper = (call: TSESTree.CallExpression, ob: Obligation): boolean => {
    const callee = resolveCallee(call);
    const helper = callee && recorder.byNode.get(callee);
    if (!helper) return false;
    return call.arguments.some((arg, index) => helper.paramObligations.has(index) && handles.handleOf(arg).includes(ob));
  };

  const fixQueries: FixQueries = {
    sourceCode,
    isReleaseStatement: (statement, ob) => {
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      const inner = unwrapAwaited(statement.expression).inner;
      return inner.type === AST_NODE_TYPES.CallExpression && isReleaseCallOf(inner, ob);
    },
    containsRelease: (node, ob) =>
      handles.find(
        node,
        (inner) => inner.type === AST_NODE_TYPES.CallExpression && (isReleaseCallOf(inner, ob) || releasesThroughHelper(inner, ob)),
      ),
    isShutdownTest: (node, ob) => isShutdownTest(node, ob),
  };

  /** `await p.finally(() => q.done(item))` (or returned): the callback runs on every settlement. */
  const promiseFinallyReleases = (call: TSESTree.CallExpression, fn: FunctionRecord): Obligation[] => {
    const method = methodCall(call, new Set(['finally']));
    const callback = call.arguments[0];
    if (!method || !callback || !isFunctionNode(callback) || !isAwaitedOrReturned(call)) return [];
    const body = callback.body;
    const statements =
      body.type === AST_NODE_TYPES.BlockStatement
        ? body.body.flatMap((statement) => (statement.type === AST_NODE_TYPES.ExpressionStatement ? [statement.expression] : []))
        : [body];
    return fn.obligations.filter((ob) =>
      statements.some((expression) => {
        const inner = unwrapAwaited(expression).inner;
        return inner.type === AST_NODE_TYPES.CallExpression && isReleaseCallOf(inner, ob);
      }),
    );
  };

  const onCall = (call: TSESTree.CallExpression): void => {
    const fn = currentFunction(call);
    if (!fn) return;
    const released = releasedBy(call, fn);
    if (released.length > 0) {
      for (const ob of released) {
        releasedSomewhere.add(ob);
        recorder.record({ type: 'release', ob, node: call });
      }
      // A release call itself is not treated as throwing: if it throws, the handle was not held.
      return;
    }
    if (!handles.empty) {
      for (const ob of checkpointOf(call)) {
        if (ob.fn === fn) recorder.record({ type: 'checkpoint', ob, node: call });
        else deferCheckpoint(fn, ob, call);
      }
      for (const ob of promiseFinallyReleases(call, fn)) recorder.record({ type: 'release', ob, node: call });
      const method = methodCall(call, STORING_METHODS);
      if (method && !options.isAcquireReceiver?.(method.object)) {
        const stored = new Set<Obligation>();
        for (const arg of call.arguments) handles.carried(arg, stored);
        for (const ob of stored) {
          if (ob.fn === fn && handles.accessKey(method.object) !== ob.receiverKey) recorder.record({ type: 'transfer', ob });
        }
      } else {
        const callee = resolveCallee(call);
        if (callee) {
          call.arguments.forEach((arg, param) => {
            for (const ob of handles.handleOf(arg)) {
              const inner = helperCheckpoint(callee, param, ob);
              if (ob.fn !== fn) {
                if (inner) deferCheckpoint(fn, ob, inner);
                continue;
              }
              recorder.record({ type: 'helper-call', ob, callee, param, node: call });
              if (inner) recorder.record({ type: 'checkpoint', ob, node: inner });
            }
          });
        }
      }
    }
    recorder.record({ type: 'throw-point', node: call, alsoReturns: false, covered: coveredByPromiseFinally(call, fn) });
  };

  /** Obligations for which `call` is a checkpoint (`q.addRateLimited(item)`), in whatever function it stands. */
  const checkpointOf = (call: TSESTree.CallExpression): Obligation[] => {
    const checkpoint = checkpointMethods.size > 0 ? methodCall(call, checkpointMethods) : undefined;
    if (!checkpoint || !call.arguments[0]) return [];
    const key = handles.accessKey(checkpoint.object);
    return handles
      .handleOf(call.arguments[0])
      .filter((ob) => ob.kind.checkpoints.has(checkpoint.name) && key === ob.receiverKey);
  };

  /** A call that discharges `ob` as the rule accepts it (`q.numRequeues(item) > cap`), anywhere inside `node`. */
  const dischargesWithin = (node: TSESTree.Node, ob: Obligation): boolean =>
    handles.find(node, (inner) => {
      if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
      const method = methodCall(inner);
      return (
        method !== undefined &&
        ob.kind.receiverReleases.has(method.name) &&
        inner.arguments[0] !== undefined &&
        handles.handleOf(inner.arguments[0]).includes(ob) &&
        (options.acceptRelease?.(inner, ob) ?? true)
      );
    });

  /**
   * A checkpoint inside a callback (`work(item).catch(() => q.addRateLimited(item))`) runs later, on the state of
   * the path where the callback was created: it is checked there, unless the callback checks for itself.
   */
  const deferredCheckpoints = new Map<TSESTree.Node, { ob: Obligation; call: TSESTree.CallExpression }[]>();
  const deferCheckpoint = (fn: FunctionRecord, ob: Obligation, call: TSESTree.CallExpression): void => {
    const list = deferredCheckpoints.get(fn.node) ?? [];
    list.push({ ob, call });
    deferredCheckpoints.set(fn.node, list);
  };
  const onFunctionExit = (node: TSESTree.Node): void => {
    const deferred = deferredCheckpoints.get(node);
    if (!deferred) return;
    deferredCheckpoints.delete(node);
    // ESLint ends the callback's code path only after its exit listeners: find the enclosing function by the AST.
    const outer = recorder.byNode.get(owningCodePathNode(node));
    for (const { ob, call } of deferred) {
      if (dischargesWithin(node, ob) || !outer) continue;
      if (ob.fn === outer) recorder.recordIn(outer, { type: 'checkpoint', ob, node: call });
      else deferCheckpoint(outer, ob, call);
    }
  };

  /** A same-file helper that re-queues its parameter with no cap check of its own: the checkpoint it hides. */
  const helperCheckpoints = new Map<string, TSESTree.CallExpression | null>();
  const helperCheckpoint = (callee: TSESTree.Node, param: number, ob: Obligation): TSESTree.CallExpression | undefined => {
    if (checkpointMethods.size === 0 || !isFunctionNode(callee)) return undefined;
    const key = `${callee.range[0]}:${param}:${[...ob.kind.checkpoints].join()}`;
    const known = helperCheckpoints.get(key);
    if (known !== undefined) return known ?? undefined;
    const target = callee.params[param];
    const name = target?.type === AST_NODE_TYPES.Identifier ? target.name : undefined;
    const onParam: { call: TSESTree.CallExpression; method: string }[] = [];
    if (name) {
      handles.find(callee.body, (inner) => {
        if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
        const method = methodCall(inner);
        const arg = inner.arguments[0];
        if (method && arg?.type === AST_NODE_TYPES.Identifier && arg.name === name) onParam.push({ call: inner, method: method.name });
        return false;
      });
    }
    const checked = onParam.some(
      ({ call, method }) => ob.kind.receiverReleases.has(method) && (options.acceptRelease?.(call, ob) ?? true),
    );
    const result = checked ? undefined : onParam.find(({ method }) => ob.kind.checkpoints.has(method))?.call;
    helperCheckpoints.set(key, result ?? null);
    return result;
  };

  /**
   * `await work(item).finally(() => q.done(item))`: once the promise exists, the `.finally` runs on every settlement,
   * so the `.then`/`.catch` links of the chain do not throw past it. The call that makes the promise may throw before
   * `.finally` is attached — unless it is known to be `async` (it then rejects instead).
   */
  const coveredByPromiseFinally = (call: TSESTree.CallExpression, fn: FunctionRecord): Obligation[] | undefined => {
    if (handles.empty) return undefined;
    const isChainLink = methodCall(call, PROMISE_METHODS) !== undefined;
    if (!isChainLink && !isKnownAsync(call)) return undefined;
    let node: TSESTree.Node = call;
    for (;;) {
      const member: TSESTree.Node = node.parent;
      if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== node) return undefined;
      const outer: TSESTree.Node = member.parent;
      if (outer.type !== AST_NODE_TYPES.CallExpression || outer.callee !== member) return undefined;
      const released = promiseFinallyReleases(outer, fn);
      if (released.length > 0) return released;
      node = outer;
    }
  };

  /** The call runs an `async` function: a same-file declaration, or (typed) a signature declared `async`. */
  const isKnownAsync = (call: TSESTree.CallExpression): boolean => {
    const callee = resolveCallee(call);
    if (callee && isFunctionNode(callee)) return callee.async;
    return options.isAsyncCall?.(call) ?? false;
  };

  // ---- shutdown checks ---------------------------------------------------------------------------------------

  const onTest = (node: TSESTree.Node, drop: ReadonlyArray<{ ob: Obligation; dropWhenTruthy: boolean }>): void => {
    if (drop.length === 0) return;
    const branch = branchTarget(node);
    if (!branch) return;
    for (const { ob, dropWhenTruthy } of drop) {
      recorder.refine({ ob, known: branch.known, knownTruthy: branch.truthy, dropWhenTruthy });
    }
  };

  /** `shutdown`, `r.shutdown` → no item when truthy; `item` → no item when falsy. */
  const testedValue = (node: TSESTree.Node): { ob: Obligation; dropWhenTruthy: boolean }[] => [
    ...handles.flagOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
    ...handles.handleOf(node).map((ob) => ({ ob, dropWhenTruthy: false })),
  ];

  const testedComparison = (node: TSESTree.BinaryExpression): { ob: Obligation; dropWhenTruthy: boolean }[] => {
    const negated = node.operator === '!==' || node.operator === '!=';
    if (!negated && node.operator !== '===' && node.operator !== '==') return [];
    const sides: [TSESTree.Node, TSESTree.Node][] = [
      [node.left, node.right],
      [node.right, node.left],
    ];
    for (const [subject, other] of sides) {
      const literal = other.type === AST_NODE_TYPES.Literal ? other.value : undefined;
      const isUndefined = other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined';
      if (typeof literal === 'boolean') {
        return handles.flagOf(subject).map((ob) => ({ ob, dropWhenTruthy: literal !== negated }));
      }
      if (isUndefined || (other.type === AST_NODE_TYPES.Literal && other.value === null)) {
        return handles.handleOf(subject).map((ob) => ({ ob, dropWhenTruthy: !negated }));
      }
      if (
        subject.type === AST_NODE_TYPES.UnaryExpression &&
        subject.operator === 'typeof' &&
        literal === 'undefined'
      ) {
        return handles.handleOf(subject.argument).map((ob) => ({ ob, dropWhenTruthy: !negated }));
      }
    }
    return [];
  };

  /** A test that is true when there is no item: `shutdown`, `r.shutdown`, `!item`, `item === undefined`, or an `||` with one. */
  const isShutdownTest = (node: TSESTree.Node, ob: Obligation): boolean => {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.LogicalExpression && value.operator === '||') {
      return isShutdownTest(value.left, ob) || isShutdownTest(value.right, ob);
    }
    if (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === '!') {
      return handles.handleOf(value.argument).includes(ob);
    }
    if (value.type === AST_NODE_TYPES.BinaryExpression) {
      return testedComparison(value).some((test) => test.ob === ob && test.dropWhenTruthy);
    }
    return handles.flagOf(value).includes(ob);
  };

  // ---- exits ---------------------------------------------------------------------------------------------------

  const throwPoint = (node: TSESTree.Node): void => {
    if (currentFunction(node)) recorder.record({ type: 'throw-point', node, alsoReturns: false });
  };

  const assignmentEffects = (node: TSESTree.AssignmentExpression): void => {
    const fn = currentFunction(node);
    if (!fn || handles.empty) return;
    const acquired = acquireFrom(node.right);
    const acquiredOb = acquired && obligationsByCall.get(acquired.call);
    // Overwriting a variable that named a held handle: a later release through it releases something else.
    for (const id of patternIdentifiers(node.left)) {
      const variable = handles.resolve(id);
      if (!variable) continue;
      for (const ob of fn.obligations) {
        if (ob !== acquiredOb && (ob.handleVars.has(variable) || ob.resultVars.has(variable))) {
          recorder.record({ type: 'clobber', ob });
        }
      }
    }
    if (acquired) return;
    // Storing the handle in a field or an outer variable hands it to whoever reads it there.
    const stored = handles.carried(node.right);
    if (stored.size === 0) return;
    const left = unwrapValue(node.left);
    const outlives =
      left.type === AST_NODE_TYPES.MemberExpression ||
      (left.type === AST_NODE_TYPES.Identifier && owningCodePathNode(handles.resolve(left)?.defs[0]?.name ?? left) !== fn.node);
    if (outlives) {
      for (const ob of stored) if (ob.fn === fn) recorder.record({ type: 'transfer', ob });
    } else {
      bindAliases(node.left, node.right);
    }
  };

  const onFunction = (node: TSESTree.Node): void => {
    const match = options.matchCallbackAcquire?.(node);
    const fn = recorder.current;
    if (!match || !fn || fn.node !== node || !isFunctionNode(node)) return;
    const param = node.params[match.param];
    const name = param?.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
    if (name?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = handles.resolve(name);
    if (!variable) return;
    const ob = newObligation(fn, match.kind, match.call, name, undefined);
    handles.addHandle(variable, ob);
    fn.entryObligations.push(ob);
  };

  const nodeListeners: Listeners = {
    ArrowFunctionExpression: onFunction,
    FunctionExpression: onFunction,
    'ArrowFunctionExpression:exit': onFunctionExit,
    'FunctionExpression:exit': onFunctionExit,
    'VariableDeclarator:exit': (node: TSESTree.VariableDeclarator) => onBinding(node, node.id, node.init),
    'AssignmentExpression:exit': (node: TSESTree.AssignmentExpression) => {
      if (node.operator === '=') onBinding(node, node.left, node.right);
      assignmentEffects(node);
    },
    'ExpressionStatement:exit': (node: TSESTree.ExpressionStatement) => {
      let expression = unwrapValue(node.expression);
      if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === 'void') expression = expression.argument;
      const acquired = acquireFrom(expression);
      if (!acquired || obligationsByCall.has(acquired.call)) return;
      const fn = currentFunction(node);
      if (acquired.match.kind.unboundHolds && fn) {
        const ob = newObligation(fn, acquired.match.kind, acquired.call, node, acquired.match.receiver);
        obligationsByCall.set(acquired.call, ob);
        recorder.record({ type: 'acquire', ob });
        return;
      }
      options.onDiscarded(acquired.call, acquired.match.kind);
    },
    'CallExpression:exit': onCall,
    'NewExpression:exit': throwPoint,
    'AwaitExpression:exit': throwPoint,
    'TaggedTemplateExpression:exit': throwPoint,
    'ImportExpression:exit': throwPoint,
    'YieldExpression:exit': (node: TSESTree.YieldExpression) => {
      const fn = currentFunction(node);
      if (!fn) return;
      // Yielding the handle hands it to the consumer, unless the generator releases it itself afterwards.
      for (const ob of handles.carried(node.argument)) {
        if (ob.fn === fn) recorder.record({ type: 'transfer', ob, unlessReleasedHere: true });
      }
      recorder.record({ type: 'throw-point', node, alsoReturns: true });
    },
    'Identifier:exit': (node: TSESTree.Identifier) => {
      if (!handles.empty && branchTarget(node)) onTest(node, testedValue(node));
    },
    'MemberExpression:exit': (node: TSESTree.MemberExpression) => {
      if (!handles.empty && branchTarget(node)) onTest(node, testedValue(node));
    },
    'BinaryExpression:exit': (node: TSESTree.BinaryExpression) => {
      if (!handles.empty && branchTarget(node)) onTest(node, testedComparison(node));
    },
    'ReturnStatement:exit': (node: TSESTree.ReturnStatement) => recorder.terminate({ type: 'return', node }),
    'ThrowStatement:exit': (node: TSESTree.ThrowStatement) => recorder.terminate({ type: 'throw', node }),
    'BreakStatement:exit': (node: TSESTree.BreakStatement) => recorder.terminate({ type: 'break', node }),
    'ContinueStatement:exit': (node: TSESTree.ContinueStatement) => recorder.terminate({ type: 'continue', node }),
    'BlockStatement:exit': (node: TSESTree.BlockStatement) => {
      const fn = currentFunction(node);
      if (!fn || fn.obligations.length === 0) return;
      // Leaving a block normally disposes its `using` declarations.
      for (const declaration of usingDeclarationsIn(node)) {
        for (const ob of fn.obligations) {
          if (usingReleases(declaration, ob)) recorder.record({ type: 'release', ob, node: declaration });
        }
      }
    },
    'Program:exit': () => {
      for (const fn of recorder.functions) {
        if (!fn.obligations.some((ob) => ob.acquire)) continue;
        const result = options.dataflow === false ? { leaks: new Map(), doubles: new Map(), checkpoints: new Map() } : solve(fn);
        options.onResult(result, fn, fixQueries);
      }
    },
  };

  const usingMemo = new Map<string, boolean>();
  const usingReleases = (declaration: TSESTree.VariableDeclaration, ob: Obligation): boolean => {
    const key = `${declaration.range[0]}:${ob.fn.node.range[0]}:${ob.id}`;
    let answer = usingMemo.get(key);
    if (answer === undefined) {
      answer =
        declaration.range[0] > ob.binding.range[0] &&
        declaration.declarations.some((declarator) => declarator.init !== null && handles.mentions(declarator.init, ob));
      usingMemo.set(key, answer);
    }
    return answer;
  };

  const solve = (fn: FunctionRecord): AnalysisResult => {
    const known = results.get(fn);
    if (known) return known;
    solving.add(fn);
    const result = new Solver(fn, {
      explicitThrowsOnly: options.explicitThrowsOnly,
      router,
      usingReleases,
      returnTransfers: (node, ob) => handles.carried(node.argument).has(ob),
      releasedInFunction: (ob) => releasedSomewhere.has(ob),
      helperReleases: (callee, param) => {
        const helper = recorder.byNode.get(callee);
        const ob = helper?.paramObligations.get(param);
        // A helper still being solved is in a cycle of calls: assume it does not release.
        if (!helper || !ob || solving.has(helper)) return false;
        return !solve(helper).leaks.has(ob);
      },
    }).solve();
    solving.delete(fn);
    results.set(fn, result);
    return result;
  };

  const { codePath, nodes } = recorder.listeners();
  return withCodePathListeners(mergeListeners(nodes, nodeListeners), codePath);
}

/** The identifiers an assignment target writes. */
function patternIdentifiers(node: TSESTree.Node): TSESTree.Identifier[] {
  switch (node.type) {
    case AST_NODE_TYPES.Identifier:
      return [node];
    case AST_NODE_TYPES.ArrayPattern:
      return node.elements.flatMap((element) => (element ? patternIdentifiers(element) : []));
    case AST_NODE_TYPES.ObjectPattern:
      return node.properties.flatMap((property) =>
        patternIdentifiers(property.type === AST_NODE_TYPES.Property ? property.value : property.argument),
      );
    case AST_NODE_TYPES.AssignmentPattern:
      return patternIdentifiers(node.left);
    case AST_NODE_TYPES.RestElement:
      return patternIdentifiers(node.argument);
    default:
      return [];
  }
}

/** The promise is awaited or returned, possibly at the end of a chain of `.then`/`.catch`/`.finally` calls. */
function isAwaitedOrReturned(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node = node.parent;
    if (parent.type === AST_NODE_TYPES.AwaitExpression || parent.type === AST_NODE_TYPES.ReturnStatement) return true;
    if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node) return true;
    if (
      parent.type === AST_NODE_TYPES.MemberExpression &&
      parent.object === node &&
      parent.parent.type === AST_NODE_TYPES.CallExpression &&
      parent.parent.callee === parent
    ) {
      node = parent.parent;
      continue;
    }
    if (
      parent.type === AST_NODE_TYPES.TSAsExpression ||
      parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      parent.type === AST_NODE_TYPES.TSSatisfiesExpression
    ) {
      node = parent;
      continue;
    }
    return false;
  }
}
