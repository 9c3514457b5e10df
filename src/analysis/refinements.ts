/**
 * What refines a path: branch conditions after which there is nothing to release. `shutdown`, `r.shutdown`,
 * `item === undefined`, `!item`, `msg === null`, `!span.isRecording()` (a kind's `nothingOwedWhenFalse`), and the
 * operands of `||`/`&&` with one of them: on the branch where the test says "nothing held", the obligation is dropped
 * from the path's state.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isAwaitLike } from './down-level.js';
import { type Obligation, type Refinement, rootOf, type Variable } from './events.js';
import type { HandleIndex } from './handles.js';
import type { FunctionRecord, Recorder } from './recorder.js';
import { branchSite, branchTarget, contains, isFunctionNode, methodCall, unwrapAwaited, unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

/** `flag = true` → `flag`. */
function flagWriteTarget(node: TSESTree.Node): TSESTree.Identifier | undefined {
  if (node.type !== AST_NODE_TYPES.AssignmentExpression || node.operator !== '=' || node.left.type !== AST_NODE_TYPES.Identifier) return undefined;
  return node.right.type === AST_NODE_TYPES.Literal && node.right.value === true ? node.left : undefined;
}

/**
 * The expression statements next to `statement` in its block or `case`, up to the first statement of another kind
 * on either side (the statement itself left out).
 */
function statementsAround(statement: TSESTree.ExpressionStatement): TSESTree.ExpressionStatement[] {
  const owner = statement.parent;
  const siblings: readonly TSESTree.Node[] =
    owner.type === AST_NODE_TYPES.BlockStatement ? owner.body : owner.type === AST_NODE_TYPES.SwitchCase ? owner.consequent : [];
  const at = siblings.indexOf(statement);
  const around: TSESTree.ExpressionStatement[] = [];
  for (let index = at + 1; siblings[index]?.type === AST_NODE_TYPES.ExpressionStatement; index++) around.push(siblings[index] as TSESTree.ExpressionStatement);
  for (let index = at - 1; index >= 0 && siblings[index]?.type === AST_NODE_TYPES.ExpressionStatement; index--) around.push(siblings[index] as TSESTree.ExpressionStatement);
  return around;
}

/** `return;`, or a block holding only that. */
function isBareReturn(node: TSESTree.Statement): boolean {
  if (node.type === AST_NODE_TYPES.ReturnStatement) return node.argument === null;
  return node.type === AST_NODE_TYPES.BlockStatement && node.body.length === 1 && isBareReturn(node.body[0] as TSESTree.Statement);
}

function isFalsyLiteral(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'undefined';
  return node.type === AST_NODE_TYPES.Literal && !node.value;
}

/** What the refinements need from the rest of the analysis. */
export interface RefinementDeps {
  readonly recorder: Recorder;
  readonly handles: HandleIndex;
  /** `call` releases `root` (the obligation acquired, not a closure's capture of it). */
  isReleaseCallOf(call: TSESTree.CallExpression, root: Obligation): boolean;
  /** The obligation standing for `root` in `fn` (a closure's capture of it), if `fn` can hold it. */
  holdIn(fn: FunctionRecord, root: Obligation): Obligation | undefined;
  /** Conditional acquires made when this value was missing (`existing ?? acquire()`): a value found, none made. */
  readonly fallbackOf?: (node: TSESTree.Node) => readonly Obligation[];
  /** Acquires made only under one truthiness of the variable a node reads (`if (flag) { span = acquire(); }`). */
  readonly guardedBy?: (node: TSESTree.Node) => readonly { readonly ob: Obligation; readonly ranWhenTruthy: boolean }[];
  /** The closure an argument or callee names (a function written in place, or a `const` bound to one). */
  readonly closureOf?: (node: TSESTree.Node) => TSESTree.Node | undefined;
  /** A tested parameter of `fn` that the function releases: its obligation is made now, before the release. */
  readonly parameterTested?: (fn: FunctionRecord, node: TSESTree.Node) => void;
}

