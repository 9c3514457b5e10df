/**
 * What is owed: which calls acquire, the obligation each makes, and the variables that name it (the handle, the
 * whole acquired value, the shutdown flag). Also the obligations a function starts with: a parameter a helper
 * releases, a resource a callback is handed, and — in a closure that releases an enclosing function's resource —
 * the obligation that stands for it there.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { elementLoop, elementSource } from './elements.js';
import type { Obligation, ObligationKind } from './events.js';
import type { HandleIndex } from './handles.js';
import type { FunctionRecord, Recorder } from './recorder.js';
import { isAwaitLike } from './down-level.js';
import { contains, defaultedOperand, isFunctionNode, isValueWrapper, unwrapAwaited, unwrapValue, wrappedValue } from './syntax.js';

export interface AcquireMatch {
  readonly kind: ObligationKind;
  /** The receiver whose release methods discharge it (`q` in `q.get()`). */
  readonly receiver: TSESTree.Node | undefined;
}

export interface OwedOptions {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  matchAcquire(call: TSESTree.CallExpression): AcquireMatch | undefined;
  isUnawaitedPromise?(call: TSESTree.CallExpression): boolean;
  onDiscarded(call: TSESTree.CallExpression, kind: ObligationKind): void;
  matchCallbackAcquire?(fn: TSESTree.Node): CallbackAcquireMatch | undefined;
  /** The call is an iterable (or a promise of one) each of whose elements is owed: `consumer.consume()`. */
  matchElementAcquire?(call: TSESTree.CallExpression): AcquireMatch | undefined;
}

export interface CallbackAcquireMatch {
  readonly call: TSESTree.CallExpression;
  readonly kind: ObligationKind;
  readonly param: number;
  /** The receiver whose release methods discharge it (`channel` in `channel.consume(q, (msg) => …)`). */
  readonly receiver?: TSESTree.Node;
}

const NO_OBLIGATIONS: ReadonlySet<Obligation> = new Set();

export class Owed {
  /** Acquiring calls already turned into obligations (a call in a loop is one obligation). */
  readonly byCall = new Map<TSESTree.CallExpression, Obligation>();

  /**
   * A call of a wrapper or factory (a function that returns a fresh acquire, in this file or, typed, in another):
   * an acquire in the caller. Asked only of calls the rule's own matcher does not recognise.
   */
  wrapperAcquire: (call: TSESTree.CallExpression) => AcquireMatch | undefined = () => undefined;

  constructor(
    private readonly options: OwedOptions,
    private readonly recorder: Recorder,
    private readonly handles: HandleIndex,
  ) {}

  create(
    fn: FunctionRecord,
    kind: ObligationKind,
    acquire: TSESTree.CallExpression | undefined,
    binding: TSESTree.Node,
    receiver: TSESTree.Node | undefined,
    capture?: Obligation,
  ): Obligation {
    const ob: Obligation = {
      id: fn.obligations.length,
      kind,
      fn,
      acquire,
      binding,
      receiverKey: capture ? capture.receiverKey : receiver && this.handles.accessKey(receiver),
      receiverNode: capture ? capture.receiverNode : receiver,
      handleVars: capture ? capture.handleVars : new Set(),
      resultVars: capture ? capture.resultVars : new Set(),
      flagVars: capture ? capture.flagVars : new Set(),
      capture,
    };
    fn.obligations.push(ob);
    return ob;
  }

  /**
   * The obligation that stands for `root` in `fn`: `root` itself in the function that acquired it; in a closure
   * nested inside that function, a capture held from the closure's entry. `undefined` elsewhere.
   */
  in(fn: FunctionRecord, root: Obligation): Obligation | undefined {
    if (root.fn === fn) return root;
    if (!contains(root.fn.node, fn.node)) return undefined;
    let ob = fn.captures.get(root);
    if (!ob) {
      ob = this.create(fn, root.kind, undefined, fn.node, undefined, root);
      fn.captures.set(root, ob);
      fn.entryObligations.push(ob);
      // The closures in between carry it too: `return (cb) => function () { span.end(); }` returns the span's end.
      for (const outer of this.recorder.open) {
        if (outer !== root.fn && outer !== fn && contains(root.fn.node, outer.node) && contains(outer.node, fn.node)) this.in(outer, root);
      }
    }
    return ob;
  }

  /** The obligations a function's closures capture, by root. */
  capturedBy(fnNode: TSESTree.Node): Obligation[] {
    const record = this.recorder.byNode.get(fnNode);
    return record ? [...record.captures.keys()] : [];
  }

