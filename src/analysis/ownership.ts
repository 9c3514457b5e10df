/**
 * What hands a resource on. On a path, an obligation can leave the function's hands without a release call here:
 *
 * - **returned, yielded or stored** where it outlives the function (a field, an outer variable, a collection), on
 *   its own or inside an object, array or closure that carries it, or an OpenTelemetry context made from it
 *   (span-contexts.ts: passed to a call, a context hands nothing on; a function that runs in one may be kept);
 * - **a same-file helper** it is passed to releases it (on every path: a release; on some: a maybe);
 * - **a closure that releases it**, by where the closure goes: a callback that runs exactly once (a timer,
 *   `queueMicrotask`, `process.nextTick`, an IIFE, `new Promise(executor)`, `context.with`, `AsyncLocalStorage#run`,
 *   `runExclusive`, a Node completion callback: {@link isErrback}) releases as the closure does on its own paths —
 *   on some only, what it leaves held is reported at the closure's own leaking exits (a `CallbackLeak` effect);
 *   an array iteration callback runs zero or many
 *   times and counts for nothing; a `'finish'` listener (`res.once('finish', …)`) releases only if the stream
 *   finishes: a stream destroyed first (an aborted response, `destroy()`) emits `'close'` and maybe `'error'`, never
 *   `'finish'`, so unless a `'close'` or `'error'` listener of the same function releases too, the resource is still
 *   held on that outcome, reported at the registration; any other
 *   destination (a listener for another event, `stream.finished(s, cb)`, an unknown function, a returned or stored
 *   closure) takes ownership;
 * - **a promise chain's settlement handlers** (`.then(onFulfilled, onRejected)`, `.catch`, `.finally`): on a chain
 *   that is awaited, returned, `void`ed or left as a statement, they release when both outcomes release; a release
 *   on fulfilment only leaves the resource held if the promise rejects. A chain whose value goes anywhere else owns
 *   what its handlers release.
 *
 * Effects that depend on another function (does the helper or closure release on every path?) are recorded as
 * `effect` events and resolved when the function is solved.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { callbackRole, coFiringEvents, eventsMayBothFire, firesBefore, isErrback, LISTENER_METHODS, listenerEvent, REMOVAL_METHODS, type Role } from './callback-roles.js';
import type { Effect, ListenerPairing, Obligation } from './events.js';
import type { ContextReach, HandleIndex } from './handles.js';
import { helperBody } from './releases.js';
import { type Owed, patternIdentifiers } from './owed.js';
import type { FunctionRecord, Recorder } from './recorder.js';
import { isChainLink, PROMISE_LINKS, settlesHere } from './promise-chains.js';
import { carryingCalls } from './span-contexts.js';
import type { Summaries } from './summaries.js';
import { isFunctionNode, isLoop, memberRoot, methodCall, owningCodePathNode, propertyName, unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

const NO_OBLIGATIONS: ReadonlySet<Obligation> = new Set();

const STORING_METHODS = new Set(['push', 'unshift', 'splice', 'set', 'add']);
/** A listener given to a registration whose event names are known. */
interface Registration {
  readonly events: readonly string[];
  readonly listener: TSESTree.Node;
  readonly call: TSESTree.CallExpression;
}

/** A listener that releases, and the listener of another event that removes it first (see `revocation`). */
export interface RemovedListener {
  /** The event on which the remover runs and no listener releases. */
  readonly event: string;
  /** The registration of the remover for that event. */
  readonly remover: TSESTree.CallExpression;
}


/**
 * Global constructors whose object keeps what it is given: a stream keeps its underlying source (`new ReadableStream({
 * pull, cancel })` whose methods read and cancel a reader: the reader is the new stream's), a `Response` or `Request`
 * its body.
 */
const KEEPING_CONSTRUCTORS: ReadonlySet<string> = new Set(['ReadableStream', 'WritableStream', 'TransformStream', 'Response', 'Request']);
/** Node's modules that export the same stream classes as the globals. */
const WEB_STREAM_MODULES: ReadonlySet<string> = new Set(['node:stream/web', 'stream/web']);
export class Ownership {
  constructor(
    private readonly recorder: Recorder,
    private readonly handles: HandleIndex,
    private readonly owed: Owed,
    private readonly summaries: Summaries,
    /** A receiver that is itself an acquiring receiver (a queue): `q.add(item)` is not a hand-off. */
    private readonly isAcquireReceiver: ((node: TSESTree.Node) => boolean) | undefined,
    /** A built-in or OpenTelemetry API call: it does not keep what it is given. */
    private readonly isLibraryCall: (call: TSESTree.CallExpression) => boolean,
    /** An OpenTelemetry API call: `trace.setSpan(ctx, span)` makes a context that holds the span (span-contexts.ts). */
    isOtelCall: (call: TSESTree.CallExpression) => boolean,
    /** With types, the string an expression always is (`SocketEvent.CLOSE` of a string enum): event names. */
    private readonly constantString: (node: TSESTree.Node) => string | undefined = () => undefined,
  ) {
    handles.closureCarries = (fnNode) => owed.capturedBy(fnNode);
    handles.callCarries = carryingCalls(isOtelCall);
  }