interface BlockTests {
  /** Stable key of the tested expression → the `if`s testing it, in order, with the polarity of their test. */
  readonly byKey: Map<string, { readonly index: number; readonly statement: TSESTree.IfStatement; readonly polarity: boolean }[]>;
  readonly order: Map<TSESTree.IfStatement, number>;
}

interface Tested {
  readonly ob: Obligation;
  /** Drop the obligation when the tested node is truthy (`shutdown`) or falsy (`item`). */
  readonly dropWhenTruthy: boolean;
  readonly guard?: Obligation;
}

export class Refinements {
  private readonly recorder: Recorder;
  private readonly handles: HandleIndex;
  private readonly releaseFlags = new Map<Variable, readonly Obligation[]>();
  /** Conditional acquires made when this value was missing (`existing ?? acquire()`): a value found, none made. */
  private readonly fallbackOf: (node: TSESTree.Node) => readonly Obligation[];

  constructor(private readonly deps: RefinementDeps) {
    this.recorder = deps.recorder;
    this.handles = deps.handles;
    this.fallbackOf = deps.fallbackOf ?? (() => []);
  }

  /** Refinements of a wrapped test (`!shutdown`), waiting for the wrapper's evaluation to end ({@link branchSite}). */
  private readonly pendingAt = new Map<TSESTree.Node, Refinement[]>();

  /** Listeners: the nodes that can be branch conditions. */
  listeners(): Record<string, (node: never) => void> {
    const { handles } = this;
    const flush = (node: TSESTree.Node): void => {
      const pending = this.pendingAt.get(node);
      if (!pending) return;
      this.pendingAt.delete(node);
      for (const refinement of pending) this.recorder.refine(refinement);
    };
    return {
      'UnaryExpression:exit': flush,
      'TSNonNullExpression:exit': flush,
      'TSAsExpression:exit': flush,
      'Identifier:exit': (node: TSESTree.Identifier) => {
        if (!branchTarget(node)) return;
        // A helper's parameter may be the first handle of the file (a helper declared before its callers).
        this.noteTestedParameter(node);
        if (!handles.empty) this.onTest(node, this.testedValue(node));
      },
      'MemberExpression:exit': (node: TSESTree.MemberExpression) => {
        // Inside `a?.b` the member is evaluated on one branch of the chain: the chain as a whole is the test.
        if (node.parent.type === AST_NODE_TYPES.ChainExpression) return;
        if (!handles.empty && branchTarget(node)) this.onTest(node, this.testedValue(node));
      },
      'ChainExpression:exit': (node: TSESTree.ChainExpression) => {
        flush(node);
        if (!handles.empty && node.expression.type === AST_NODE_TYPES.MemberExpression && branchTarget(node)) {
          this.onTest(node, this.testedValue(node));
        }
      },
      'BinaryExpression:exit': (node: TSESTree.BinaryExpression) => {
        if (!branchTarget(node)) return;
        this.noteTestedParameter(typeofOperand(node.left));
        this.noteTestedParameter(typeofOperand(node.right));
        if (!handles.empty) this.onTest(node, this.testedComparison(node));
      },
      'CallExpression:exit': (node: TSESTree.CallExpression) => {
        if (!handles.empty && branchTarget(node)) this.onTest(node, this.testedCall(node));
      },
    };
  }

  private onTest(node: TSESTree.Node, drop: readonly Tested[]): void {
    if (drop.length === 0) return;
    const branch = branchTarget(node);
    if (!branch) return;
    const refinements = drop.map(
      ({ ob, dropWhenTruthy, guard }): Refinement => ({ ob, known: branch.known, knownTruthy: branch.truthy, dropWhenTruthy, ...(guard ? { guard } : {}) }),
    );
    // `try { if (!shutdown) … }`: ESLint ends the segment holding `shutdown` at the `!`, and its one edge is no branch.
    const site = branchSite(node);
    if (site === node) for (const refinement of refinements) this.recorder.refine(refinement);
    else this.pendingAt.set(site, [...(this.pendingAt.get(site) ?? []), ...refinements]);
  }