  // ---- binding ----------------------------------------------------------------------------------------------

  /** Binds `pattern` (a declarator id or assignment target) to what `ob` acquired. Returns whether a handle was bound. */
  bindPattern(pattern: TSESTree.Node, ob: Obligation): boolean {
    const { handles } = this;
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
      const first = target.elements[0];
      // `const [...r] = …` copies the whole tuple.
      if (first?.type === AST_NODE_TYPES.RestElement) return this.bindPattern(first.argument, ob);
      bindElement(target.elements[handle.index], 'handle');
      if (flag) bindElement(target.elements[flag.index], 'flag');
    } else if (target.type === AST_NODE_TYPES.ObjectPattern) {
      for (const property of target.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
        const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String((property.key as TSESTree.Literal).value);
        if (key === handle.key || key === String(handle.index)) bindElement(property.value, 'handle');
        else if (flag && (key === flag.key || key === String(flag.index))) bindElement(property.value, 'flag');
      }
    }
    return bound;
  }

  /**
   * `const x = item`, `const [item, sd] = r`, `const item = r[0]`: more names for an existing obligation.
   * `const ctx = { client }` and `const finish = () => client.release()` name a container of it.
   */
  bindAliases(pattern: TSESTree.Node, value: TSESTree.Node): void {
    const { handles } = this;
    const target = pattern.type === AST_NODE_TYPES.AssignmentPattern ? pattern.left : pattern;
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = handles.resolve(target);
      if (!variable) return;
      for (const ob of handles.handleOf(value)) handles.addHandle(variable, ob);
      // `const span = childSpan ?? parentSpan`: wherever `childSpan` holds the resource, `span` is it.
      const defaulted = defaultedOperand(value);
      if (defaulted) for (const ob of handles.handleOf(defaulted)) handles.addHandle(variable, ob);
      for (const ob of handles.resultOf(value)) handles.addResult(variable, ob);
      for (const ob of handles.flagOf(value)) handles.addFlag(variable, ob);
      const inner = unwrapAwaited(value).inner;
      const carrying = inner.type === AST_NODE_TYPES.CallExpression ? handles.callCarries(inner) : undefined;
      const literal = inner.type === AST_NODE_TYPES.ObjectExpression || inner.type === AST_NODE_TYPES.ArrayExpression;
      if (literal || isFunctionNode(inner) || carrying) {
        // What it holds without the contexts made from resources, and those (`const spanContext = trace.setSpan(ctx,
        // span)`, a closure that reads one): the latter hand the resource on in fewer places (span-contexts.ts).
        const contained = literal || isFunctionNode(inner) ? handles.carried(inner, undefined, 'none') : NO_OBLIGATIONS;
        for (const ob of contained) handles.addContainer(variable, ob);
        const callable = isFunctionNode(inner) || carrying?.callable === true;
        for (const ob of handles.carried(inner)) if (!contained.has(ob)) handles.addContext(variable, ob, callable);
      }
      return;
    }
    for (const ob of handles.resultOf(value)) this.bindPattern(target, ob);
  }

  acquireFrom(
    value: TSESTree.Node | null | undefined,
  ): { call: TSESTree.CallExpression; match: AcquireMatch; awaited: boolean } | undefined {
    if (!value) return undefined;
    const { inner, awaited } = unwrapAwaited(value);
    if (inner.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const match = this.options.matchAcquire(inner) ?? this.wrapperAcquire(inner);
    return match && { call: inner, match, awaited };
  }

  /** The binding site of an acquire: a declarator or an assignment. */
  onBinding(node: TSESTree.Node, pattern: TSESTree.Node, value: TSESTree.Node | null | undefined): void {
    const fn = this.recorder.current;
    const loop = this.options.matchElementAcquire && elementLoop(node);
    if (loop) {
      this.onElement(loop, node, pattern);
      return;
    }
    if (fn && value && this.onAllSettledElements(fn, node, pattern, value)) return;
    const acquired = this.acquireFrom(value);
    if (!acquired) {
      if (value && fn && !this.handles.empty) this.bindAliases(pattern, value);
      return;
    }
    if (!fn) return;
    if (!acquired.awaited && this.options.isUnawaitedPromise?.(acquired.call)) return;
    // `this.client = await pool.connect()`: stored where it outlives the function, so handed on at once, as
    // `const c = await pool.connect(); this.client = c;` is by the store.
    const target = pattern.type === AST_NODE_TYPES.AssignmentPattern ? pattern.left : pattern;
    if (target.type === AST_NODE_TYPES.MemberExpression) return;
    // `reader = stream.getReader()` in a `recreate()` closure, into the enclosing function's `let reader`: stored in
    // a variable that outlives this function, where the enclosing function's other closures release it.
    if (node.type === AST_NODE_TYPES.AssignmentExpression && target.type === AST_NODE_TYPES.Identifier && this.declaredOutside(target, fn)) return;
    let ob = this.byCall.get(acquired.call) ?? this.reacquired(fn, node, pattern, acquired.match);
    const fresh = !ob;
    ob ??= this.create(fn, acquired.match.kind, acquired.call, node, acquired.match.receiver);
    this.byCall.set(acquired.call, ob);
    const bound = this.bindPattern(pattern, ob);
    if (fresh && !bound) {
      this.options.onDiscarded(acquired.call, ob.kind);
      return;
    }
    this.recorder.record({ type: 'acquire', ob, call: acquired.call });
    if (fresh) this.noteGuards(ob, fn, node, pattern);
    else ob.unguarded = true;
  }

  /** Obligations acquired only on one branch of an `if` testing a settled variable, by that variable's key. */
  private readonly guarded = new Map<string, { readonly ob: Obligation; readonly ranWhenTruthy: boolean }[]>();

  /**
   * `let childSpan; if (shouldCreateSpan) { childSpan = tracer.startSpan(…); }`, `const span = shouldTrace ?
   * tracer.startSpan(…) : undefined`, `traced && (span = tracer.startSpan(…))`: the acquire runs only where a test
   * found its operand truthy (or falsy). A test of a variable that cannot change in one run of the function from
   * that test on ({@link HandleIndex.settledKey}: never written again, or written only before it) says which. Only when this acquire is the one write of the variables it binds:
   * another write could bind another acquire to the same obligation, outside the test. `from` is the acquire (or its
   * binding): every `if`, `?:` and `&&`/`||`/`??` between it and the function counts.
   */
  private noteGuards(ob: Obligation, fn: FunctionRecord, from: TSESTree.Node, pattern: TSESTree.Node): void {
    const identifiers = patternIdentifiers(pattern);
    const singleWrite = (id: TSESTree.Identifier): boolean => {
      const variable = this.handles.resolve(id);
      return variable !== undefined && variable.defs.length === 1 && variable.references.filter((reference) => reference.isWrite()).length === 1;
    };
    if (identifiers.length === 0 || !identifiers.every(singleWrite)) return;
    for (let guard = this.guardsAbove(from, fn.node); guard; guard = guard.next) {
      for (const [operand, ranWhenTruthy] of guardTerms(guard.test, guard.ranWhenTruthy)) {
        const key = this.handles.settledKey(operand);
        if (key !== undefined) this.guarded.set(key, [...(this.guarded.get(key) ?? []), { ob, ranWhenTruthy }]);
      }
    }
  }

  /** Per function node: each node's {@link guardsAbove} (`null`: none), for the nodes a walk up has passed. */
  private readonly guardChains = new Map<TSESTree.Node, Map<TSESTree.Node, GuardLink | null>>();

  /**
   * The guards (`if`, `?:`, `&&`/`||` operands) between `node` and the function `fnNode`, innermost first. A node's
   * chain is its parent's own guard, if any, before the parent's chain, so each node's is computed once: an acquire
   * at depth k of a nest (items held across k nested `finally` blocks) costs the steps not walked before, not k, and
   * the nest is linear in its depth, not quadratic.
   */
  private guardsAbove(node: TSESTree.Node, fnNode: TSESTree.Node): GuardLink | null {
    let memo = this.guardChains.get(fnNode);
    if (!memo) this.guardChains.set(fnNode, (memo = new Map<TSESTree.Node, GuardLink | null>()));
    const path: TSESTree.Node[] = [];
    let chain: GuardLink | null = null;
    for (let inner = node; ; ) {
      const current = inner.parent;
      if (!current || current === fnNode) break;
      const known = memo.get(inner);
      if (known !== undefined) {
        chain = known;
        break;
      }
      path.push(inner);
      inner = current;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const inner = path[i] as TSESTree.Node;
      const guard = guardOf(inner.parent as TSESTree.Node, inner);
      if (guard) chain = { test: guard.test, ranWhenTruthy: guard.ranWhenTruthy, next: chain };
      memo.set(inner, chain);
    }
    return chain;
  }

  /** The acquires made only under one truthiness of the variable `node` reads. */
  guardedBy(node: TSESTree.Node): readonly { readonly ob: Obligation; readonly ranWhenTruthy: boolean }[] {
    if (this.guarded.size === 0) return [];
    // Only a settled variable guards (noteGuards): every later read of it finds the value the guard found.
    const key = this.handles.identityKey(node);
    return key === undefined ? [] : (this.guarded.get(key) ?? []);
  }

  /** The variable an identifier names is declared outside the function (an enclosing function's, or the module's). */
  private declaredOutside(identifier: TSESTree.Identifier, fn: FunctionRecord): boolean {
    const declared = this.handles.resolve(identifier)?.defs[0]?.name;
    return declared !== undefined && !contains(fn.node, declared);
  }

  /**
   * `const [a, b] = await Promise.all([pool.connect(), pool.connect()])`: one obligation per acquiring element, bound
   * to the pattern's element at the same index. Whether the binding was this shape.
   */
  private onAllSettledElements(fn: FunctionRecord, node: TSESTree.Node, pattern: TSESTree.Node, value: TSESTree.Node): boolean {
    const { inner, awaited } = unwrapAwaited(value);
    const target = pattern.type === AST_NODE_TYPES.AssignmentPattern ? pattern.left : pattern;
    if (!awaited || target.type !== AST_NODE_TYPES.ArrayPattern || inner.type !== AST_NODE_TYPES.CallExpression) return false;
    const callee = unwrapValue(inner.callee);
    const list = inner.arguments[0] && unwrapValue(inner.arguments[0]);
    if (
      callee.type !== AST_NODE_TYPES.MemberExpression ||
      callee.computed ||
      callee.object.type !== AST_NODE_TYPES.Identifier ||
      callee.object.name !== 'Promise' ||
      callee.property.name !== 'all' ||
      !this.handles.isGlobal(callee.object) ||
      list?.type !== AST_NODE_TYPES.ArrayExpression
    ) {
      return false;
    }
    let any = false;
    list.elements.forEach((element, index) => {
      const acquired = element && element.type !== AST_NODE_TYPES.SpreadElement ? this.acquireFrom(element) : undefined;
      const slot = target.elements[index];
      if (!acquired || this.byCall.has(acquired.call)) return;
      any = true;
      const ob = this.create(fn, acquired.match.kind, acquired.call, node, acquired.match.receiver);
      this.byCall.set(acquired.call, ob);
      if (!slot || slot.type === AST_NODE_TYPES.RestElement || !this.bindPattern(slot, ob)) {
        this.options.onDiscarded(acquired.call, ob.kind);
        return;
      }
      this.recorder.record({ type: 'acquire', ob, call: acquired.call });
    });
    return any;
  }

  /** Obligations acquired only when a value was missing (`existing ?? pool.connect()`), by that value's access key. */
  private readonly fallbacks = new Map<string, Obligation[]>();

  /** The conditional acquires `node` stands before: a test of it that finds a value finds nothing acquired. */
  fallbackOf(node: TSESTree.Node): readonly Obligation[] {
    if (this.fallbacks.size === 0) return [];
    const key = this.handles.accessKey(node);
    return key === undefined ? [] : (this.fallbacks.get(key) ?? []);
  }

  /** Conditional acquires by the declarator or assignment that binds them: both branches of a `?:` may acquire. */
  private readonly conditionalAt = new Map<TSESTree.Node, Obligation>();

  /**
   * `const client = existing ?? (await pool.connect())`, `existing || acquire()`, `const span = traced ?
   * tracer.startSpan(…) : undefined`, `traced && tracer.startSpan(…)` (nested too): an obligation only on the branch
   * that acquires, so it is taken where that operand completes (`node`: the acquiring call or its `await`). After `??`
   * or `||`, a later test of `existing` that finds a value is on a path that acquired nothing; a test of an invariant
   * condition says the same where it disagrees with the one that chose the branch ({@link noteGuards}).
   */
  onConditional(node: TSESTree.Node): void {
    const operand = wrappedValue(node);
    const fallbackTo: TSESTree.Node[] = [];
    let selected = false;
    let value: TSESTree.Node = operand;
    for (let parent = value.parent; parent; value = parent, parent = parent.parent) {
      if (isValueWrapper(parent)) continue;
      if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.right === value) {
        if (parent.operator === '&&') selected = true;
        else fallbackTo.push(parent.left);
      } else if (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== value) {
        selected = true;
      } else {
        break;
      }
    }
    if (value === operand) return;
    const site = value.parent;
    const pattern =
      site?.type === AST_NODE_TYPES.VariableDeclarator && site.init === value
        ? site.id
        : site?.type === AST_NODE_TYPES.AssignmentExpression && site.operator === '=' && site.right === value
          ? site.left
          : undefined;
    const fn = this.recorder.current;
    const acquired = this.acquireFrom(node);
    if (!site || !pattern || !fn || !acquired || this.byCall.has(acquired.call)) return;
    if (!acquired.awaited && this.options.isUnawaitedPromise?.(acquired.call)) return;
    // Stored where it outlives the function, as {@link onBinding} leaves it: handed on at once.
    if (selected && (pattern.type === AST_NODE_TYPES.MemberExpression || (pattern.type === AST_NODE_TYPES.Identifier && this.declaredOutside(pattern, fn)))) return;
    // `tls ? startTlsSpan() : startTcpSpan()`: one resource whichever branch ran, no longer guarded by the test.
    const other = this.conditionalAt.get(site);
    if (other?.kind === acquired.match.kind) {
      this.byCall.set(acquired.call, other);
      other.unguarded = true;
      this.recorder.record({ type: 'acquire', ob: other, call: acquired.call });
      return;
    }
    const ob = this.create(fn, acquired.match.kind, acquired.call, site, acquired.match.receiver);
    ob.conditional = true;
    this.byCall.set(acquired.call, ob);
    if (!this.bindPattern(pattern, ob)) return;
    this.conditionalAt.set(site, ob);
    this.recorder.record({ type: 'acquire', ob, call: acquired.call });
    this.noteGuards(ob, fn, operand, pattern);
    for (const left of fallbackTo) {
      const key = this.handles.accessKey(left);
      if (key !== undefined) this.fallbacks.set(key, [...(this.fallbacks.get(key) ?? []), ob]);
    }
  }

  /**
   * `(await open(path)).fd`: an acquire whose property is read in place, with nothing bound to it, can never be
   * released. A method called on it in place is not judged: it may return the resource (a fluent API).
   */
  onCall(call: TSESTree.CallExpression): void {
    let use: TSESTree.Node = call;
    let awaited = false;
    while (isAwaitLike(use.parent) || (isValueWrapper(use.parent) && use.parent.type !== AST_NODE_TYPES.ChainExpression)) {
      awaited ||= isAwaitLike(use.parent);
      use = use.parent;
    }
    const member = use.parent;
    // `(await q.get())[0]` names an element: a binding this does not follow, not a use in place.
    if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== use || member.computed || this.byCall.has(call)) return;
    const name = member.property.name;
    // `pool.connect().then(…)`: a promise chain takes the value.
    if (!awaited && (name === 'then' || name === 'catch' || name === 'finally')) return;
    const match = this.options.matchAcquire(call) ?? this.wrapperAcquire(call);
    if (!match || (match.kind.handle !== 'self' && (name === match.kind.handle.key || name === String(match.kind.handle.index)))) return;
    if (!awaited && this.options.isUnawaitedPromise?.(call)) return;
    // A method call may return the resource itself (`tracer.startSpan(n).setAttributes(…)` is the span): only a
    // property read (`(await open(path)).fd`) surely drops it.
    if (member.parent.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member) return;
    this.options.onDiscarded(call, match.kind);
  }

  /**
   * `[key, shutdown] = await q.get()` into the variables an earlier get of the same queue was bound to (the next item
   * fetched at the bottom of a loop): the same obligation taken again, so a release written earlier in the loop
   * through those names releases it too. Taking it again while it is still held orphans the held one.
   */
  private reacquired(fn: FunctionRecord, node: TSESTree.Node, pattern: TSESTree.Node, match: AcquireMatch): Obligation | undefined {
    if (node.type !== AST_NODE_TYPES.AssignmentExpression) return undefined;
    const key = match.receiver && this.handles.accessKey(match.receiver);
    if (key === undefined) return undefined;
    for (const id of patternIdentifiers(pattern)) {
      const variable = this.handles.resolve(id);
      const previous = fn.obligations.find(
        (ob) => ob.acquire && ob.kind === match.kind && ob.receiverKey === key && variable && (ob.handleVars.has(variable) || ob.resultVars.has(variable)),
      );
      if (previous) return previous;
    }
    return undefined;
  }

  /**
   * `for (const m of owed)`: each iteration binds a new element, owed until the iteration ends. On the edge that
   * leaves the loop (the iterable is exhausted) there is no element.
   */
  private onElement(loop: TSESTree.ForOfStatement, node: TSESTree.Node, pattern: TSESTree.Node): void {
    const fn = this.recorder.current;
    const call = fn && elementSource(this.options.sourceCode, loop);
    const match = call && this.options.matchElementAcquire?.(call);
    if (!fn || !call || !match) return;
    let ob = this.byCall.get(call);
    // One obligation per loop: a second loop over the same `const` is another element obligation.
    if (!ob || ob.binding !== node) {
      ob = this.create(fn, match.kind, call, node, match.receiver);
      if (!this.byCall.has(call)) this.byCall.set(call, ob);
    }
    if (!this.bindPattern(pattern, ob)) return;
    this.recorder.record({ type: 'acquire', ob, call });
    this.recorder.refine({ ob, known: loop.body, knownTruthy: true, dropWhenTruthy: false });
  }

  /** An acquire whose value is dropped: an obligation only when an unbound acquire still holds (a mutex). */
  onStatement(node: TSESTree.ExpressionStatement): void {
    let expression = unwrapAwaited(node.expression).inner;
    if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === 'void') expression = expression.argument;
    const acquired = this.acquireFrom(expression);
    if (!acquired || this.byCall.has(acquired.call)) return;
    const fn = this.recorder.current;
    if (acquired.match.kind.unboundHolds && fn) {
      const ob = this.create(fn, acquired.match.kind, acquired.call, node, acquired.match.receiver);
      this.byCall.set(acquired.call, ob);
      this.recorder.record({ type: 'acquire', ob });
      return;
    }
    this.options.onDiscarded(acquired.call, acquired.match.kind);
  }

  /** A function handed a resource it must release: `tracer.startActiveSpan(name, (span) => { … })`. */
  onFunction(node: TSESTree.Node): void {
    const match = this.options.matchCallbackAcquire?.(node);
    const fn = this.recorder.current;
    if (!match || !fn || fn.node !== node || !isFunctionNode(node)) return;
    const param = node.params[match.param];
    const name = param?.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
    if (name?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = this.handles.resolve(name);
    if (!variable) return;
    const ob = this.create(fn, match.kind, match.call, name, match.receiver);
    this.handles.addHandle(variable, ob);
    fn.entryObligations.push(ob);
  }
}

