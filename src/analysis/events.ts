/**
 * What the analysis records while ESLint walks a function, and what it concludes.
 *
 * An obligation is one acquire site (a `get()`, a `pool.connect()`): from the moment its result is bound, the
 * handle must be released on every path. Its abstract state on a path is a set of the bits below.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import type { FunctionRecord } from './recorder.js';

/** The handle is held and must still be released. */
export const PENDING = 1;
/** Held, but the variable that named it was overwritten: releasing "it" now releases something else. */
export const CLOBBERED = 2;
/** Released once on this path; a second release is a double release. */
export const RELEASED = 4;
/**
 * Released on one outcome only, still held on the other: when a promise fulfils but not when it rejects
 * (`p.then(() => release())`), or when a stream finishes but not when it is destroyed first
 * (`res.once('finish', () => span.end())`). Where that happened is the exit reported.
 */
export const REJECTED = 8;
/**
 * Handed to a listener that releases it when its event comes, where another listener of an event that fires with
 * that one releases it too (see `Effect`): nothing is owed here any more, but the second such listener's
 * registration is a double release.
 */
export const HANDED = 16;
/**
 * Released as RELEASED is, by a listener that another listener, registered after it for an event that fires with its
 * own, releases again: a release after it is a double release, and the second listener's is one of the pair (its
 * message names the first), where RELEASED says a release ran on the path to it.
 */
export const LISTENED = 32;
/** The states a release after them doubles. */
export const DONE = RELEASED | LISTENED;
export const UNRELEASED = PENDING | CLOBBERED | REJECTED;
export const STATE_BITS = [PENDING, CLOBBERED, RELEASED, REJECTED, HANDED, LISTENED] as const;

export type Variable = TSESLint.Scope.Variable;

/** One kind of acquire/release pair, as the rule that uses the analysis describes it. */
export interface ObligationKind {
  /** Short id used in messages and option names, e.g. `workqueue` or `pg`. */
  readonly id: string;
  /** Where the handle sits in the acquired value: the value itself, or an element of a tuple / a property. */
  readonly handle: { readonly index: number; readonly key: string } | 'self';
  /** A shutdown flag beside the handle (`[item, shutdown]`): paths where it is true carry no obligation. */
  readonly flag?: { readonly index: number; readonly key: string };
  /** `receiver.method(handle)` on the acquiring receiver releases (`q.done(item)`, `pool.release(conn)`). */
  readonly receiverReleases: ReadonlySet<string>;
  /** `receiver.method()` with no argument releases (`mutex.release()`). */
  readonly receiverBareReleases: ReadonlySet<string>;
  /** An acquire whose result is not bound still holds (`await mutex.acquire(); … mutex.release()`). */
  readonly unboundHolds: boolean;
  /** `handle.method()` releases (`client.release()`, `span.end()`). */
  readonly handleReleases: ReadonlySet<string>;
  /** The handle is a function and calling it releases (`const release = await mutex.acquire()`). */
  readonly callReleases: boolean;
  /** `receiver.method(handle)` that must not run while the obligation is still pending (a checkpoint). */
  readonly checkpoints: ReadonlySet<string>;
  /**
   * Passing the handle to a function the analysis cannot follow (not of this file, not a built-in) hands it on: a
   * resource object is a capability (`endSpan(span)`, `readAll(reader)`). Not so for a work-queue item, which is data
   * passed to the work itself (`await sync(item)`).
   */
  readonly handsOnWhenPassed?: boolean;
  /** Disposing the handle releases it: `using lease = await q.lease()` (its `[Symbol.dispose]` marks the item done). */
  readonly disposeReleases?: boolean;
  /** `handle.method()` calls that never throw (an OpenTelemetry span's `setAttribute`). */
  readonly nonThrowingHandleMethods?: ReadonlySet<string>;
  /**
   * `handle.method()` calls whose `false` says there is nothing to release: a span that is not recording (sampled
   * out, or already ended) is a no-op whose `end()` does nothing, so `if (!span.isRecording()) return` drops it.
   */
  readonly nothingOwedWhenFalse?: ReadonlySet<string>;
  /**
   * The acquiring call itself cannot throw: it returns a promise that rejects (`pool.connect()`, `mutex.acquire()`)
   * or is the OpenTelemetry API (`tracer.startSpan`), so a helper that only acquires and hands on is no throw point.
   */
  readonly acquireNeverThrows?: boolean;
  /**
   * Calling the handle a second time does nothing (async-mutex's releaser keeps a `called` flag): a second call of
   * the handle is no double release. A second release by another means (`mutex.release()`) still is.
   */
  readonly idempotentCallRelease?: boolean;
  /**
   * `handle.method()` releases that do nothing when the resource is released already (a web-stream reader's
   * `releaseLock()` returns at once once the reader has no stream): such a call after another release is no double
   * release. A second release by another method (`cancel()` after `releaseLock()`, which rejects) still is.
   */
  readonly idempotentHandleReleases?: ReadonlySet<string>;
  /**
   * Two listeners that each release it, registered for events that both fire (the same event twice, or `'end'` and
   * then `'close'`), release it twice: a double release. So for a work-queue item, whose second `done` is the misuse
   * client-go's contract forbids. Not so for a span: instrumentations end one on `'finish'` and on `'close'` on
   * purpose, and its second `end()` does nothing.
   */
  readonly listenersReleaseTwice?: boolean;
  /**
   * How users write the release, for messages and fixes: `q.done(item)`. `handleText` is `undefined` when no variable
   * in scope names the handle; return `undefined` when the release cannot be written without it.
   */
  describeRelease(receiverText: string, handleText: string | undefined): string | undefined;
}