  /** Per function, its listener registrations whose events are known, in the order walked. */
  private readonly registrations = new Map<FunctionRecord, Registration[]>();

  /** Per listener closure, the functions that remove it (`socket.removeListener('secureConnect', onSecure)`). */
  private readonly removers = new Map<TSESTree.Node, TSESTree.Node[]>();

  /** Releasing listener registrations that a listener of another event removes first, by registration: for messages. */
  readonly removedListeners = new Map<TSESTree.Node, RemovedListener>();

  /** The resources a removed listener releases, once one has been resolved: for the double-release rule above. */
  private readonly revokedRoots = new Set<Obligation>();

  /** The closure is a release-once closure for `root`: called again, it does nothing (refinements.ts). */
  releasesOnce: (closure: TSESTree.Node, root: Obligation) => boolean = () => false;

  private readonly isGlobal = (identifier: TSESTree.Identifier): boolean => this.handles.isGlobal(identifier);

  /** The closure has a release of `root` of its own somewhere (a release call, or a helper that releases it). */
  releasesWithin: (closure: TSESTree.Node, root: Obligation) => boolean = () => false;

  private effect(fn: FunctionRecord, root: Obligation, node: TSESTree.Node, resolve: () => Effect): void {
    const ob = this.owed.in(fn, root);
    if (ob) this.recorder.record({ type: 'effect', ob, node, resolve });
  }

  private transfer(fn: FunctionRecord, roots: Iterable<Obligation>, unlessReleasedHere?: boolean): void {
    for (const root of roots) {
      const ob = this.owed.in(fn, root);
      if (ob) this.recorder.record({ type: 'transfer', ob, unlessReleasedHere });
    }
  }

  /** `return <arg>` (or an arrow's expression body, its value) hands the obligation to the caller. */
  returnTransfers(node: TSESTree.ReturnStatement | TSESTree.ArrowFunctionExpression, ob: Obligation): boolean {
    return this.handles.carried(node.type === AST_NODE_TYPES.ReturnStatement ? node.argument : node.body).has(ob.capture ?? ob);
  }

  /** Yielding the handle hands it to the consumer, unless the generator releases it itself afterwards. */
  onYield(node: TSESTree.YieldExpression, fn: FunctionRecord): void {
    this.transfer(fn, this.handles.carried(node.argument), true);
  }

  /** Overwriting a name of a held handle, or storing the handle where it outlives the function. */
  onAssignment(node: TSESTree.AssignmentExpression, fn: FunctionRecord, acquiredOb: Obligation | undefined): void {
    const { handles } = this;
    for (const id of patternIdentifiers(node.left)) {
      const variable = handles.resolve(id);
      if (!variable) continue;
      for (const ob of fn.obligations) {
        if (ob !== acquiredOb && (ob.handleVars.has(variable) || ob.resultVars.has(variable))) {
          this.recorder.record({ type: 'clobber', ob });
        }
      }
    }
    if (acquiredOb) return;
    const stored = handles.carried(node.right);
    if (stored.size === 0) return;
    const left = unwrapValue(node.left);
    if (left.type === AST_NODE_TYPES.MemberExpression) {
      // Stored on the resource itself (`client.query = function () { … client … }`, postgraphile's debug wrapper):
      // nothing outlives the resource, which is still owed.
      const itself = new Set(handles.handleOf(memberRoot(left)));
      this.transfer(fn, [...stored].filter((ob) => !itself.has(ob)));
      return;
    }
    const outlives = left.type === AST_NODE_TYPES.Identifier && owningCodePathNode(handles.resolve(left)?.defs[0]?.name ?? left) !== fn.node;
    if (outlives) this.transfer(fn, stored);
    else this.owed.bindAliases(node.left, node.right);
  }

  /** Every hand-off a call can make. */
  onCall(call: TSESTree.CallExpression, fn: FunctionRecord): void {
    const method = methodCall(call);
    if (method && PROMISE_LINKS.has(method.name)) {
      if (!isChainLink(call.parent, call)) this.onChain(call, fn);
      return;
    }
    if (method && STORING_METHODS.has(method.name) && !this.isAcquireReceiver?.(method.object)) {
      const stored = new Set<Obligation>();
      for (const arg of call.arguments) this.handles.carried(arg, stored);
      const receiverKey = this.handles.accessKey(method.object);
      this.transfer(fn, [...stored].filter((root) => receiverKey === undefined || receiverKey !== root.receiverKey));
      return;
    }
    if (methodCall(call, REMOVAL_METHODS)) {
      // Removing a listener hands nothing on; which releases it cancels is asked when its registration is resolved.
      const removed = call.arguments[1] && this.summaries.closureOf(call.arguments[1]);
      if (removed) this.removers.set(removed, [...(this.removers.get(removed) ?? []), fn.node]);
      return;
    }
    if (!this.onHelper(call, fn)) this.onUnknownCallee(call, fn, this.onOtherFileHelper(call, fn));
    // `(() => { … })()` or `finish()` for `const finish = () => q.done(item)`: the closure runs once, here.
    const invoked = this.summaries.closureOf(call.callee);
    if (invoked) this.onClosure(fn, invoked, call, 'once');
    const events = this.listenerEvents(call);
    if (events && call.arguments[1]) {
      const list = this.registrations.get(fn) ?? [];
      this.registrations.set(fn, list);
      list.push({ events, listener: call.arguments[1], call });
    }
    const event = events?.length === 1 ? events[0] : undefined;
    call.arguments.forEach((arg, index) => {
      const role = callbackRole(call, index, event, this.isGlobal);
      this.onArgument(fn, call, arg, role === 'owner' && this.isErrbackArgument(call, arg) ? 'errback' : role);
    });
  }

