/**
 * The one obligation analysis every rule shares. A rule describes its acquire/release pairs ({@link ObligationKind})
 * and how to recognise an acquiring call; this module wires the questions, each answered in a module of its own —
 *
 * - what is owed ({@link Owed}: acquires, bindings, parameter, callback and capture obligations),
 * - what may throw ({@link ThrowModel}),
 * - what hands on ({@link Ownership}: returns, stores, helpers, closures, promise chains),
 * - what releases ({@link Releases}),
 * - what refines a path ({@link Refinements}: shutdown and absent-item checks),
 * - what a function does for its callers ({@link Summaries}),
 *
 * — records their events in ESLint's code path segments ({@link Recorder}), solves each function at the end of the
 * file ({@link Solver}), and hands the rule the leaks and double releases it found.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { Checkpoints } from './checkpoints.js';
import { isAwaiterYield } from './down-level.js';
import { alwaysThrows } from './definite-throws.js';
import { CrossFile, type CrossFileSource, deposit, type FunctionSummary, isSummaryRun, summaryKey } from './cross-file.js';
import { type Listeners, mergeListeners, withCodePathListeners } from './code-path.js';
import { type AnalysisResult, type Exit, type Obligation, type ObligationKind, rootOf } from './events.js';
import type { FixQueries } from './fixes.js';
import { HandleIndex, isUnidentifiedReceiver } from './handles.js';
import { type AcquireMatch, type CallbackAcquireMatch, Owed } from './owed.js';
import { Ownership } from './ownership.js';
import { type FunctionRecord, Recorder } from './recorder.js';
import { Refinements } from './refinements.js';
import { helperBody, Releases } from './releases.js';
import { Router, usingDeclarationsIn } from './routing.js';
import { Solver } from './solver.js';
import { type ExternalRelease, Summaries } from './summaries.js';
import { isFunctionNode, literalProperties, methodCall, unwrapAwaited, unwrapValue } from './syntax.js';
import { ImportedSummaries, importSourceOf } from './imported-summaries.js';
import { ThrowModel, type ThrowModelOptions } from './throw-model.js';
import type { TypeServices } from './types.js';
import { releasableByHandle, returnsOf, Wrappers } from './wrappers.js';

export type { AcquireMatch } from './owed.js';

export interface ObligationAnalysisOptions {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly kinds: readonly ObligationKind[];
  /** Type information, when the file has it. */
  readonly services?: TypeServices | undefined;
  /** Recognises an acquiring call. Called for bound and discarded call results only; check syntax before types. */
  matchAcquire(call: TSESTree.CallExpression): AcquireMatch | undefined;
  /** The call's result is a promise the code did not await (typed only): binding it binds no handle yet. */
  isUnawaitedPromise?(call: TSESTree.CallExpression): boolean;
  /** Narrows which release-shaped calls release (`bounded-retries`: a `numRequeues(item)` compared with a cap). */
  acceptRelease?(call: TSESTree.CallExpression, ob: Obligation): boolean;
  /** A receiver that is itself an acquiring receiver (a queue): `q.add(item)` is not a hand-off. */
  isAcquireReceiver?(node: TSESTree.Node): boolean;
  readonly explicitThrowsOnly: boolean;
  readonly throwModel?: ThrowModelOptions;
  /**
   * The rule reads only `result.checkpoints` (`bounded-retries`): a function no checkpoint was recorded in is not
   * solved for it (its result would have none; a helper's own summary is still solved when a caller needs it), and
   * `result.doubles` is incomplete (see the solver's `checkpointsOnly`).
   */
  readonly checkpointsOnly?: boolean;
  /** `false` for rules that only need the obligations and their bindings, not the dataflow. Default true. */
  readonly dataflow?: boolean;
  /** An acquired value that is never bound, so it can never be released. */
  onDiscarded(call: TSESTree.CallExpression, kind: ObligationKind): void;
  /**
   * A function that receives a handle it must release: `tracer.startActiveSpan(name, (span) => { … })`. Returns the
   * acquiring call and the parameter index.
   */
  matchCallbackAcquire?(fn: TSESTree.Node): CallbackAcquireMatch | undefined;
  /**
   * The call is an iterable, or a promise of one, each of whose elements is owed: a `for … of` loop over it (or over
   * the `const` bound to it) must release each element before its iteration ends (elements.ts).
   */
  matchElementAcquire?(call: TSESTree.CallExpression): AcquireMatch | undefined;
  /**
   * Typed: how to analyse another file of the program (the rule and its options), so that helpers and wrappers
   * declared there are followed. In the rule's own summary run over that file, nothing is reported.
   */
  readonly crossFile?: CrossFileSource | undefined;
  /**
   * Untyped: the rule context of the linted file, whose relative imports the throw model reads from disk
   * (imported-summaries.ts), for a rule that gives no `crossFile`; otherwise `crossFile.context` is used.
   */
  readonly importContext?: Readonly<TSESLint.RuleContext<string, readonly unknown[]>> | undefined;
  /** A release helper the rule's options name: the parameters it releases on every path, and the kinds (ids). */
  releaseHelper?(call: TSESTree.CallExpression): ExternalRelease | undefined;
  /** Called once per function that acquires, at the end of the file. */
  onResult(result: AnalysisResult, fn: FunctionRecord, queries: FixQueries): void;
}