export interface Obligation {
  readonly id: number;
  readonly kind: ObligationKind;
  readonly fn: FunctionRecord;
  /** The acquiring call; `undefined` for a parameter a helper is asked to release. */
  readonly acquire: TSESTree.CallExpression | undefined;
  /** The declarator, assignment or parameter that binds the result. */
  readonly binding: TSESTree.Node;
  /** Identity of the acquiring receiver (`q`, `this.queue`), for matching `receiver.done(…)`. */
  readonly receiverKey: string | undefined;
  readonly receiverNode: TSESTree.Node | undefined;
  /** Variables that hold the handle itself. */
  readonly handleVars: Set<Variable>;
  /** Variables that hold the whole acquired value (`r` in `const r = await q.get()`). */
  readonly resultVars: Set<Variable>;
  /** Variables that hold the shutdown flag. */
  readonly flagVars: Set<Variable>;
  /**
   * In a closure that releases a resource of an enclosing function: the obligation it stands for. The closure's
   * own dataflow then says whether it releases on every path.
   */
  readonly capture?: Obligation;
  /** Acquired only when a value was missing (`existing ?? pool.connect()`): the release is conditional too. */
  conditional?: true;
  /**
   * Also acquired where no `if` guards it (a second acquire bound to the same obligation): the refinements that
   * say an `if` around the acquire did not run ({@link Refinement.guard}) do not hold.
   */
  unguarded?: true;
}

/** The obligation of the function that acquired: itself, or the one a closure's capture stands for. */
export function rootOf(ob: Obligation): Obligation {
  return ob.capture ?? ob;
}

/**
 * What a hand-off does to an obligation, decided when the function is solved (it may need another function's
 * result): `maybe-release` releases on some paths only (a second release is still a double), `release-on-fulfil`
 * releases unless a promise rejects, `release-on-finish` releases unless the stream is destroyed before it finishes
 * (a `'finish'` listener; `release-on-finish-once` when that listener is a release-once closure, so it is never a
 * second release), `release-once` releases what is still held and does nothing when it was already released (a
 * release-once closure called again: no double). `listener-release` hands it to a listener that releases it, one a later
 * listener's release pairs with, and a {@link SecondListenerRelease} to one whose event fires with that of a listener
 * registered before it that releases too (for a kind whose listeners release twice:
 * {@link ObligationKind.listenersReleaseTwice}): reached handed so, the registration is a double release. Either hands
 * it on for everything else, as `transfer` does. `paired-release-on-finish` is a `release-on-finish` by a listener
 * that a later one pairs with (released as LISTENED).
 */
export type Effect =
  | 'release'
  | 'release-once'
  | 'maybe-release'
  | 'release-on-fulfil'
  | 'release-on-finish-once'
  | 'release-on-finish'
  | 'listener-release'
  | 'paired-release-on-finish'
  | SecondListenerRelease
  | 'transfer'
  | 'none'
  | CallbackLeak;

/**
 * Why two listener registrations release one resource twice: the registration reported, a listener registered
 * before it (or the same registration, run again) and the two events that fire together.
 */
export interface ListenerPairing {
  /** The registration the report pairs with: an earlier one on the same emitter, or the reported one itself. */
  readonly partner: TSESTree.CallExpression;
  /** The reported registration's event and the partner's, that both fire (the same name, or 'close' and another). */
  readonly events: readonly [own: string, partner: string];
  /** The registration runs again in a loop, adding a listener on each pass (`partner` is the registration itself). */
  readonly loop: boolean;
}

/**
 * A listener that releases, registered after another of the same emitter whose event fires with its own and that
 * releases too ({@link ObligationKind.listenersReleaseTwice}): reached handed to (or released by) that one, the
 * registration is a double release of the pair. `removable`: a listener of another event may remove it first, so
 * it is held where the stream is destroyed first, as `release-on-finish`.
 */
export interface SecondListenerRelease {
  readonly second: ListenerPairing;
  readonly removable: boolean;
}

/**
 * A closure run exactly once (a timer, an executor, a Node completion callback) that releases on some of its paths
 * only: released where it does, still held where it does not, and a leak that reaches an exit of the enclosing
 * function is reported at the closure's own leaking exits (`leaks`), where the fix goes.
 */
export interface CallbackLeak {
  readonly leaks: readonly Extract<Exit, { type: 'callback' }>[];
}