  /**
   * The events a registration names: a string (`once('close', …)`), or the loop variable of a `for…of` over an array
   * of strings, written in place or a `const` (`for (const event of ['close', 'error']) socket.once(event, …)`).
   */
  private listenerEvents(call: TSESTree.CallExpression): readonly string[] | undefined {
    // Not a registration (nearly every call): answered without the table, whose entry per call of a long function
    // cost more than the question.
    if (!methodCall(call, LISTENER_METHODS)) return undefined;
    if (this.eventsByCall.has(call)) return this.eventsByCall.get(call);
    const events = this.computeListenerEvents(call);
    this.eventsByCall.set(call, events);
    return events;
  }

  private readonly eventsByCall = new Map<TSESTree.CallExpression, readonly string[] | undefined>();

  private computeListenerEvents(call: TSESTree.CallExpression): readonly string[] | undefined {
    const literal = listenerEvent(call);
    if (literal !== undefined) return [literal];
    const first = call.arguments[0];
    if (!methodCall(call, LISTENER_METHODS) || !first || first.type === AST_NODE_TYPES.SpreadElement) return undefined;
    if (first.type === AST_NODE_TYPES.Identifier) {
      const def = this.handles.resolve(first)?.defs[0];
      const declaration = def?.type === DefinitionType.Variable ? def.parent : undefined;
      const loop = declaration?.parent;
      if (loop?.type === AST_NODE_TYPES.ForOfStatement && loop.left === declaration) return this.stringArray(loop.right);
    }
    const constant = this.constantString(first);
    return constant === undefined ? undefined : [constant];
  }

  /** The strings of an array literal of strings, or of a `const` bound to one. */
  private stringArray(node: TSESTree.Node): readonly string[] | undefined {
    let value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.Identifier) {
      const def = this.handles.resolve(value)?.defs[0];
      if (def?.type !== DefinitionType.Variable || def.parent.kind !== 'const' || !def.node.init) return undefined;
      value = unwrapValue(def.node.init);
    }
    if (value.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
    const strings: string[] = [];
    for (const element of value.elements) {
      if (!element || element.type === AST_NODE_TYPES.SpreadElement) return undefined;
      const text = element.type === AST_NODE_TYPES.Literal && typeof element.value === 'string' ? element.value : this.constantString(element);
      if (text === undefined) return undefined;
      strings.push(text);
    }
    return strings;
  }

  /** The listener carries `root`: a closure that captures it, or its releaser. */
  private carriesRoot(listener: TSESTree.Node, root: Obligation): boolean {
    const closure = this.summaries.closureOf(listener);
    return closure ? this.capturedBy(closure).includes(root) : root.kind.callReleases && this.handles.handleOf(listener).includes(root);
  }

  /** `fn` registers a listener for `event` that carries `root`. */
  private listensFor(fn: FunctionRecord, event: string, root: Obligation): boolean {
    return (this.registrations.get(fn) ?? []).some((entry) => entry.events.includes(event) && this.carriesRoot(entry.listener, root));
  }

  /** `fn` registers a listener for `event` that releases `root` on every path it runs. */
  private releasesOn(fn: FunctionRecord, event: string, root: Obligation): boolean {
    return (this.registrations.get(fn) ?? []).some((entry) => {
      if (!entry.events.includes(event)) return false;
      const closure = this.summaries.closureOf(entry.listener);
      return closure ? this.summaries.closureRelease(closure, root) === 'every' : root.kind.callReleases && this.handles.handleOf(entry.listener).includes(root);
    });
  }

  /**
   * A listener that releases hands the resource on, unless another listener of the same function removes it
   * without releasing (net's TLS span: a `'close'` listener removes the `'secureConnect'` and `'error'` listeners
   * that end it). Emitters run an event's listeners in order, so where the remover runs on an event for which no
   * listener releases, the releasing ones are gone before their events can come: a socket closed without an error
   * before the handshake never releases. The event and the remover's registration, or nothing.
   */
  private revocation(fn: FunctionRecord, closure: TSESTree.Node, root: Obligation): RemovedListener | undefined {
    for (const removerNode of this.removers.get(closure) ?? []) {
      if (this.summaries.closureRelease(removerNode, root) !== 'none') continue;
      for (const entry of this.registrations.get(fn) ?? []) {
        if (this.summaries.closureOf(entry.listener) !== removerNode) continue;
        const event = entry.events.find((name) => !this.releasesOn(fn, name, root));
        if (event !== undefined) return { event, remover: entry.call };
      }
    }
    return undefined;
  }