  /**
   * `shutdown`, `r.shutdown` → no item when truthy; `item`, `r` → no item when falsy; a release flag → released when
   * truthy.
   */
  private testedValue(node: TSESTree.Node): Tested[] {
    return [
      ...this.handles.flagOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
      ...this.handles.handleOf(node).map((ob) => ({ ob, dropWhenTruthy: false })),
      // `const r = ready ? await q.get() : undefined; if (!r) return;`: what a get gives is a tuple, never falsy.
      ...this.handles
        .resultOf(node)
        .filter((ob) => ob.kind.handle !== 'self')
        .map((ob) => ({ ob, dropWhenTruthy: false })),
      ...this.releaseFlagOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
      ...this.correlatedStores(node),
      ...this.fallbackOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
      ...this.guardedAcquires(node),
    ];
  }

  private noteTestedParameter(node: TSESTree.Node): void {
    const fn = this.recorder.current;
    if (fn && this.deps.parameterTested) this.deps.parameterTested(fn, node);
  }

  /**
   * `if (shouldCreateSpan) { childSpan = tracer.startSpan(…); } … if (shouldCreateSpan) span.end();`: the variable
   * cannot change in between, so where the second test disagrees with the first nothing was acquired. The
   * obligation, as the function testing it holds it, is dropped on that branch.
   */
  private guardedAcquires(node: TSESTree.Node): Tested[] {
    const fn = this.recorder.current;
    const guarded = this.deps.guardedBy;
    if (!fn || !guarded) return [];
    return guarded(node).flatMap(({ ob, ranWhenTruthy }) => {
      const held = this.deps.holdIn(fn, ob);
      return held ? [{ ob: held, dropWhenTruthy: !ranWhenTruthy, guard: ob }] : [];
    });
  }

  /**
   * `if (!options?.noAck) { msg[SPAN] = span; } … if (options?.noAck) span.end();`: one stable test twice in a
   * block. Where the second test says the first `if`'s block ran, that block stored the resource (it holds only
   * expression statements, one of them the store): it is handed on, so the branch the second test sends it down owes
   * nothing. Without this the rule would follow the impossible path on which the two tests disagree. Stable: a chain
   * of plain property reads from a variable that is never assigned after its declaration.
   */
  private correlatedStores(node: TSESTree.Node): Tested[] {
    const fn = this.recorder.current;
    const key = fn && this.handles.stableKey(node);
    if (!fn || key === undefined) return [];
    let statement: TSESTree.Node | undefined = node.parent;
    while (statement && statement.type !== AST_NODE_TYPES.IfStatement && !isFunctionNode(statement)) statement = statement.parent;
    if (statement?.type !== AST_NODE_TYPES.IfStatement || !contains(statement.test, node) || statement.parent.type !== AST_NODE_TYPES.BlockStatement) {
      return [];
    }
    const tests = this.testsOf(statement.parent);
    const at = tests.order.get(statement) ?? -1;
    const tested: Tested[] = [];
    for (const { index, statement: earlier, polarity } of tests.byKey.get(key) ?? []) {
      if (index >= at) break;
      const branches: [TSESTree.Statement | null, boolean][] = [
        [earlier.consequent, polarity],
        [earlier.alternate, !polarity],
      ];
      for (const [block, ranWhenTruthy] of branches) {
        for (const root of this.storedIn(block)) {
          const held = this.deps.holdIn(fn, root);
          if (held) tested.push({ ob: held, dropWhenTruthy: ranWhenTruthy });
        }
      }
    }
    return tested;
  }

  private readonly blockTests = new Map<TSESTree.BlockStatement, BlockTests>();