export type AnalysisEvent =
  /** `call`: the acquiring call, when it is not the obligation's first (the same value taken again in a loop). */
  | { readonly type: 'acquire'; readonly ob: Obligation; readonly call?: TSESTree.CallExpression }
  | { readonly type: 'release'; readonly ob: Obligation; readonly node: TSESTree.Node }
  | { readonly type: 'clobber'; readonly ob: Obligation }
  /** Ownership moves elsewhere; `unlessReleasedHere`: only if the function never releases the obligation itself. */
  | { readonly type: 'transfer'; readonly ob: Obligation; readonly unlessReleasedHere?: boolean }
  /** A call, closure or promise chain whose effect on the obligation is known once other functions are solved. */
  | { readonly type: 'effect'; readonly ob: Obligation; readonly node: TSESTree.Node; resolve(): Effect }
  /**
   * The start and end of a `finally` block: where computing what the block does to an obligation starts and stops.
   * When the `try` never leaves abruptly, ESLint runs the block inside the segments around it.
   */
  | { readonly type: 'finally-start'; readonly block: TSESTree.BlockStatement }
  | { readonly type: 'finally-end'; readonly block: TSESTree.BlockStatement }
  | { readonly type: 'checkpoint'; readonly ob: Obligation; readonly node: TSESTree.CallExpression }
  /** An abrupt completion: nothing after it in the segment runs. */
  | { readonly type: 'terminate'; readonly terminator: Terminator }
  /** A point that may throw: a call, `new`, `await`, `yield`, tagged template; `returns` for `yield`. */
  | { readonly type: 'throw-point'; readonly node: TSESTree.Node; readonly alsoReturns: boolean };

/** How a segment ends abruptly. */
export type Terminator =
  | { readonly type: 'return'; readonly node: TSESTree.ReturnStatement }
  /** A `throw`, or a call that throws wherever it runs on this path (see definite-throws.ts). */
  | { readonly type: 'throw'; readonly node: TSESTree.ThrowStatement | TSESTree.CallExpression }
  | { readonly type: 'break'; readonly node: TSESTree.BreakStatement }
  | { readonly type: 'continue'; readonly node: TSESTree.ContinueStatement };

/** On the edges out of the segment where `node` was evaluated as a branch condition, `ob` may be dropped. */
export interface Refinement {
  readonly ob: Obligation;
  /** The node that starts the branch taken when `node` has truthiness `knownTruthy`. */
  readonly known: TSESTree.Node;
  readonly knownTruthy: boolean;
  /** Drop the obligation when the tested node is truthy (`shutdown`) or falsy (`item`). */
  readonly dropWhenTruthy: boolean;
  /** A test of the variable an `if` around this obligation's acquire tested: void once it is {@link Obligation.unguarded}. */
  readonly guard?: Obligation;
}

/** A way out on which an obligation is still held. */
export type Exit =
  | { readonly type: 'return'; readonly node: TSESTree.Node }
  | { readonly type: 'throw'; readonly node: TSESTree.Node; readonly explicit: boolean }
  | { readonly type: 'yield'; readonly node: TSESTree.Node }
  | { readonly type: 'break'; readonly node: TSESTree.BreakStatement }
  | { readonly type: 'continue'; readonly node: TSESTree.ContinueStatement }
  | { readonly type: 'iteration-end'; readonly node: TSESTree.Node }
  | { readonly type: 'function-end'; readonly node: TSESTree.Node }
  /** The promise chain whose handlers release only when it fulfils. */
  | { readonly type: 'rejection'; readonly node: TSESTree.Node }
  /** The `'finish'` listener registration that releases only if the stream finishes, not if it is destroyed first. */
  | { readonly type: 'unfinished'; readonly node: TSESTree.CallExpression }
  /**
   * An exit of a closure run once (`inner`, in the closure `callback`) on which the closure has not released what the
   * enclosing function holds: reported there (`node` is `inner`'s node).
   */
  | { readonly type: 'callback'; readonly node: TSESTree.Node; readonly inner: Exit; readonly callback: TSESTree.Node };

export function isImplicitExit(exit: Exit): boolean {
  if (exit.type === 'callback') return isImplicitExit(exit.inner);
  return exit.type === 'throw' && !exit.explicit;
}

export interface AnalysisResult {
  /**
   * The exits on which each obligation may still be held: every explicit one (a `return`, `break`, `continue`,
   * `throw`, `yield`, the end of an iteration or of the function, a rejection), or else the first implicit throw.
   */
  readonly leaks: ReadonlyMap<Obligation, readonly Exit[]>;
  /** Second releases on some path, by obligation. */
  readonly doubles: ReadonlyMap<Obligation, readonly TSESTree.Node[]>;
  /**
   * The second releases (nodes of `doubles`) that are the second listener of a pair and not also a release after one
   * on the path to them: the listener they pair with. Absent: none.
   */
  readonly listenerPairs?: ReadonlyMap<TSESTree.Node, ListenerPairing>;
  /** Checkpoint calls reached on some path while the obligation was still pending. */
  readonly checkpoints: ReadonlyMap<Obligation, readonly TSESTree.CallExpression[]>;
  /**
   * The obligations a release, hand-off or effect reached on some path the analysis takes, where they were held or
   * released: one that is absent is released on no path (its releases are on paths never taken). Absent: unknown.
   */
  readonly releasesReached?: ReadonlySet<Obligation>;
}