/** One guard of {@link Owed.guardsAbove}'s chain, then the guards further out. */
interface GuardLink {
  readonly test: TSESTree.Node;
  readonly ranWhenTruthy: boolean;
  readonly next: GuardLink | null;
}

/**
 * The test that decides whether `inner`, a child of `node`, runs, and under which truthiness of it: an `if` branch,
 * a `?:` branch, the right operand of `&&` (a truthy left), `||` or `??` (a falsy left: a nullish one is falsy).
 */
function guardOf(node: TSESTree.Node, inner: TSESTree.Node): { test: TSESTree.Node; ranWhenTruthy: boolean } | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return inner === node.test ? undefined : { test: node.test, ranWhenTruthy: inner === node.consequent };
    case AST_NODE_TYPES.LogicalExpression:
      return inner === node.right ? { test: node.left, ranWhenTruthy: node.operator === '&&' } : undefined;
    default:
      return undefined;
  }
}

/**
 * The operands whose truthiness a test's outcome fixes, through `!`: `a && b` found truthy means both were, `a || b`
 * found falsy means both were. A test read as truthy `ranWhenTruthy`.
 */
function guardTerms(test: TSESTree.Node, ranWhenTruthy: boolean): [TSESTree.Node, boolean][] {
  const value = unwrapValue(test);
  if (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === '!') return guardTerms(value.argument, !ranWhenTruthy);
  if (value.type === AST_NODE_TYPES.LogicalExpression && value.operator === (ranWhenTruthy ? '&&' : '||')) {
    return [...guardTerms(value.left, ranWhenTruthy), ...guardTerms(value.right, ranWhenTruthy)];
  }
  return [[value, ranWhenTruthy]];
}

/** The identifiers an assignment target writes. */
export function patternIdentifiers(node: TSESTree.Node): TSESTree.Identifier[] {
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