export function createObligationAnalysis(given: ObligationAnalysisOptions): TSESLint.RuleListener {
  const summaryRun = given.crossFile && given.services && isSummaryRun(given.crossFile.context) ? summaryKey(given.crossFile) : undefined;
  // A summary run reports nothing.
  const options: ObligationAnalysisOptions = summaryRun === undefined ? given : { ...given, onDiscarded: () => {}, onResult: () => {} };
  const { sourceCode } = options;
  const recorder = new Recorder();
  const router = new Router();
  const handles = new HandleIndex(sourceCode);
  const owed = new Owed(options, recorder, handles);
  const acceptRelease = options.acceptRelease?.bind(options);
  const releases = new Releases(options.kinds, handles, owed, () => recorder.open, acceptRelease);
  /** Obligations with at least one release call in their function (or in a closure of it). */
  const releasedSomewhere = new Set<Obligation>();
  const summaries: Summaries = new Summaries(recorder, handles, (fn) =>
    new Solver(fn, {
      explicitThrowsOnly: options.explicitThrowsOnly,
      checkpointsOnly: options.checkpointsOnly === true,
      mayThrow: (node) => throws.mayThrow(node),
      router,
      usingReleases: (declaration, ob) => releases.usingReleases(declaration, ob),
      returnTransfers: (node, ob) => ownership.returnTransfers(node, ob),
      releasedInFunction: (ob) => releasedSomewhere.has(ob) || releasedByLocalHelper(ob),
      skippedFinally: (exit, ob) => skippedFinally(exit, ob),
    }).solve(),
  );
  const { services } = options;
  releases.resolveCallee = (callee) => summaries.resolveCallee(callee);
  const ownership = new Ownership(
    recorder,
    handles,
    owed,
    summaries,
    options.isAcquireReceiver?.bind(options),
    (call) => throws.isLibraryCall(call),
    (call) => throws.isOtelCall(call),
    services && ((node) => {
      const type = services.typeOf(node);
      return type.isStringLiteral() ? type.value : undefined;
    }),
  );
  const wrappers = new Wrappers(handles, (call) => options.matchAcquire(call));
  // A summary run follows no further file: each summary depends on its own file only.
  const crossFile = options.crossFile && options.services && summaryRun === undefined ? new CrossFile(options.crossFile, options.services) : undefined;
  const kindById = new Map(options.kinds.map((kind) => [kind.id, kind]));
  owed.wrapperAcquire = (call) => {
    const callee = summaries.resolveCallee(call.callee);
    if (callee) return wrappers.callAcquire(call, callee);
    const returned = crossFile?.summaryOf(call, 'wrapper')?.returns;
    const kind = returned === undefined ? undefined : kindById.get(returned);
    return kind && { kind, receiver: undefined };
  };
  summaries.external = (call) => {
    const named = options.releaseHelper?.(call);
    if (named) return named;
    // A call that may throw after its helper released would make a release in the caller's `catch` a double one,
    // and the model cannot tell a throw before the release from one after it: such a call stays a hand-off, and
    // needs no summary when that is already known.
    const releases = crossFile?.summaryOf(call, 'helper', () => !throwKnownNow(call) || !throws.mayThrow(call))?.releases;
    if (!releases || throws.mayThrow(call)) return undefined;
    return { releases };
  };
  /**
   * Whether the throw model's answer for the call is the same whenever it is asked: a plain function's callee with
   * no body in this file, given no function. Its answer reads the callee's name, imports and types only, never the
   * handles the traversal has met so far (a method call's receiver may be one) nor the analysis of a body of this
   * file (the callee's, or a callback's).
   */
  const throwKnownNow = (call: TSESTree.CallExpression): boolean => {
    if (unwrapValue(call.callee).type !== AST_NODE_TYPES.Identifier) return false;
    if (call.arguments.some((arg) => isFunctionNode(unwrapValue(arg)))) return false;
    const local = summaries.resolveCallee(call.callee);
    return !local || !isFunctionNode(local);
  };
  const refinements = new Refinements({
    recorder,
    handles,
    isReleaseCallOf: (call, root) => releases.isReleaseCallOf(call, root),
    holdIn: (fn, root) => owed.in(fn, root),
    fallbackOf: (node) => owed.fallbackOf(node),
    guardedBy: (node) => owed.guardedBy(node),
    closureOf: (node) => summaries.closureOf(node),
    parameterTested: (fn, node) => releases.parameterTested(fn, node),
  });
  ownership.propertyParams = releases;
  ownership.releasesOnce = (closure, root) => refinements.releasesOnce(closure, root);
  ownership.releasesWithin = (closure, root) => fixQueries.containsRelease(closure, root);
  const checkpoints = new Checkpoints(options.kinds, recorder, handles, summaries, acceptRelease);
  const throwOptions = options.throwModel ?? {};
  // Untyped: functions imported from other files of the package are read from disk (typed runs read the program).
  const importContext = options.crossFile?.context ?? options.importContext;
  const importSource = !options.services && importContext ? importSourceOf(importContext) : undefined;
  const throws = new ThrowModel({
    sourceCode,
    handles,
    services: options.services,
    options: throwOptions,
    imported: importSource && new ImportedSummaries(importSource, handles, throwOptions),
    resolveCallee: (callee) => summaries.resolveCallee(callee),
    isNonThrowingAcquire: (call) => options.matchAcquire(call)?.kind.acquireNeverThrows === true,
    isNonThrowingHandleMethod: (call) => {
      const method = methodCall(call);
      return method !== undefined && handles.handleOf(method.object).some((ob) => ob.kind.nonThrowingHandleMethods?.has(method.name));
    },
  });

  /**
   * Obligations acquired through a receiver the analysis cannot identify (`(flag ? a : b).get()`) and handed to a
   * release method of a receiver written differently: it may be the same queue, so the rule cannot judge them and
   * reports no leak for them.
   */
  const unjudged = new Set<Obligation>();
  const receiverReleaseNames = new Set(options.kinds.flatMap((kind) => [...kind.receiverReleases]));
  const noteUnjudged = (call: TSESTree.CallExpression): void => {
    const method = methodCall(call, receiverReleaseNames);
    const arg = call.arguments[0];
    if (!method || !arg) return;
    const held = handles.handleOf(arg);
    if (held.length === 0) return;
    const key = handles.accessKey(method.object);
    for (const ob of held) {
      if (ob.kind.receiverReleases.has(method.name) && isUnidentifiedReceiver(ob.receiverKey) && key !== ob.receiverKey) unjudged.add(ob);
    }
  };

  const optionalReleases = new Map<TSESTree.ChainExpression, { ob: Obligation; call: TSESTree.CallExpression }[]>();

  const throwPoint = (node: TSESTree.Node): void => {
    // Recorded for every point; the throw model is asked only when the solver reaches it holding something.
    if (recorder.current) recorder.record({ type: 'throw-point', node, alsoReturns: false });
  };

  /** Calls that release: awaiting one is not a point that may throw with the handle held (if it rejects, it was not released). */
  const releaseCalls = new Set<TSESTree.Node>();
  /**
   * Same-file helpers handed a handle, by obligation: whether one of them releases it is asked when the function is
   * solved (the helper may be declared later), as a release here (`callback(span); endSpan(span)`).
   */
  const localHelperCalls = new Map<Obligation, { callee: TSESTree.Node; param: number }[]>();
  // On every path of its own: a helper that releases on some only (instrumentation-pg's handleConnectResult ends the
  // span of a promise, and leaves a callback's to the patched callback) shares the resource with the other callee.
  const releasedByLocalHelper = (ob: Obligation): boolean =>
    (localHelperCalls.get(ob) ?? []).some(({ callee, param }) => summaries.helperRelease(callee, param) === 'every');
  /** A helper of this file given the obligation releases it on some path at least: a release a second one doubles. */
  const mayBeReleasedByLocalHelper = (ob: Obligation): boolean =>
    (localHelperCalls.get(ob) ?? []).some(({ callee, param }) => summaries.helperRelease(callee, param) !== 'none');
  /** `await e`, or tsc's down-levelled `yield e`: a point that may throw (a rejection), unless it awaits a release. */
  const onAwait = (node: TSESTree.AwaitExpression | TSESTree.YieldExpression): void => {
    if (!recorder.current) return;
    // `await job.moveToCompleted(v, token)`: a release that settles asynchronously, treated like a release call.
    if (!node.argument || !releaseCalls.has(unwrapValue(node.argument))) recorder.record({ type: 'throw-point', node, alsoReturns: false });
    owed.onConditional(node);
  };
  /** A helper this file does not declare that releases a handle counts as this function releasing it itself. */
  const noteHelperReleases = (call: TSESTree.CallExpression): void => {
    if (!call.arguments.some((arg) => handles.handleOf(arg).length > 0)) return;
    const local = summaries.resolveCallee(call.callee);
    if (local) {
      if (!isFunctionNode(local)) return;
      call.arguments.forEach((arg, param) => {
        for (const ob of handles.handleOf(arg)) {
          const root = ob.capture ?? ob;
          localHelperCalls.set(root, [...(localHelperCalls.get(root) ?? []), { callee: local, param }]);
        }
      });
      return;
    }
    const external = summaries.external(call);
    if (!external) return;
    call.arguments.forEach((arg, index) => {
      const summary = external.releases.get(index);
      if (!summary || summary === 'none') return;
      for (const ob of handles.handleOf(arg)) {
        if (!external.kinds || external.kinds.has(ob.kind.id)) releasedSomewhere.add(ob.capture ?? ob);
      }
    });
  };

  /** `release()` of an async-mutex releaser, `reader.releaseLock()`: a call that does nothing a second time. */
  const isIdempotentRelease = (call: TSESTree.CallExpression, ob: Obligation): boolean => {
    if (ob.kind.idempotentCallRelease && handles.handleOf(call.callee).length > 0) return true;
    const idempotent = ob.kind.idempotentHandleReleases;
    const method = idempotent && methodCall(call);
    return !!method && idempotent.has(method.name) && handles.handleOf(method.object).includes(ob);
  };

  const onCall = (call: TSESTree.CallExpression): void => {
    const fn = recorder.current;
    if (!fn) return;
    owed.onCall(call);
    const released = releases.releasedBy(call, fn);
    if (released.length > 0) releaseCalls.add(call);
    if (!handles.empty) noteUnjudged(call);
    if (released.length > 0) {
      // `this.queue?.done(key)`: the receiver that acquired is not nullish, so the release runs on the path that
      // leaves the optional chain, not only on the branch where ESLint evaluates the call.
      const chain = call.parent.type === AST_NODE_TYPES.ChainExpression ? call.parent : undefined;
      for (const ob of released) {
        releasedSomewhere.add(ob);
        // A closure's release counts for the function that acquired: it releases the resource itself.
        if (ob.capture) releasedSomewhere.add(ob.capture);
        if (chain) optionalReleases.set(chain, [...(optionalReleases.get(chain) ?? []), { ob, call }]);
        else if (isIdempotentRelease(call, ob)) {
          // A second call of an idempotent releaser does nothing: a release, never a double one.
          recorder.record({ type: 'effect', ob, node: call, resolve: () => 'release-once' });
        } else recorder.record({ type: 'release', ob, node: call });
      }
      // A release call itself is not treated as throwing: if it throws, the handle was not held. A call of a
      // parameter (`fn()` in `withLock(fn)`) is a release only if the caller passed a releaser; any other function
      // it may be can throw while something else is held.
      if (isParameterCall(call)) {
        // `run((err) => { …; client.release(); })` where `run` is a parameter the function may be asked to release (an
        // async-mutex releaser): the closures it is given still run once, hand on or release, as for any call.
        if (!handles.empty && call.arguments.some((arg) => isFunctionNode(arg))) ownership.onCall(call, fn);
        throwPoint(call);
      }
      return;
    }
    if (!handles.empty) {
      if (checkpoints.active) checkpoints.onCall(call, fn);
      noteHelperReleases(call);
      ownership.onCall(call, fn);
      // `sendAsync(payload, (err, res) => { …; release(); })`: failures go to the callback (Node's convention).
      if (ownership.reportsThroughCallback(call)) {
        owed.onConditional(call);
        return;
      }
    }
    throwPoint(call);
    owed.onConditional(call);
  };

  const isParameterCall = (call: TSESTree.CallExpression): boolean => {
    const callee = unwrapValue(call.callee);
    return callee.type === AST_NODE_TYPES.Identifier && handles.resolve(callee)?.defs[0]?.type === TSESLint.Scope.DefinitionType.Parameter;
  };

  const fixQueries: FixQueries = {
    sourceCode,
    isReleaseStatement: (statement, ob) => {
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      const inner = unwrapAwaited(statement.expression).inner;
      return inner.type === AST_NODE_TYPES.CallExpression && releases.isReleaseCallOf(inner, ob);
    },
    containsRelease: (node, ob) =>
      handles.find(node, (inner) => {
        if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
        if (releases.isReleaseCallOf(inner, ob)) return true;
        const callee = summaries.resolveCallee(inner.callee);
        const helper = callee && recorder.byNode.get(callee);
        if (helper) {
          // Also as a property of an object literal given to a destructured parameter (`settle({ queue, key: item })`).
          const body = recorder.byNode.get(helperBody(callee));
          return inner.arguments.some(
            (arg, index) =>
              (helper.paramObligations.has(index) && handles.handleOf(arg).includes(ob)) ||
              (body !== undefined &&
                literalProperties(arg).some(([key, value]) => releases.propertyParamObligation(body, index, key) && handles.handleOf(value).includes(ob))),
          );
        }
        // A helper of another file that releases it (typed).
        const released = callee ? undefined : summaries.external(inner);
        return (
          released !== undefined &&
          (!released.kinds || released.kinds.has(ob.kind.id)) &&
          inner.arguments.some((arg, index) => released.releases.has(index) && handles.handleOf(arg).includes(ob))
        );
      }),
    isShutdownTest: (node, ob) => refinements.isShutdownTest(node, ob),
    // A resource that is its own handle (`client`) has no parts to take: reading it is work on it.
    isAcquiredValue: (node, ob) => ob.kind.handle !== 'self' && handles.resultOf(node).includes(ob),
    iterationRelease: (ob) => ownership.iterationReleases.get(ob),
    partialRejectionHandler: (chain) => ownership.partialRejectionHandlers.get(chain),
    removedListener: (registration) => ownership.removedListeners.get(registration),
    skippedFinally: (exit, ob) => skippedFinally(exit, ob),
    returnsIt: (ob) => returnsOf(ob.fn.node).some((statement) => handles.carried(statement.argument).has(ob)),
  };

  /**
   * A call that may throw inside a `finally`, before a release statement of `ob` later in that block: the block.
   * (`finally { await pgClient.query('commit'); pgClient.release(); }` — a rejected commit skips the release.)
   */
  function skippedFinally(exit: Exit, ob: Obligation): TSESTree.Node | undefined {
    if (exit.type !== 'throw' || exit.explicit) return undefined;
    let child: TSESTree.Node = exit.node;
    for (let node = exit.node.parent; node && node !== ob.fn.node && !isFunctionNode(node); child = node, node = node.parent) {
      if (node.type !== AST_NODE_TYPES.BlockStatement || node.parent.type !== AST_NODE_TYPES.TryStatement || node.parent.finalizer !== node) continue;
      const after = node.body.slice(node.body.indexOf(child as TSESTree.Statement) + 1);
      return after.some((statement) => fixQueries.isReleaseStatement(statement, ob)) ? node : undefined;
    }
    return undefined;
  }

  const nodeListeners: Listeners = {
    ArrowFunctionExpression: (node: TSESTree.Node) => owed.onFunction(node),
    FunctionExpression: (node: TSESTree.Node) => owed.onFunction(node),
    FunctionDeclaration: (node: TSESTree.Node) => owed.onFunction(node),
    'VariableDeclarator:exit': (node: TSESTree.VariableDeclarator) => owed.onBinding(node, node.id, node.init),
    'AssignmentExpression:exit': (node: TSESTree.AssignmentExpression) => {
      if (node.operator === '=') owed.onBinding(node, node.left, node.right);
      const fn = recorder.current;
      if (!fn || handles.empty) return;
      const acquired = owed.acquireFrom(node.right);
      ownership.onAssignment(node, fn, acquired && owed.byCall.get(acquired.call));
    },
    'ExpressionStatement:exit': (node: TSESTree.ExpressionStatement) => {
      owed.onStatement(node);
      // `signal.throwIfAborted()` where the signal is known aborted: the block ends like a `throw`.
      const fn = recorder.current;
      if (fn && fn.obligations.length > 0 && alwaysThrows(handles, node)) {
        recorder.terminate({ type: 'throw', node: unwrapValue(node.expression) as TSESTree.CallExpression });
      }
    },
    'CallExpression:exit': onCall,
    'ChainExpression:exit': (node: TSESTree.ChainExpression) => {
      for (const { ob, call } of optionalReleases.get(node) ?? []) recorder.record({ type: 'release', ob, node: call });
      optionalReleases.delete(node);
    },
    'NewExpression:exit': (node: TSESTree.NewExpression) => {
      const fn = recorder.current;
      if (fn && !handles.empty) ownership.onNew(node, fn);
      throwPoint(node);
    },
    'AwaitExpression:exit': onAwait,
    'TaggedTemplateExpression:exit': throwPoint,
    'ImportExpression:exit': throwPoint,
    'YieldExpression:exit': (node: TSESTree.YieldExpression) => {
      // tsc's down-levelled `await` (down-level.ts): no consumer can close the generator here, nor take what it yields.
      if (isAwaiterYield(node)) {
        onAwait(node);
        return;
      }
      const fn = recorder.current;
      if (!fn) return;
      ownership.onYield(node, fn);
      recorder.record({ type: 'throw-point', node, alsoReturns: true });
    },
    'ReturnStatement:exit': (node: TSESTree.ReturnStatement) => recorder.terminate({ type: 'return', node }),
    'ThrowStatement:exit': (node: TSESTree.ThrowStatement) => recorder.terminate({ type: 'throw', node }),

    'BreakStatement:exit': (node: TSESTree.BreakStatement) => recorder.terminate({ type: 'break', node }),
    'ContinueStatement:exit': (node: TSESTree.ContinueStatement) => recorder.terminate({ type: 'continue', node }),
    'BlockStatement:exit': (node: TSESTree.BlockStatement) => {
      const fn = recorder.current;
      if (!fn || fn.obligations.length === 0) return;
      // Leaving a block normally disposes its `using` declarations.
      for (const declaration of usingDeclarationsIn(node)) {
        for (const ob of fn.obligations) {
          if (releases.usingReleases(declaration, ob)) recorder.record({ type: 'release', ob, node: declaration });
        }
      }
    },
    'Program:exit': () => {
      if (summaryRun !== undefined && options.services) {
        for (const fn of recorder.functions) {
          if (!isFunctionNode(fn.node)) continue;
          const released = new Map<number, 'every' | 'some'>();
          for (const index of fn.paramObligations.keys()) {
            // Released only in closures it makes: handed on, which callers treat as an unknown function's.
            if (!fn.ownParamReleases.has(index)) continue;
            const summary = summaries.helperRelease(fn.node, index);
            if (summary !== 'none') released.set(index, summary);
          }
          const wrapper = wrappers.of(fn.node);
          const summary: FunctionSummary = {
            releases: released,
            ...(wrapper && releasableByHandle(wrapper.kind) ? { returns: wrapper.kind.id } : {}),
          };
          if (released.size > 0 || summary.returns !== undefined) deposit(options.services, fn.node, summaryRun, summary);
        }
        return;
      }
      const acquiring = recorder.functions
        .filter((fn) => fn.obligations.some((ob) => ob.acquire))
        .map((fn) => ({
          fn,
          solved:
            options.dataflow === false || (options.checkpointsOnly === true && !checkpoints.recordedIn.has(fn))
              ? { leaks: new Map(), doubles: new Map(), checkpoints: new Map() }
              : summaries.solve(fn),
        }));
      // A closure that releases what it captured twice on one of its own paths does so whenever that path runs, however
      // often it is called: a second release of the function that acquired, reported with that function's result —
      // if the closure is given away where that function still holds or has released it (not on a path the analysis
      // never takes, nor after a hand-off).
      const closureDoubles = new Map<Obligation, TSESTree.Node[]>();
      // (A rule that reads only checkpoints has no use for doubles.)
      if (options.dataflow !== false && options.checkpointsOnly !== true) {
        for (const fn of recorder.functions) {
          // Released by a call of the closure, or by a helper of this file it calls (`finish(q, item)` twice in an
          // errback: the second call marks the item done again).
          const releases = (ob: Obligation): boolean => releasedSomewhere.has(ob) || mayBeReleasedByLocalHelper(ob.capture ?? ob);
          const reached = ownership.reachedClosures.get(fn.node);
          if (!reached || ![...fn.captures.values()].some(releases)) continue;
          for (const [ob, nodes] of summaries.solve(fn).doubles) {
            const root = rootOf(ob);
            if (ob.capture && reached.has(root)) closureDoubles.set(root, [...(closureDoubles.get(root) ?? []), ...nodes]);
          }
        }
      }
      for (const { fn, solved: own } of acquiring) {
        let solved: AnalysisResult = own;
        if (fn.obligations.some((ob) => closureDoubles.has(ob))) {
          const doubles = new Map(solved.doubles);
          for (const ob of fn.obligations) {
            const more = closureDoubles.get(ob);
            if (more) doubles.set(ob, [...(doubles.get(ob) ?? []), ...more]);
          }
          solved = { ...solved, doubles };
        }
        const result =
          unjudged.size === 0 ? solved : { ...solved, leaks: new Map([...solved.leaks].filter(([ob]) => !unjudged.has(ob))) };
        options.onResult(result, fn, fixQueries);
      }
    },
  };

  const { codePath, nodes } = recorder.listeners();
  const all = mergeListeners(nodes, refinements.listeners(), nodeListeners, checkpoints.active ? checkpoints.listeners() : {});
  return withCodePathListeners(all, codePath);
}