  /**
   * The `if` statements of a block by the stable expression each tests (through `!`s), in order: read once per
   * block, so a block of thousands of `if`s costs one pass, not one per test.
   */
  private testsOf(block: TSESTree.BlockStatement): BlockTests {
    let tests = this.blockTests.get(block);
    if (tests) return tests;
    tests = { byKey: new Map(), order: new Map() };
    for (const [index, statement] of block.body.entries()) {
      if (statement.type !== AST_NODE_TYPES.IfStatement) continue;
      tests.order.set(statement, index);
      let value = unwrapValue(statement.test);
      let polarity = true;
      while (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === '!') {
        polarity = !polarity;
        value = unwrapValue(value.argument);
      }
      const key = this.handles.stableKey(value);
      if (key === undefined) continue;
      let list = tests.byKey.get(key);
      if (!list) tests.byKey.set(key, (list = []));
      list.push({ index, statement, polarity });
    }
    this.blockTests.set(block, tests);
    return tests;
  }

  /** The obligations a block of expression statements stores on an object's property (`msg[SPAN] = span`). */
  private storedIn(block: TSESTree.Statement | null): Obligation[] {
    if (!block) return [];
    const statements = block.type === AST_NODE_TYPES.BlockStatement ? block.body : [block];
    if (!statements.every((statement) => statement.type === AST_NODE_TYPES.ExpressionStatement)) return [];
    return statements.flatMap((statement) => {
      const { expression } = statement;
      if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.left.type !== AST_NODE_TYPES.MemberExpression) return [];
      return this.handles.handleOf(expression.right).filter((ob) => !ob.capture);
    });
  }

  /**
   * `let released = false; … released = true; client.release();`: a variable set only next to a release of the
   * resource says, when truthy, that the release has run (or is running) — the guard of a release-once helper
   * (`if (released) return;`) or of a `finally` that must not release what a listener already did. The obligation,
   * as the function testing it holds it, is dropped on that branch.
   */
  private releaseFlagOf(node: TSESTree.Node): Obligation[] {
    const value = unwrapValue(node);
    const fn = this.recorder.current;
    if (value.type !== AST_NODE_TYPES.Identifier || !fn) return [];
    const variable = this.handles.resolve(value);
    if (!variable) return [];
    let roots = this.releaseFlags.get(variable);
    if (!roots) this.releaseFlags.set(variable, (roots = this.releasedAfterEveryWrite(variable)));
    return roots.flatMap((root) => {
      const held = this.deps.holdIn(fn, root);
      return held ? [held] : [];
    });
  }

  /**
   * A release-once closure: `const release = () => { if (released) return; released = true; client.release(); }`,
   * where `released` is a release flag of the resource and every release of it anywhere sets the flag (a flagged
   * release, or a call of this closure). Called again, it returns at once: no second release. A release that does
   * not set the flag (`if (!released) client.release()` in a `finally`) makes a later call release again, so it
   * disqualifies the closure.
   */
  releasesOnce(closure: TSESTree.Node, root: Obligation): boolean {
    let byRoot = this.onceClosures.get(closure);
    if (!byRoot) this.onceClosures.set(closure, (byRoot = new Map<Obligation, boolean>()));
    let answer = byRoot.get(root);
    if (answer === undefined) byRoot.set(root, (answer = this.computeReleasesOnce(closure, root)));
    return answer;
  }

  private readonly onceClosures = new Map<TSESTree.Node, Map<Obligation, boolean>>();

  private computeReleasesOnce(closure: TSESTree.Node, root: Obligation): boolean {
    if (!isFunctionNode(closure) || closure.body.type !== AST_NODE_TYPES.BlockStatement) return false;
    const flag = onceGuardFlag(closure.body);
    const variable = flag ? this.handles.resolve(flag) : undefined;
    if (!variable) return false;
    let roots = this.releaseFlags.get(variable);
    if (!roots) this.releaseFlags.set(variable, (roots = this.releasedAfterEveryWrite(variable)));
    if (!roots.includes(root)) return false;
    for (const fn of this.recorder.functions) {
      for (const segment of fn.segments.values()) {
        for (const event of segment.events) {
          if ((event.type !== 'release' && event.type !== 'effect') || rootOf(event.ob) !== root) continue;
          if (event.type === 'release' ? !this.setsFlag(event.node, variable) : !this.effectCovered(event.node, closure, root)) return false;
        }
      }
    }
    return true;
  }

  /** The release statement has a `flag = true;` in the run of expression statements around it. */
  private setsFlag(release: TSESTree.Node, variable: Variable): boolean {
    let statement: TSESTree.Node | undefined = release.parent;
    while (statement && (isAwaitLike(statement) || statement.type === AST_NODE_TYPES.ChainExpression)) statement = statement.parent;
    if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    return statementsAround(statement).some((next) => {
      const target = flagWriteTarget(next.expression);
      return target !== undefined && this.handles.resolve(target) === variable;
    });
  }

  /**
   * An indirect release of `root` that cannot make a second one: a call that runs the closure or hands it to something
   * that may run it (`res.once('finish', end)`, `removeListener('finish', end)`) — however often it runs, it releases
   * at most once — or a hand-off to other closures, whose own release calls are checked as release events. A helper
   * given the resource itself may release it unflagged.
   */
  private effectCovered(node: TSESTree.Node, closure: TSESTree.Node, root: Obligation): boolean {
    const closureOf = this.deps.closureOf;
    if (node.type !== AST_NODE_TYPES.CallExpression || !closureOf) return false;
    if (closureOf(node.callee) === closure || node.arguments.some((arg) => closureOf(arg) === closure)) return true;
    if (node.arguments.some((arg) => this.handles.handleOf(arg).some((ob) => rootOf(ob) === root))) return false;
    return node.arguments.some((arg) => closureOf(arg) !== undefined);
  }

  /** The obligations released right after every write of `variable`, if each write is `variable = true`. */
  private releasedAfterEveryWrite(variable: Variable): Obligation[] {
    const def = variable.defs[0];
    if (variable.defs.length !== 1 || def?.type !== DefinitionType.Variable || def.parent.kind === 'const') return [];
    if (def.node.init && !isFalsyLiteral(def.node.init)) return [];
    const writes = variable.references.filter((reference) => reference.isWrite() && reference.identifier !== def.name);
    let common: Obligation[] | undefined;
    for (const write of writes) {
      const released = this.releasedAfterWrite(write.identifier);
      common = common ? common.filter((ob) => released.includes(ob)) : released;
      if (common.length === 0) return [];
    }
    return common ?? [];
  }

  /**
   * `flag = true;` next to a release statement: in the same block, with only expression statements between them
   * (`released = true; client.release();` or `span.end(); ended = true;`).
   */
  private releasedAfterWrite(identifier: TSESTree.Node): Obligation[] {
    const assignment = identifier.parent;
    const statement = assignment?.parent;
    if (!assignment || flagWriteTarget(assignment) !== identifier || statement?.type !== AST_NODE_TYPES.ExpressionStatement) return [];
    const released: Obligation[] = [];
    // The run of expression statements around the write: `span.end(); ended = true;` says the same.
    for (const next of statementsAround(statement)) {
      const call = unwrapAwaited(next.expression).inner;
      if (call.type !== AST_NODE_TYPES.CallExpression) continue;
      for (const ob of this.candidates(call)) if (!ob.capture && this.deps.isReleaseCallOf(call, ob)) released.push(ob);
    }
    return released;
  }

  /** The obligations a call could release: those its receiver, callee or first argument names. */
  private candidates(call: TSESTree.CallExpression): readonly Obligation[] {
    const callee = unwrapValue(call.callee);
    const named = [...this.handles.handleOf(callee), ...(call.arguments[0] ? this.handles.handleOf(call.arguments[0]) : [])];
    if (callee.type === AST_NODE_TYPES.MemberExpression) named.push(...this.handles.handleOf(callee.object));
    return named;
  }

  /** `span.isRecording()` → nothing owed when falsy. */
  private testedCall(node: TSESTree.CallExpression): Tested[] {
    const method = methodCall(node);
    if (!method) return [];
    return this.handles
      .handleOf(method.object)
      .filter((ob) => ob.kind.nothingOwedWhenFalse?.has(method.name))
      .map((ob) => ({ ob, dropWhenTruthy: false }));
  }

  private testedComparison(node: TSESTree.BinaryExpression): Tested[] {
    const { handles } = this;
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
        // `shutdown === true`, `ended === false`; and `msg === false` for an acquire that yields `false` when there is
        // nothing.
        const flagged = [...handles.flagOf(subject), ...this.releaseFlagOf(subject)].map((ob) => ({ ob, dropWhenTruthy: literal !== negated }));
        if (flagged.length > 0 || literal) return flagged;
        return handles.handleOf(subject).map((ob) => ({ ob, dropWhenTruthy: !negated }));
      }
      if (isUndefined || (other.type === AST_NODE_TYPES.Literal && other.value === null)) {
        return [
          ...this.missingWhenTrue(subject, negated),
          // `existing !== undefined`: the value was there, nothing was acquired.
          ...this.fallbackOf(subject).map((ob) => ({ ob, dropWhenTruthy: negated })),
        ];
      }
      if (subject.type === AST_NODE_TYPES.UnaryExpression && subject.operator === 'typeof' && literal === 'undefined') {
        return this.missingWhenTrue(subject.argument, negated);
      }
    }
    return [];
  }

  /**
   * `item === undefined`, `r == null`, `typeof r === 'undefined'` (`negated`: `!==`): where the value is missing
   * nothing was acquired into it — a handle, or the whole value a get gave (`const r = await q.get(); if (r ===
   * undefined) return;`), as `!r` already says for the latter.
   */
  private missingWhenTrue(subject: TSESTree.Node, negated: boolean): Tested[] {
    const wholeValues = this.handles.resultOf(subject).filter((ob) => ob.kind.handle !== 'self');
    return [...this.handles.handleOf(subject), ...wholeValues].map((ob) => ({ ob, dropWhenTruthy: !negated }));
  }

  /**
   * A test that is true only when there is no item: `shutdown`, `!item`, `item === undefined`, `!r` for the whole
   * value the get gave, or an `||` with one.
   */
  isShutdownTest(node: TSESTree.Node, ob: Obligation): boolean {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.LogicalExpression && value.operator === '||') {
      return this.isShutdownTest(value.left, ob) || this.isShutdownTest(value.right, ob);
    }
    if (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === '!') {
      return this.handles.handleOf(value.argument).includes(ob) || this.handles.resultOf(value.argument).includes(ob);
    }
    if (value.type === AST_NODE_TYPES.BinaryExpression) {
      return this.testedComparison(value).some((test) => test.ob === ob && test.dropWhenTruthy);
    }
    return this.handles.flagOf(value).includes(ob);
  }
}