  /**
   * The listener registered by `call` releases `root` on every path and another listener of the same emitter releases
   * it too on an event that fires with this one's (callback-roles.ts): for a kind whose listeners then release twice,
   * a hand-off that the later of the two makes a double release. `undefined` where that cannot be said: a partial
   * release, a release-once closure (which may share its flag with the other), a pair where one removes the other
   * (whichever runs first takes the other away) or a third listener removes one first, listeners on emitters the
   * analysis cannot tell apart.
   */
  private listenerHandOff(fn: FunctionRecord, call: TSESTree.CallExpression, root: Obligation): Effect | undefined {
    if (!root.kind.listenersReleaseTwice) return undefined;
    const partners = this.coFiringListeners(fn, call, root);
    if (partners.length === 0) return undefined;
    const second = earlierPartner(call, partners);
    return second ? { second, removable: false } : 'listener-release';
  }

  /**
   * The registrations of `fn` whose listeners may run with the one `call` registers, each releasing `root` on every
   * path: on the same emitter, for an event that fires with `call`'s. `call` itself when it may run again (in a loop:
   * each pass adds a listener).
   */
  private coFiringListeners(fn: FunctionRecord, call: TSESTree.CallExpression, root: Obligation): ListenerPairing[] {
    const list = this.registrations.get(fn) ?? [];
    const own = list.find((entry) => entry.call === call);
    const closure = own && this.summaries.closureOf(own.listener);
    const emitter = own && this.emitterKey(call);
    if (!own || !closure || emitter === undefined || !this.releasesEveryTime(closure, root)) return [];
    const partners: ListenerPairing[] = [];
    const again = this.registersAgain(fn, own);
    if (again) partners.push({ partner: call, events: again, loop: true });
    for (const entry of list) {
      const events = entry === own ? undefined : coFiringEvents(own.events, entry.events);
      if (!events || this.emitterKey(entry.call) !== emitter) continue;
      const other = this.summaries.closureOf(entry.listener);
      if (!other || !this.releasesEveryTime(other, root) || this.removes(closure, other) || this.removes(other, closure)) continue;
      if (this.removedFirst(fn, own, entry, emitter) || this.removedFirst(fn, entry, own, emitter)) continue;
      partners.push({ partner: entry.call, events, loop: false });
    }
    return partners;
  }

  /**
   * A listener of the emitter takes `listener` off before it can run with `other`: wherever an event of `other`'s
   * comes that fires with one of `listener`'s, it comes first, in an emit of its own (`'end'` before `'close'`), and
   * the remover listens for it. A remover of the same event does not: the emit that runs it runs `listener` too.
   * Whether the remover removes on every path is not asked (a listener it may leave is a double missed, not a
   * false one).
   */
  private removedFirst(fn: FunctionRecord, listener: Registration, other: Registration, emitter: string): boolean {
    const closure = this.summaries.closureOf(listener.listener);
    const removers = closure && this.removers.get(closure);
    if (!removers || removers.length === 0) return false;
    const heard = new Set<string>();
    for (const entry of this.registrations.get(fn) ?? []) {
      const remover = this.summaries.closureOf(entry.listener);
      if (remover && removers.includes(remover) && this.emitterKey(entry.call) === emitter) for (const event of entry.events) heard.add(event);
    }
    return other.events.every((event) =>
      listener.events.every((own) => !eventsMayBothFire([event], [own]) || (firesBefore(event, own) && heard.has(event))),
    );
  }

  /** The closure releases `root` on every path it runs, and a second call of it does not return at once. */
  private releasesEveryTime(closure: TSESTree.Node, root: Obligation): boolean {
    return this.summaries.closureRelease(closure, root) === 'every' && !this.releasesOnce(closure, root);
  }

  /** `remover` takes `listener` off an emitter (`removeListener` / `off` in its body). */
  private removes(remover: TSESTree.Node, listener: TSESTree.Node): boolean {
    return (this.removers.get(listener) ?? []).includes(remover);
  }

  /** The emitter a registration is made on, as an access path (`res`, `this.socket`); `undefined` when none is known. */
  private emitterKey(call: TSESTree.CallExpression): string | undefined {
    const method = methodCall(call);
    return method && this.handles.accessKey(method.object);
  }

  /**
   * The registration runs more than once in `fn`, adding a listener for events that fire together each time: in a loop
   * of `fn`, for its one event; in the `for…of` its events are read from, only when two of those events fire together.
   * The two events, or `undefined`.
   */
  private registersAgain(fn: FunctionRecord, entry: Registration): [string, string] | undefined {
    const eventsLoop = this.eventsLoop(entry.call);
    for (let node: TSESTree.Node | undefined = entry.call.parent; node && node !== fn.node; node = node.parent) {
      if (!isLoop(node)) continue;
      const [event] = entry.events;
      if (node !== eventsLoop && event !== undefined) return [event, event];
      for (const [i, one] of entry.events.entries()) {
        const pair = coFiringEvents([one], entry.events.filter((_, j) => j !== i));
        if (pair) return pair;
      }
    }
    return undefined;
  }