/**
 * The flag a release-once closure tests first: `if (flag) return; …`, or a body that is one
 * `if (!flag) { … }` / `if (flag === false) { … }` without an `else`.
 */
function onceGuardFlag(body: TSESTree.BlockStatement): TSESTree.Identifier | undefined {
  const guard = body.body[0];
  if (guard?.type !== AST_NODE_TYPES.IfStatement || guard.alternate) return undefined;
  const test = unwrapValue(guard.test);
  if (isBareReturn(guard.consequent)) return test.type === AST_NODE_TYPES.Identifier ? test : undefined;
  if (body.body.length !== 1) return undefined;
  if (test.type === AST_NODE_TYPES.UnaryExpression && test.operator === '!') {
    const operand = unwrapValue(test.argument);
    return operand.type === AST_NODE_TYPES.Identifier ? operand : undefined;
  }
  if (test.type === AST_NODE_TYPES.BinaryExpression && (test.operator === '===' || test.operator === '==')) {
    const [left, right] = [unwrapValue(test.left), unwrapValue(test.right)];
    if (left.type === AST_NODE_TYPES.Identifier && isFalseLiteral(right)) return left;
    if (right.type === AST_NODE_TYPES.Identifier && isFalseLiteral(left)) return right;
  }
  return undefined;
}

/** `span` for `typeof span`: the operand a parameter test compares (`typeof span === 'undefined'`). */
function typeofOperand(node: TSESTree.Node): TSESTree.Node {
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'typeof' ? node.argument : node;
}

function isFalseLiteral(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && node.value === false;
}