  /** The `for…of` whose variable names a registration's event (`for (const event of ['close', 'error']) …`), if any. */
  private eventsLoop(call: TSESTree.CallExpression): TSESTree.ForOfStatement | undefined {
    const first = call.arguments[0];
    if (first?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const def = this.handles.resolve(first)?.defs[0];
    const declaration = def?.type === DefinitionType.Variable ? def.parent : undefined;
    const loop = declaration?.parent;
    return loop?.type === AST_NODE_TYPES.ForOfStatement && loop.left === declaration ? loop : undefined;
  }

  /**
   * A `'finish'` listener releases only if the stream finishes. A `'close'` listener of the same function that
   * releases too makes it complete: ownership moves to the two of them. So does an `'error'` listener: a stream the
   * code drives itself (`fs.createWriteStream`, pg-copy-streams' `copyFrom`, whose README releases on `'finish'` and
   * `'error'`) emits one of the two unless that code destroys it without an error; only a response the client
   * aborts (destroyed by the HTTP layer, no `'error'`) escapes them, and the event names cannot tell the two apart.
   */
  private finishEffect(fn: FunctionRecord, root: Obligation): Effect {
    return this.listensFor(fn, 'close', root) || this.listensFor(fn, 'error', root) ? 'transfer' : 'release-on-finish';
  }

  /**
   * The call is given a Node completion callback that releases something the function holds. By Node's convention
   * such an operation reports its failure through the callback, not by throwing: the call is no point that may throw
   * (a synchronous throw, from invalid arguments, is a bug of its own, as a throwing property read is). Otherwise
   * the callback's release would count on the exception path too, where the callback never runs: a release in a
   * `catch` around the call would read as a second one.
   */
  reportsThroughCallback(call: TSESTree.CallExpression): boolean {
    const index = call.arguments.length - 1;
    const last = call.arguments[index];
    if (!last || !this.isErrbackArgument(call, last) || callbackRole(call, index, undefined, this.isGlobal) !== 'owner') return false;
    const closure = this.summaries.closureOf(last);
    return closure !== undefined && this.capturedBy(closure).some((root) => this.releasesWithin(closure, root));
  }

  /** {@link isErrback}, asked once per call (by `onCall` for its arguments, and by `reportsThroughCallback`). */
  private isErrbackArgument(call: TSESTree.CallExpression, arg: TSESTree.Node): boolean {
    if (arg !== call.arguments[call.arguments.length - 1]) return false;
    // Only a function written in place is an errback: the table is for those (most last arguments are not).
    if (arg.type !== AST_NODE_TYPES.ArrowFunctionExpression && arg.type !== AST_NODE_TYPES.FunctionExpression) return false;
    let answer = this.errbackCalls.get(call);
    if (answer === undefined) this.errbackCalls.set(call, (answer = isErrback(call, arg, this.isGlobal)));
    return answer;
  }

  private readonly errbackCalls = new Map<TSESTree.CallExpression, boolean>();

  /**
   * `new Promise((resolve) => { … })` runs its executor once; any other constructor may keep its callbacks. A global
   * constructor keeps nothing it is given ({@link KEEPING_CONSTRUCTORS} aside), a class the analysis does not follow
   * may keep anything.
   */
  onNew(node: TSESTree.NewExpression, fn: FunctionRecord): void {
    const callee = unwrapValue(node.callee);
    const once = callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Promise' && this.handles.isGlobal(callee);
    node.arguments.forEach((arg) => this.onArgument(fn, node, arg, once ? 'once' : 'owner'));
    // `new Wrapper(client)`: an object of a class the analysis does not follow owns the resource now.
    const root = callee.type === AST_NODE_TYPES.Identifier ? callee : undefined;
    const keeps = root !== undefined && KEEPING_CONSTRUCTORS.has(root.name) && this.handles.isGlobalOrImportedFrom(root, WEB_STREAM_MODULES);
    if (!root || !this.handles.isGlobal(root) || keeps) {
      const passed = new Set<Obligation>();
      for (const arg of node.arguments) for (const ob of this.handles.carried(arg, undefined, 'closures')) if (ob.kind.handsOnWhenPassed) passed.add(ob);
      // A stream's source releasing the reader in its own methods is the stream's doing, not this function's: the
      // new object owns it even though a release is written here.
      this.transfer(fn, passed, !keeps);
    }
  }


  /**
   * A resource passed to a function the analysis cannot follow is handed on (see `handsOnWhenPassed`) — unless the
   * function releases it itself somewhere, which says the callee only uses it.
   */
  private onUnknownCallee(call: TSESTree.CallExpression, fn: FunctionRecord, followed?: ReadonlySet<Obligation>): void {
    // Made only when something is passed: most calls pass nothing owed.
    let passed: Set<Obligation> | undefined;
    // A work-queue item is data, but passed together with its queue (`withDone(queue, key, work)`) the callee can mark
    // it done: a hand-off, as for a resource.
    let receivers: Set<string | undefined> | undefined;
    call.arguments.forEach((arg, index) => {
      for (const root of this.handles.carried(arg, undefined, this.argumentReach(call, index))) {
        if (followed?.has(root)) continue;
        if (root.kind.handsOnWhenPassed) (passed ??= new Set()).add(root);
        else if (root.receiverKey !== undefined) {
          receivers ??= new Set(call.arguments.map((other) => this.handles.accessKey(other)));
          if (receivers.has(root.receiverKey)) (passed ??= new Set()).add(root);
        }
      }
    });
    if (!passed || this.isLibraryCall(call)) return;
    // Unless this function releases the resource itself somewhere: then the callee only uses it
    // (`await use(resource); pool.release(resource)`).
    this.transfer(fn, passed, true);
  }

  /**
   * Which contexts made from resources an argument hands on (span-contexts.ts): a function that runs in one, given to
   * a call that may keep it (a listener's registration, an unknown function); none to a call that runs it now (an
   * iteration method, `context.with`, a timer).
   */
  private argumentReach(call: TSESTree.CallExpression, index: number): ContextReach {
    if (!this.handles.holdsContexts) return 'none';
    const events = this.listenerEvents(call);
    return callbackRole(call, index, events?.length === 1 ? events[0] : undefined, this.isGlobal) === 'owner' ? 'closures' : 'none';
  }

  /** A same-file helper handed the resource: what it does to its parameter. Whether the callee is one. */
  private onHelper(call: TSESTree.CallExpression, fn: FunctionRecord): boolean {
    // The helper may be declared (and walked) after the call: what it does is asked when the caller is solved.
    const callee = this.summaries.resolveCallee(call.callee);
    if (!callee || !isFunctionNode(callee)) return false;
    // tsc's down-levelled async helper with destructured parameters: its generator is given the helper's `arguments`.
    const body = helperBody(callee);
    const contained = new Set<Obligation>();
    call.arguments.forEach((arg, param) => {
      const direct = this.handles.handleOf(arg);
      for (const root of direct) {
        // A helper that never releases it but hands it on (`_handleResponse(span, …)` giving it to the code that ends
        // it) takes it where the rule cannot follow, as an unknown function would.
        this.effect(fn, root, call, () => {
          const summary = this.summaries.helperRelease(body, param);
          // Released only in closures the helper makes (a returned callback, a promise handler): handed on.
          if (summary === 'every' && !this.summaries.releasesInOwnBody(body, param)) return 'transfer';
          return summaryEffect(summary, root.kind.handsOnWhenPassed && this.summaries.paramHandedOn(body, param) ? 'transfer' : 'none');
        });
      }
      // Inside an array or object (`endSpans([span])`) the helper's parameter is not the resource: what the helper
      // does with it is not followed, so it is handed on, as to a function the analysis cannot see — unless the
      // helper destructures that property (`this._endSpan({ span, result })` to `_endSpan({ span, result })`): then
      // the property is its parameter, followed as one.
      if (this.summaries.closureOf(arg)) return;
      const inProperties = this.onPropertyArguments(fn, call, arg, body, param);
      for (const root of this.handles.carried(arg, undefined, 'closures')) {
        if (!direct.includes(root) && !inProperties.has(root) && root.kind.handsOnWhenPassed) contained.add(root);
      }
    });
    this.transfer(fn, contained, true);
    return true;
  }

  /** What the analysis knows of destructured parameters' properties (releases.ts), set by the analysis. */
  propertyParams:
    | {
        propertyParamObligation(fn: FunctionRecord, index: number, key: string): Obligation | undefined;
        releasesPropertyInOwnBody(fnNode: TSESTree.Node, index: number, key: string): boolean;
      }
    | undefined;

  /**
   * The handles an object literal argument gives, by a property, to a helper's destructured parameter of that name
   * (`_endSpan({ span, result })`): each followed as if passed as a parameter. The handles followed so.
   */
  private onPropertyArguments(fn: FunctionRecord, call: TSESTree.CallExpression, arg: TSESTree.Node, body: TSESTree.Node, param: number): ReadonlySet<Obligation> {
    const value = unwrapValue(arg);
    const slots = this.propertyParams;
    const declared = isFunctionNode(body) ? body.params[param] : undefined;
    const pattern = declared?.type === AST_NODE_TYPES.AssignmentPattern ? declared.left : declared;
    if (!slots || value.type !== AST_NODE_TYPES.ObjectExpression || pattern?.type !== AST_NODE_TYPES.ObjectPattern) return NO_OBLIGATIONS;
    const destructured = new Set(pattern.properties.map((property) => propertyName(property)));
    const followed = new Set<Obligation>();
    for (const property of value.properties) {
      const key = propertyName(property);
      if (key === undefined || property.type !== AST_NODE_TYPES.Property || !destructured.has(key)) continue;
      for (const root of this.handles.handleOf(property.value)) {
        followed.add(root);
        this.effect(fn, root, call, () => {
          const summary = this.summaries.releaseIn(body, (record) => slots.propertyParamObligation(record, param, key));
          if (summary === 'every' && !slots.releasesPropertyInOwnBody(body, param, key)) return 'transfer';
          // A helper that does not release it may hand it on: what it does with the property is not followed.
          return summaryEffect(summary, root.kind.handsOnWhenPassed ? 'transfer' : 'none');
        });
      }
    }
    return followed;
  }

  /**
   * A helper the options name, or (typed) one of another file of the program, that releases the parameter a handle
   * is passed at: as a same-file helper would. The handles it is known to release; the others are passed to an
   * unknown callee.
   */
  private onOtherFileHelper(call: TSESTree.CallExpression, fn: FunctionRecord): ReadonlySet<Obligation> | undefined {
    if (!call.arguments.some((arg) => this.handles.handleOf(arg).length > 0)) return undefined;
    const external = this.summaries.external(call);
    if (!external || external.releases.size === 0) return undefined;
    const followed = new Set<Obligation>();
    call.arguments.forEach((arg, param) => {
      const summary = external.releases.get(param);
      if (!summary || summary === 'none') return;
      for (const root of this.handles.handleOf(arg)) {
        if (external.kinds && !external.kinds.has(root.kind.id)) continue;
        followed.add(root);
        this.effect(fn, root, call, () => summaryEffect(summary, 'none'));
      }
    });
    return followed;
  }

  /** A closure (or a callable handle: a releaser function) given as an argument. */
  private onArgument(fn: FunctionRecord, call: TSESTree.Node, arg: TSESTree.Node, role: Role): void {
    const closure = this.summaries.closureOf(arg);
    if (closure) {
      this.onClosure(fn, closure, call, role);
      return;
    }
    if (role === 'none') return;
    for (const root of this.handles.handleOf(arg)) {
      if (!root.kind.callReleases) continue;
      this.effect(fn, root, call, () => {
        if (role === 'finish') return this.finishEffect(fn, root);
        if (role !== 'once') return 'transfer';
        return root.kind.idempotentCallRelease ? 'release-once' : 'release';
      });
    }
  }

  /** Releases the rule does not count because their closure runs once per element: for messages. */
  readonly iterationReleases = new Map<Obligation, { method: string; node: TSESTree.Node }>();

  /**
   * The closures whose effect the analysis resolved, each with the captured obligations it was resolved for: given
   * away where the function that acquired still held or had released that obligation (see `obligations.ts`, which
   * reports their own second releases). Per obligation: a closure given away where one capture is held and another
   * was never taken (a correlated flag's branch) doubles only the held one.
   */
  readonly reachedClosures = new Map<TSESTree.Node, Set<Obligation>>();

  /**
   * What a closure captures: known once it has been walked; a function declaration passed above it (hoisted:
   * `res.on('close', release); … function release() { q.done(item); }`) is asked by the variables it reads.
   */
  private capturedBy(closure: TSESTree.Node): Obligation[] {
    if (closure.type !== AST_NODE_TYPES.FunctionDeclaration || this.recorder.byNode.has(closure)) return this.owed.capturedBy(closure);
    return this.handles.capturedHandles(closure);
  }

  private onClosure(fn: FunctionRecord, closure: TSESTree.Node, node: TSESTree.Node, role: Role): void {
    if (closure === fn.node) return;
    const effect = (root: Obligation, at: TSESTree.Node, resolve: () => Effect): void =>
      this.effect(fn, root, at, () => {
        let roots = this.reachedClosures.get(closure);
        if (!roots) this.reachedClosures.set(closure, (roots = new Set()));
        roots.add(root);
        return resolve();
      });
    if (role === 'none') {
      const method = node.type === AST_NODE_TYPES.CallExpression ? methodCall(node)?.name : undefined;
      for (const root of this.capturedBy(closure)) {
        if (method && !this.iterationReleases.has(root)) this.iterationReleases.set(root, { method, node });
      }
      return;
    }
    const registration = node.type === AST_NODE_TYPES.CallExpression && this.listenerEvents(node) !== undefined ? node : undefined;
    for (const root of this.capturedBy(closure)) {
      if (role === 'owner' && registration) {
        effect(root, node, () => {
          const removed = this.revocation(fn, closure, root);
          if (!removed || this.summaries.closureRelease(closure, root) === 'none') return this.listenerHandOff(fn, registration, root) ?? 'transfer';
          this.removedListeners.set(node, removed);
          // Held on the outcome where the remover runs first, as a 'finish' listener is when the stream is destroyed.
          // Several such listeners of one resource (net's 'secureConnect' and 'error') are alternatives the remover
          // ends together: only the first can be a second release — unless the events of two of them both fire (two
          // 'end' listeners both run when the stream ends).
          const first = !this.revokedRoots.has(root);
          this.revokedRoots.add(root);
          if (this.releasesOnce(closure, root)) return 'release-on-finish-once';
          const partners = root.kind.listenersReleaseTwice ? this.coFiringListeners(fn, registration, root) : [];
          const second = earlierPartner(registration, partners);
          if (second) return { second, removable: true };
          if (!first) return 'release-on-finish-once';
          return partners.length > 0 ? 'paired-release-on-finish' : 'release-on-finish';
        });
      } else if (role === 'owner') effect(root, node, () => 'transfer');
      else if (role === 'finish') {
        effect(root, node, () => {
          const effect = this.finishEffect(fn, root);
          // Handed to it and a 'close' listener that releases too: both run when the stream finishes.
          if (effect === 'transfer' && registration) return this.listenerHandOff(fn, registration, root) ?? effect;
          // A 'finish' listener that never releases it itself (it hands it on) is a hand-off, as any listener is.
          if (effect !== 'release-on-finish') return effect;
          if (this.summaries.closureRelease(closure, root) === 'none') return 'transfer';
          return this.releasesOnce(closure, root) ? 'release-on-finish-once' : effect;
        });
      } else {
        effect(root, node, () => {
          // A completion callback that never releases it itself hands it on (`(err, rows) => done(err, client)`):
          // it took it where the rule cannot follow, as the function it was given to did before.
          if (role === 'errback' && !this.releasesWithin(closure, root)) return 'transfer';
          const summary = this.summaries.closureRelease(closure, root);
          if (summary === 'every') return this.releasesOnce(closure, root) ? 'release-once' : 'release';
          if (summary === 'none') return role === 'errback' ? 'transfer' : 'none';
          // Written, but on no path the closure takes (after a `try` that always returns, in a `catch` of a block
          // that cannot throw): it releases nothing, and what it captured is still owed here.
          if (!this.releaseReached(closure, root)) return 'none';
          // Released on some of the closure's paths: what is left held is reported at the closure's leaking exits.
          const leaks = this.summaries.closureLeaks(closure, root);
          return leaks.length > 0 ? { leaks } : 'maybe-release';
        });
      }
    }
  }

  /** A release (or hand-off) of `root` in the closure is reached on some path it takes. */
  private releaseReached(closure: TSESTree.Node, root: Obligation): boolean {
    const record = this.recorder.byNode.get(closure);
    const ob = record?.captures.get(root);
    if (!record || !ob) return true;
    return this.summaries.solve(record).releasesReached?.has(ob) ?? true;
  }

  /**
   * Chains whose rejection handler releases on some of its paths only (a call before the release may throw), by the
   * chain's top call: for the message, which then names the handler rather than a missing one.
   */
  readonly partialRejectionHandlers = new Map<TSESTree.Node, TSESTree.Node>();

  private notePartialRejectionHandler(links: readonly TSESTree.CallExpression[], root: Obligation, top: TSESTree.Node): void {
    for (const link of links) {
      const name = methodCall(link)?.name;
      const handler = name === 'catch' ? link.arguments[0] : name === 'then' ? link.arguments[1] : undefined;
      if (!handler) continue;
      const closure = this.summaries.closureOf(handler);
      if (closure && this.summaries.closureRelease(closure, root) === 'some') this.partialRejectionHandlers.set(top, handler);
      return;
    }
  }

  /** The handler of a chain link releases `root` on every path it runs. */
  private handlerReleases(handler: TSESTree.Node | undefined, root: Obligation): boolean {
    if (!handler || handler.type === AST_NODE_TYPES.SpreadElement) return false;
    const closure = this.summaries.closureOf(handler);
    if (closure) return this.summaries.closureRelease(closure, root) === 'every';
    return root.kind.callReleases && this.handles.handleOf(handler).includes(root);
  }

  /** The top of a promise chain: what its handlers do, on each outcome of the promise it starts from. */
  private onChain(top: TSESTree.CallExpression, fn: FunctionRecord): void {
    const links: TSESTree.CallExpression[] = [];
    let node: TSESTree.Node = top;
    for (;;) {
      const method = node.type === AST_NODE_TYPES.CallExpression ? methodCall(node, PROMISE_LINKS) : undefined;
      if (!method || node.type !== AST_NODE_TYPES.CallExpression) break;
      links.unshift(node);
      node = unwrapValue(method.object);
    }
    const roots = new Set<Obligation>();
    for (const link of links) {
      for (const arg of link.arguments) {
        const closure = this.summaries.closureOf(arg);
        for (const root of closure ? this.capturedBy(closure) : this.handles.handleOf(arg)) {
          if (closure || root.kind.callReleases) roots.add(root);
        }
      }
    }
    if (roots.size === 0) return;
    if (!settlesHere(top)) {
      this.transfer(fn, roots);
      return;
    }
    for (const root of roots) {
      this.effect(fn, root, top, () => {
        // Follow both outcomes of the first promise down the chain: which handlers run, and do they release.
        const outcome = (rejected: boolean): boolean => {
          let failing = rejected;
          let released = false;
          for (const link of links) {
            const name = methodCall(link)?.name;
            if (name === 'finally') {
              released ||= this.handlerReleases(link.arguments[0], root);
            } else if (name === 'then' && !failing) {
              released ||= this.handlerReleases(link.arguments[0], root);
            } else if (failing && (name === 'catch' || (name === 'then' && link.arguments[1]))) {
              const handler = name === 'catch' ? link.arguments[0] : link.arguments[1];
              released ||= this.handlerReleases(handler, root);
              failing = false;
            }
          }
          return released;
        };
        const onFulfil = outcome(false);
        const onReject = outcome(true);
        if (onFulfil && !onReject) this.notePartialRejectionHandler(links, root, top);
        if (onFulfil && onReject) return 'release';
        if (onFulfil) return 'release-on-fulfil';
        return 'maybe-release';
      });
    }
  }
}

function summaryEffect(summary: 'every' | 'some' | 'none', otherwise: Effect): Effect {
  if (summary === 'every') return 'release';
  if (summary === 'some') return 'maybe-release';
  return otherwise;
}

/**
 * The partner a second listener's report names: a registration before it (in source order, the one that registers
 * first), else the registration itself when it runs again. `undefined`: it is the first of its pairs.
 */
function earlierPartner(call: TSESTree.CallExpression, partners: readonly ListenerPairing[]): ListenerPairing | undefined {
  return partners.find((p) => p.partner !== call && p.partner.range[0] < call.range[0]) ?? partners.find((p) => p.partner === call);
}
