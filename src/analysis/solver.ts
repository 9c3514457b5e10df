/**
 * The obligation dataflow over one function's code path segments.
 *
 * State: for each obligation of the function, the set of abstract states it may be in on the paths reaching a point
 * (bits PENDING / CLOBBERED / RELEASED / REJECTED / HANDED / LISTENED; 0 = not held). States only grow, so a worklist reaches the fixpoint; a segment
 * is revisited only when its input grows, which bounds the work by segments × (bits per obligation), never path
 * enumeration. A state lists only the obligations held or released there, and a release is forgotten once nothing
 * after it can notice, so a segment costs what is held at it, not what the function takes.
 *
 * Normal control flow follows ESLint's segments. Abrupt exits are routed by {@link Router}: a `finally` block acts on
 * an obligation as a function of the state it enters with, computed once per (block, obligation, state bit) by running
 * the same dataflow over the block's own segments (a block that cannot touch the obligation passes it through), and
 * what crossing a whole route does is remembered per route, whose tail is shared with every route nested in it. Exceptions land in the catch clause's entry segments, which get no
 * input from ESLint's own throw edges (those exist for the first throwable node only).
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import {
  type AnalysisEvent,
  type AnalysisResult,
  type Effect,
  type Exit,
  isImplicitExit,
  type Obligation,
  type SecondListenerRelease,
  type Terminator,
  CLOBBERED,
  DONE,
  HANDED,
  LISTENED,
  type ListenerPairing,
  PENDING,
  REJECTED,
  RELEASED,
  STATE_BITS,
  UNRELEASED,
} from './events.js';
import { elementLoop, isElementOf } from './elements.js';
import type { CodePathSegment } from './code-path.js';
import type { FinallyRegion, FunctionRecord, SegmentRecord } from './recorder.js';
import { type Protector, type Route, Router } from './routing.js';
import { contains, isFunctionNode, isLoop, jumpTarget, loopBody, loopClosedAt } from './syntax.js';

export interface SolverHooks {
  /** Only `throw` statements throw (the `explicitThrowsOnly` option). */
  readonly explicitThrowsOnly: boolean;
  /**
   * The rule reads only the checkpoints reached (`bounded-retries`), and summaries read only leaks: a hand-off or
   * helper call reached with nothing unreleased is not resolved, since all it could add is a double release (no
   * effect turns a released or absent obligation back into an unreleased one; only an acquire does).
   */
  readonly checkpointsOnly?: boolean;
  /** The throw model: a recorded call, `new`, `await`… may throw. */
  mayThrow(node: TSESTree.Node): boolean;
  readonly router: Router;
  /** Disposing this `using` declaration releases the obligation. */
  usingReleases(declaration: TSESTree.VariableDeclaration, ob: Obligation): boolean;
  /** The function has a release call for the obligation somewhere. */
  releasedInFunction(ob: Obligation): boolean;
  /** `return <arg>` (or an arrow's expression body) hands the obligation to the caller. */
  returnTransfers(node: TSESTree.ReturnStatement | TSESTree.ArrowFunctionExpression, ob: Obligation): boolean;
  /** The implicit throw is a call in a `finally` that runs before that block's release of the obligation: the block. */
  skippedFinally?(exit: Exit, ob: Obligation): TSESTree.Node | undefined;
}

/**
 * The states of the obligations held (or released) on the paths reaching a point: only the non-zero ones, by id in
 * ascending order. A function may take thousands of obligations while holding a few at a time, so every operation
 * costs what is held, not what the function takes. Copies share their arrays until one of them changes (most
 * segments change nothing: a copy per segment and edge would be most of what the solver allocates).
 */
class State {
  private constructor(
    private ids: number[],
    private bits: number[],
    /** The arrays may be another state's too: copy them before writing. */
    private shared: boolean,
  ) {}

  static empty(): State {
    return new State([], [], false);
  }

  /** A state holding these (id, bits) pairs (ids ascending, no zero bits); the arrays are copied. */
  static of(ids: readonly number[], bits: readonly number[]): State {
    return new State(ids.slice(), bits.slice(), false);
  }

  get size(): number {
    return this.ids.length;
  }

  copy(): State {
    this.shared = true;
    return new State(this.ids, this.bits, true);
  }

  /** Makes the arrays this state's own before a write. */
  private own(): void {
    if (!this.shared) return;
    this.ids = this.ids.slice();
    this.bits = this.bits.slice();
    this.shared = false;
  }

  /** The index of `id`, or `-(insertion point) - 1`. */
  private find(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = ids[mid] as number;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  get(id: number): number {
    const index = this.find(id);
    return index >= 0 ? (this.bits[index] as number) : 0;
  }

  set(id: number, value: number): void {
    const index = this.find(id);
    if (index >= 0) {
      if (this.bits[index] === value) return;
      this.own();
      if (value) this.bits[index] = value;
      else {
        this.ids.splice(index, 1);
        this.bits.splice(index, 1);
      }
    } else if (value) {
      this.own();
      this.ids.splice(-index - 1, 0, id);
      this.bits.splice(-index - 1, 0, value);
    }
  }

  clear(): void {
    if (this.shared) {
      this.ids = [];
      this.bits = [];
      this.shared = false;
    } else {
      this.ids.length = 0;
      this.bits.length = 0;
    }
  }

  /** The ids held, ascending; read in place (the state must not change while they are read). */
  get idList(): readonly number[] {
    return this.ids;
  }

  /** The bits of each id of {@link idList}. */
  get bitList(): readonly number[] {
    return this.bits;
  }

  /** Some pair has one of these bits. */
  any(mask: number): boolean {
    const bits = this.bits;
    for (let i = 0; i < bits.length; i++) if ((bits[i] as number) & mask) return true;
    return false;
  }

  /** The (id, bits) pairs as they are now; changing the state while visiting them does not change the visit. */
  entries(): [ids: readonly number[], bits: readonly number[]] {
    // Shared with the state until it changes, which then copies them: the pairs stay as they were.
    this.shared = true;
    return [this.ids, this.bits];
  }

  /** Keeps `bits & keep(id)` of every pair, from the last pair back (so removing one does not skip another). */
  mask(keep: (id: number, bits: number) => number): void {
    for (let i = this.ids.length - 1; i >= 0; i--) {
      const held = this.bits[i] as number;
      const value = held & keep(this.ids[i] as number, held);
      if (value === held) continue;
      this.own();
      if (value) this.bits[i] = value;
      else {
        this.ids.splice(i, 1);
        this.bits.splice(i, 1);
      }
    }
  }

  /** Merges `other` in (bitwise or, id by id); whether anything grew. */
  join(other: State): boolean {
    const theirs = other.ids;
    const theirBits = other.bits;
    let changed = false;
    let i = 0;
    for (let j = 0; j < theirs.length; j++) {
      const id = theirs[j] as number;
      const value = theirBits[j] as number;
      while (i < this.ids.length && (this.ids[i] as number) < id) i++;
      if (i < this.ids.length && this.ids[i] === id) {
        const merged = (this.bits[i] as number) | value;
        if (merged !== this.bits[i]) {
          this.own();
          this.bits[i] = merged;
          changed = true;
        }
      } else {
        this.own();
        this.ids.splice(i, 0, id);
        this.bits.splice(i, 0, value);
        changed = true;
      }
      i++;
    }
    return changed;
  }
}

/** Marks a finally effect still being computed (beyond the state bits). */
const PROVISIONAL = 256;
/** Keys of (obligation, state bits) pairs: `id * KEY_STRIDE + bits`, above every combination of the state bits. */
const KEY_STRIDE = 64;
/** The states that matter only to a later event of the same obligation (a second release): forgotten after its last. */
const SETTLED = DONE | HANDED;

/** A segment's input in a run: the states reaching it, and whether it waits in the run's queue. */
interface Input {
  readonly segment: SegmentRecord;
  readonly state: State;
  queued: boolean;
}

/** One fixpoint computation: the whole function, or one `finally` block entered in a given state. */
class Run {
  /**
   * By the segment's index in its function: a map keyed by the records hashed each one and missed the CPU caches at
   * every edge (half of `join`'s time at 16,500 segments). A run of one `finally` block fills only its own indices.
   */
  private readonly inputs: (Input | undefined)[] = [];
  private queue: Input[] = [];
  private head = 0;
  exitOutput = 0;

  constructor(
    readonly parent: Run | undefined,
    readonly region: FinallyRegion | undefined,
    readonly watched: Obligation | undefined,
  ) {}

  includes(segment: SegmentRecord): boolean {
    return !this.region || this.region.members.has(segment);
  }

  /** Merges `state` into the segment's input. `owned`: the caller hands the state over and never uses it again. */
  join(segment: SegmentRecord, state: State, owned = false): void {
    const current = this.inputs[segment.index];
    if (!current) {
      const input: Input = { segment, state: owned ? state : state.copy(), queued: true };
      this.inputs[segment.index] = input;
      this.queue.push(input);
    } else if (current.state.join(state) && !current.queued) {
      current.queued = true;
      this.queue.push(current);
    }
  }

  next(): Input | undefined {
    // First in, first out, without the cost of Array#shift on a long queue.
    if (this.head >= this.queue.length) return undefined;
    const input = this.queue[this.head++] as Input;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    input.queued = false;
    return input;
  }
}

function exitPosition(exit: Exit): number {
  if (exit.type === 'callback') return exitPosition(exit.inner);
  return exit.type === 'function-end' || exit.type === 'iteration-end' ? exit.node.range[1] : exit.node.range[0];
}

/**
 * Every explicit exit is kept (a fix that closes one still leaves the others reported); implicit throws only when no
 * explicit exit leaks, and then only the first: one report per call that may throw would bury the real one. A call in
 * a `finally` that may skip the release written after it in that `finally` is a defect of its own, with a fix of its
 * own (postgraphile's `finally { await pgClient.query('commit'); pgClient.release(); }`): the first such call of each
 * `finally` is kept too.
 */
function reportedExits(exits: readonly Exit[], ob: Obligation, skippedFinally: SolverHooks['skippedFinally']): Exit[] {
  const byPosition = (a: Exit, b: Exit): number => exitPosition(a) - exitPosition(b);
  const explicit = exits.filter((exit) => !isImplicitExit(exit));
  const sorted = exits.slice().sort(byPosition);
  const chosen = explicit.length > 0 ? explicit : sorted.slice(0, 1);
  if (skippedFinally) {
    const blocks = new Set<TSESTree.Node>();
    for (const exit of sorted) {
      const block = isImplicitExit(exit) ? skippedFinally(exit, ob) : undefined;
      if (!block || blocks.has(block)) continue;
      blocks.add(block);
      if (!chosen.includes(exit)) chosen.push(exit);
    }
  }
  return chosen.sort(byPosition);
}

export class Solver {
  private readonly exits = new Map<Obligation, Exit[]>();
  private readonly exitsSeen = new Map<Obligation, Map<TSESTree.Node, Set<Exit['type']>>>();
  /**
   * Where an obligation was left held on one outcome: a promise chain if it rejects, a `'finish'` listener if the
   * stream is destroyed, the exits of a closure run once on which it does not release.
   */
  private readonly rejections = new Map<Obligation, readonly Exit[]>();
  private readonly effects = new Map<AnalysisEvent, Effect>();
  private readonly doubles = new Map<Obligation, TSESTree.Node[]>();
  /** The doubles that are a listener pair's second, by registration (see `AnalysisResult.listenerPairs`). */
  private readonly pairs = new Map<TSESTree.Node, ListenerPairing>();
  /** Second listeners also reached released on the path to them: reported as any second release. */
  private readonly releasedBefore = new Set<TSESTree.Node>();
  /** Obligations a release, hand-off or effect reached where they were held or released (see `AnalysisResult`). */
  private readonly reached = new Set<Obligation>();
  private readonly checkpoints = new Map<Obligation, TSESTree.CallExpression[]>();
  /** Per finally block: (obligation, entering state bit) → the states it leaves in; see {@link throughFinally}. */
  private readonly finallyEffects = new Map<TSESTree.BlockStatement, Map<number, number>>();
  /** Per route: (obligation, states) → the states after crossing it; see {@link cross}. */
  private readonly crossings = new Map<Route, Map<number, number>>();
  /** Per route: (state hash) → the states crossed with that hash and what crossing did to them; see {@link crossState}. */
  private readonly stateCrossings = new Map<Route, Map<number, { ids: readonly number[]; bits: readonly number[]; out: Crossed }[]>>();
  /** Per route: the obligations crossing it may change, a bit per id ({@link alongRoute}); `null`: any. */
  private readonly alongs = new Map<Route, Uint32Array | null>();
  /** Per route step: the obligations crossing it may change ({@link touchedBy}); `null`: any. */
  private readonly stepNames = new Map<readonly Protector[], ReadonlySet<Obligation> | null>();
  /** Per finally block: whether it may pass an obligation through untouched ({@link passesThrough}). */
  private readonly transparency = new Map<FinallyRegion, { opaque: boolean; names: Set<Obligation> }>();
  /** When {@link forgetSettled} may forget a release: see there. Built on first use. */
  private settling: { last: Int32Array; loops: TSESTree.Node[][] } | undefined;
  /** How many times a provisional finally effect was used. */
  private provisionalReads = 0;
  private readonly size: number;

  constructor(
    private readonly fn: FunctionRecord,
    private readonly hooks: SolverHooks,
  ) {
    this.size = fn.obligations.length;
  }

  solve(): AnalysisResult {
    const initial = this.fn.segments.get(this.fn.codePath.initialSegment);
    if (initial && this.size > 0) {
      const main = new Run(undefined, undefined, undefined);
      const state = State.empty();
      for (const ob of this.fn.entryObligations) state.set(ob.id, PENDING);
      main.join(initial, state);
      this.drain(main);
    }
    const leaks = new Map<Obligation, readonly Exit[]>();
    const skippedFinally = this.hooks.skippedFinally?.bind(this.hooks);
    for (const [ob, exits] of this.exits) leaks.set(ob, reportedExits(exits, ob, skippedFinally));
    return { leaks, doubles: this.doubles, listenerPairs: this.pairs, checkpoints: this.checkpoints, releasesReached: this.reached };
  }

  /**
   * The catch clauses of this function that take something themselves (`catch { const [item] = await q.get(); … }`).
   * A catch body is entered only by the exceptions the solver routes, and a throw with nothing held changes no state,
   * so it was routed nowhere: such a body was never analysed. An exception into one of these is routed even when
   * nothing is held. Computed once; empty in nearly every function, and then it costs nothing per throw point.
   */
  private acquiringCatchClauses: Set<TSESTree.CatchClause> | undefined;

  private acquiringCatches(): Set<TSESTree.CatchClause> {
    if (this.acquiringCatchClauses) return this.acquiringCatchClauses;
    const clauses = new Set<TSESTree.CatchClause>();
    for (const clause of this.fn.catchEntries.keys()) {
      if (this.fn.obligations.some((ob) => ob.acquire !== undefined && contains(clause, ob.acquire))) clauses.add(clause);
    }
    return (this.acquiringCatchClauses = clauses);
  }

  /** An exception at `node` with nothing held: it enters a catch only where that catch takes something itself. */
  private throwEmpty(node: TSESTree.Node, segment: SegmentRecord, run: Run, implicit: boolean): void {
    const catches = this.acquiringCatches();
    if (catches.size === 0) return;
    const route = this.hooks.router.throwFrom(node);
    if (route.destination.type !== 'catch' || !catches.has(route.destination.clause)) return;
    if (implicit && !this.hooks.mayThrow(node)) return;
    this.enterCatch(route.destination.clause, segment, run, State.empty());
  }

  private enterCatch(clause: TSESTree.CatchClause, segment: SegmentRecord, run: Run, state: State): void {
    const entries = this.fn.catchEntries.get(clause) ?? [];
    const sameLane = entries.filter((entry) => entry.lane === segment.lane);
    for (const entry of sameLane.length > 0 ? sameLane : entries) this.runFor(entry, run).join(entry, state);
  }

  private drain(run: Run): void {
    for (let input = run.next(); input; input = run.next()) this.execute(input.segment, input.state.copy(), run);
  }

  private execute(segment: SegmentRecord, state: State, run: Run): void {
    this.forgetSettled(segment, state);
    const events = segment.events;
    let first = 0;
    if (run.region?.entry.includes(segment)) {
      const block = run.region.block;
      first = events.findIndex((event) => event.type === 'finally-start' && event.block === block) + 1;
    }
    let terminated = false;
    for (let index = first; index < events.length && !terminated; index++) {
      const event = events[index] as AnalysisEvent;
      if (event.type === 'finally-end' && event.block === run.region?.block) {
        if (run.watched) run.exitOutput |= state.get(run.watched.id);
        return;
      }
      if (event.type === 'terminate') {
        // ESLint may keep recording into the segment after a jump (a throw at the end of a finally block).
        this.terminate(event.terminator, segment, state, run);
        terminated = true;
      } else {
        this.apply(event, state, segment, run);
      }
    }
    // ESLint draws no jump edge from a segment it deems unreachable (a finally entered only by a jump), and that
    // segment's other edges are not where the break/continue goes: send the state to the jump's target instead.
    if (terminated && !segment.segment.reachable) {
      const jump = events.find((event) => event.type === 'terminate');
      if (jump?.type === 'terminate' && (jump.terminator.type === 'break' || jump.terminator.type === 'continue')) {
        for (const target of this.jumpTargets(jump.terminator.node)) this.runFor(target, run).join(target, state);
      }
      return;
    }
    if (!terminated && segment.endNode === this.fn.node) {
      // An arrow's expression body is its return value: `(m) => ({ m, body })` hands `m` on, as `return` would.
      const arrow = this.fn.node.type === AST_NODE_TYPES.ArrowFunctionExpression && this.fn.node.expression ? this.fn.node : undefined;
      this.forEachHeld(state, (ob, bits) => {
        if (bits & UNRELEASED && !(arrow && this.hooks.returnTransfers(arrow, ob))) this.leak(ob, { type: 'function-end', node: this.fn.node }, bits);
      });
    }
    const nextSegments = segment.segment.allNextSegments;
    for (let i = 0; i < nextSegments.length; i++) {
      const nextSegment = nextSegments[i] as CodePathSegment;
      const next = this.fn.segments.get(nextSegment);
      // Edges into catch clauses and into the leaving copy of a finally block are ESLint's exception and return
      // paths; the analysis routes those exits itself.
      if (!next || next.role !== 'normal' || next.afterJump || this.entersCatchSideways(segment, next)) continue;
      // ESLint follows a jump with an unreachable continuation segment. Edges from a segment it deems unreachable are
      // kept, since the analysis reaches some of those (a catch entered by an implicit throw ESLint does not model).
      if (segment.segment.reachable && !nextSegment.reachable) continue;
      // The last edge takes the state itself: nothing reads it after this loop.
      const out = i === nextSegments.length - 1 ? state : state.copy();
      this.refine(segment, next, out);
      const loop = segment.loopEdges?.get(nextSegment);
      if (loop) this.closeIteration(loop, out);
      else if (this.elements.length > 0) this.leaveLoops(next, out);
      // A jump out of a finally block being summarised (its own break/continue) goes on in the enclosing run.
      this.runFor(next, run).join(next, out, true);
    }
  }

  /**
   * Forgets that an obligation was released once no path from this segment can reach anything that would notice:
   * a released state only matters to a later release of the same obligation (a double release), and all of the
   * obligation's events lie in segments ESLint made before this one, outside any loop or switch around them (the
   * only places where control goes back to an earlier segment; exceptions and jumps go to a catch, finally or
   * statement end after them). Without this a function with thousands of get/done pairs one after the other would
   * carry every released item to its end, and cost the square of its length.
   */
  private forgetSettled(segment: SegmentRecord, state: State): void {
    if (!state.any(SETTLED)) return;
    const settling = (this.settling ??= this.settlingOrder());
    const at = segment.index;
    state.mask((id, value) => {
      if (!(value & SETTLED) || at <= (settling.last[id] as number)) return value;
      const loops = settling.loops[id] as TSESTree.Node[];
      if (loops.some((loop) => contains(loop, segment.startNode))) return value;
      return value & ~SETTLED;
    });
  }

  private settlingOrder(): NonNullable<Solver['settling']> {
    const last = new Int32Array(this.size).fill(-1);
    const loops: TSESTree.Node[][] = Array.from({ length: this.size }, () => []);
    const outermost = new Map<TSESTree.Node, TSESTree.Node | null>();
    /** The outermost loop or switch of the function around `node` (or `node` itself). */
    const outerLoop = (node: TSESTree.Node): TSESTree.Node | null => {
      const path: TSESTree.Node[] = [];
      let current: TSESTree.Node | undefined = node;
      let found: TSESTree.Node | null = null;
      for (; current && current !== this.fn.node; current = current.parent) {
        const known = outermost.get(current);
        if (known !== undefined) {
          found = known;
          break;
        }
        path.push(current);
      }
      for (let i = path.length - 1; i >= 0; i--) {
        const step = path[i] as TSESTree.Node;
        if (!found && (isLoop(step) || step.type === AST_NODE_TYPES.SwitchStatement)) found = step;
        outermost.set(step, found);
      }
      return found;
    };
    for (const segment of this.fn.segments.values()) {
      const index = segment.index;
      let loop: TSESTree.Node | null | undefined;
      for (const event of segment.events) {
        if (!('ob' in event) || event.ob.id >= this.size) continue;
        last[event.ob.id] = index;
        loop ??= outerLoop(segment.startNode);
        const list = loops[event.ob.id] as TSESTree.Node[];
        if (loop && !list.includes(loop)) list.push(loop);
      }
    }
    return { last, loops };
  }

  private forEachHeld(state: State, visit: (ob: Obligation, bits: number) => void): void {
    if (state.size === 0) return;
    const [ids, bits] = state.entries();
    for (let i = 0; i < ids.length; i++) visit(this.fn.obligations[ids[i] as number] as Obligation, bits[i] as number);
  }

  private apply(event: AnalysisEvent, state: State, segment: SegmentRecord, run: Run): void {
    switch (event.type) {
      case 'acquire': {
        // The same acquire again while its last value is still held: a loop re-ran it into a variable that outlives
        // the iteration, and the held value is orphaned.
        const bits = state.get(event.ob.id);
        const call = event.call ?? event.ob.acquire;
        if (bits & UNRELEASED && call) {
          const loop = enclosingLoopBody(call);
          if (loop) this.leak(event.ob, { type: 'iteration-end', node: loop }, bits);
        }
        state.set(event.ob.id, PENDING);
        return;
      }
      case 'release':
        state.set(event.ob.id, this.release(event.ob, state.get(event.ob.id), event.node));
        return;
      case 'clobber': {
        // The name now denotes another value: a held one can no longer be released through it, and a released one
        // is forgotten (a release through the name releases the new value, not this one a second time).
        const bits = state.get(event.ob.id);
        state.set(event.ob.id, (bits & (PENDING | REJECTED) ? CLOBBERED : 0) | (bits & CLOBBERED));
        return;
      }
      case 'transfer':
        if (state.get(event.ob.id)) this.reached.add(event.ob);
        if (!event.unlessReleasedHere || !this.hooks.releasedInFunction(event.ob)) state.set(event.ob.id, 0);
        return;
      case 'checkpoint':
        if (state.get(event.ob.id) & UNRELEASED) addOnce(this.checkpoints, event.ob, event.node);
        return;
      case 'effect':
        state.set(event.ob.id, this.applyEffect(event, state.get(event.ob.id)));
        return;
      case 'finally-start':
      case 'finally-end':
      case 'terminate':
        return;
      case 'throw-point':
        // Whether the point may throw is asked only where something is held (most calls of a file never are), and
        // only where an exception would change something.
        if (!this.hooks.explicitThrowsOnly && state.size > 0) {
          const route = this.hooks.router.throwFrom(event.node);
          if (!this.throwIsInert(route, state) && this.hooks.mayThrow(event.node)) {
            // Routing a throw changes other runs' inputs, never this state: it is read in place.
            this.throwAlong(route, state.idList, state.bitList, segment, run, { type: 'throw', node: event.node, explicit: false });
          }
        } else if (!this.hooks.explicitThrowsOnly) {
          this.throwEmpty(event.node, segment, run, true);
        }
        if (event.alsoReturns && state.size > 0) {
          // A generator can be closed at a `yield`: the consumer's `return()` resumes it as a `return`.
          const [ids, bits] = state.entries();
          this.returnFrom(event.node, ids, bits, run, { type: 'yield', node: event.node });
        }
        return;
    }
  }

  private release(ob: Obligation, bits: number, node: TSESTree.Node): number {
    if (bits) this.reached.add(ob);
    if (bits & DONE) addOnce(this.doubles, ob, node);
    return bits & (PENDING | REJECTED) ? (bits & ~(PENDING | REJECTED)) | RELEASED : bits;
  }

  private applyEffect(event: Extract<AnalysisEvent, { type: 'effect' }>, bits: number): number {
    if (!bits || (this.hooks.checkpointsOnly === true && !(bits & UNRELEASED))) return bits;
    let effect = this.effects.get(event);
    if (effect === undefined) {
      effect = event.resolve();
      this.effects.set(event, effect);
    }
    if (effect !== 'none') this.reached.add(event.ob);
    if (typeof effect === 'object' && 'second' in effect) return this.secondListener(event, effect, bits);
    if (typeof effect === 'object') {
      // As a maybe-release (a release after it runs a second time where the closure released), but what is still
      // held is held because of the closure's own exits: a leak of it is reported there.
      if (bits & DONE) addOnce(this.doubles, event.ob, event.node);
      if (!(bits & PENDING)) return bits;
      if (!this.rejections.has(event.ob)) this.rejections.set(event.ob, effect.leaks);
      return (bits & ~PENDING) | RELEASED | REJECTED;
    }
    switch (effect) {
      case 'release':
        return this.release(event.ob, bits, event.node);
      case 'release-once':
        return bits & (PENDING | REJECTED) ? (bits & ~(PENDING | REJECTED)) | RELEASED : bits;
      case 'maybe-release':
        if (bits & DONE) addOnce(this.doubles, event.ob, event.node);
        return bits & (PENDING | REJECTED) ? bits | RELEASED : bits;
      case 'release-on-fulfil':
        if (bits & DONE) addOnce(this.doubles, event.ob, event.node);
        if (!(bits & PENDING)) return bits;
        if (!this.rejections.has(event.ob)) this.rejections.set(event.ob, [{ type: 'rejection', node: event.node }]);
        return (bits & ~PENDING) | RELEASED | REJECTED;
      case 'release-on-finish':
      case 'release-on-finish-once':
      case 'paired-release-on-finish':
        // As a `.then` handler: released when the stream finishes (a release after it runs a second time then),
        // still held when it is destroyed first. A release-once listener (`if (ended) return; ended = true; …`) does
        // nothing when the resource was released already.
        if (bits & DONE && effect !== 'release-on-finish-once') addOnce(this.doubles, event.ob, event.node);
        return this.releaseOnFinish(event, bits, effect === 'paired-release-on-finish' ? LISTENED : RELEASED);
      case 'listener-release':
        return HANDED;
      case 'transfer':
        return 0;
      case 'none':
        return bits;
    }
  }

  /** Released (as `released`) when the stream finishes, still held where it is destroyed first. */
  private releaseOnFinish(event: Extract<AnalysisEvent, { type: 'effect' }>, bits: number, released: number): number {
    if (!(bits & PENDING) || event.node.type !== AST_NODE_TYPES.CallExpression) return bits;
    if (!this.rejections.has(event.ob)) this.rejections.set(event.ob, [{ type: 'unfinished', node: event.node }]);
    return (bits & ~PENDING) | released | REJECTED;
  }

  /**
   * The second listener of a pair: a double release where the first has it (handed to it, or released by it when the
   * stream finishes), reported as the pair's unless a release also ran on a path to it (then it is a release after
   * that one, whatever the first listener does). A plain listener hands it on; a removable one releases as the first
   * of a pair would, so that a third listener or a later release doubles it too.
   */
  private secondListener(event: Extract<AnalysisEvent, { type: 'effect' }>, effect: SecondListenerRelease, bits: number): number {
    const node = event.node;
    if (effect.removable && bits & RELEASED) {
      addOnce(this.doubles, event.ob, node);
      this.releasedBefore.add(node);
      this.pairs.delete(node);
    } else if (bits & (HANDED | LISTENED)) {
      addOnce(this.doubles, event.ob, node);
      if (!this.releasedBefore.has(node)) this.pairs.set(node, effect.second);
    }
    return effect.removable ? this.releaseOnFinish(event, bits, LISTENED) : HANDED;
  }

  private terminate(terminator: Terminator, segment: SegmentRecord, state: State, run: Run): void {
    switch (terminator.type) {
      case 'return': {
        // What the return hands to the caller leaves with it; the rest crosses the route out.
        const ids: number[] = [];
        const bits: number[] = [];
        this.forEachHeld(state, (ob, held) => {
          if (this.hooks.returnTransfers(terminator.node, ob)) return;
          ids.push(ob.id);
          bits.push(held);
        });
        if (ids.length > 0) this.returnFrom(terminator.node, ids, bits, run, { type: 'return', node: terminator.node });
        state.clear();
        return;
      }
      case 'throw':
        if (state.size > 0) {
          const [ids, bits] = state.entries();
          this.throwFrom(terminator.node, ids, bits, segment, run, {
            type: 'throw',
            node: terminator.node,
            explicit: terminator.node.type === AST_NODE_TYPES.ThrowStatement,
          });
        } else {
          this.throwEmpty(terminator.node, segment, run, false);
        }
        state.clear();
        return;
      case 'break':
      case 'continue': {
        const target = jumpTarget(terminator.node);
        if (!target) return;
        const route = this.hooks.router.jumpFrom(terminator.node, target);
        this.forEachHeld(state, (ob, held) => {
          const bits = this.cross(route, ob, held, run);
          const leaves =
            terminator.type === 'continue'
              ? (ob.acquire !== undefined && contains(target, ob.acquire)) || isElementOf(ob, target)
              : declaredWithin(ob, target);
          if (bits & UNRELEASED && leaves) {
            this.leak(ob, terminator.type === 'break' ? { type: 'break', node: terminator.node } : { type: 'continue', node: terminator.node }, bits);
            state.set(ob.id, 0);
          } else {
            state.set(ob.id, leaves ? 0 : bits);
          }
        });
        return;
      }
    }
  }

  /** An exception thrown at `node` with the (id, bits) pairs held: where they land, or where they leak. */
  private throwFrom(node: TSESTree.Node, ids: readonly number[], held: readonly number[], segment: SegmentRecord, run: Run, exit: Exit): void {
    this.throwAlong(this.hooks.router.throwFrom(node), ids, held, segment, run, exit);
  }

  private throwAlong(route: Route, ids: readonly number[], held: readonly number[], segment: SegmentRecord, run: Run, exit: Exit): void {
    const out = this.crossState(route, ids, held, run);
    if (out.ids.length === 0) return;
    if (route.destination.type === 'catch') {
      this.enterCatch(route.destination.clause, segment, run, State.of(out.ids, out.bits));
    } else {
      this.leakHeld(out, exit);
    }
  }

  private returnFrom(node: TSESTree.Node, ids: readonly number[], held: readonly number[], run: Run, exit: Exit): void {
    this.leakHeld(this.crossState(this.hooks.router.returnFrom(node), ids, held, run), exit);
  }

  /** Every obligation still unreleased after an exit's route leaks there. */
  private leakHeld(out: Crossed, exit: Exit): void {
    for (let i = 0; i < out.ids.length; i++) {
      const bits = out.bits[i] as number;
      if (bits & UNRELEASED) this.leak(this.fn.obligations[out.ids[i] as number] as Obligation, exit, bits);
    }
  }

  /**
   * An exception with `state` held would change nothing not known already: its route leaves the function, and every
   * obligation held either crosses it untouched (no step names it) or crossed it in the same state before (the
   * answer is remembered, so crossing again records nothing new), and leaves it released. Then whether the point may
   * throw need not be asked: code inside a `try` whose `finally` releases is most of a worker's calls.
   */
  private throwIsInert(route: Route, state: State): boolean {
    if (route.destination.type !== 'function' || state.size > SMALL_STATE) return false;
    const along = this.alongRoute(route);
    const memo = this.crossings.get(route);
    const ids = state.idList;
    const bits = state.bitList;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const held = bits[i] as number;
      const untouched = along !== null && !(id < this.size && (along[id >> 5] as number) & (1 << (id & 31)));
      const out = untouched ? held : memo?.get(id * KEY_STRIDE + held);
      if (out === undefined || out & UNRELEASED) return false;
    }
    return true;
  }

  /**
   * What crossing a route does to a whole state (the (id, bits) pairs held at an exit): the pairs after it, zeros
   * left out. Remembered per (route, state). A route's first step (the innermost `finally` blocks) changes only the
   * obligations its blocks name, unless one of them may throw, jump or loop (or it disposes `using` declarations):
   * the others cross it as they are, so their part of the state is looked up as a state crossing the rest of the
   * route, and only the named ones are crossed one by one. Items held across nested `finally` blocks are the case
   * this is for: each level's throw points hold the level above's state plus the level's own item, and the level
   * above crossed the same rest of the route with that state, so a throw point costs a copy of what is held and one
   * crossing, not one crossing per held item.
   */
  private crossState(route: Route, ids: readonly number[], held: readonly number[], run: Run): Crossed {
    // A few held obligations cross one by one (each crossing is remembered): hashing and keeping the state would cost
    // more than it saves.
    if (ids.length <= SMALL_STATE) return this.crossEach(route, ids, held, run);
    const hash = stateHash(ids, held);
    const known = this.lookupCrossing(route, hash, ids, held);
    if (known) return known;
    const provisional = this.provisionalReads;
    let out: Crossed;
    const touched = route.step && route.rest ? this.touchedBy(route.step) : undefined;
    if (touched && route.rest) {
      const restIds: number[] = [];
      const restBits: number[] = [];
      const ownIds: number[] = [];
      const ownBits: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        const own = touched.has(this.fn.obligations[id] as Obligation);
        (own ? ownIds : restIds).push(id);
        (own ? ownBits : restBits).push(held[i] as number);
      }
      const restHash = stateHash(restIds, restBits);
      let rest = this.lookupCrossing(route.rest, restHash, restIds, restBits);
      if (!rest) {
        rest = this.crossEach(route.rest, restIds, restBits, run);
        if (this.provisionalReads === provisional) this.rememberCrossing(route.rest, restHash, restIds, restBits, rest);
      }
      out = mergeCrossed(rest, this.crossEach(route, ownIds, ownBits, run));
    } else {
      out = this.crossEach(route, ids, held, run);
    }
    if (this.provisionalReads === provisional) this.rememberCrossing(route, hash, ids.slice(), held.slice(), out);
    return out;
  }

  private crossEach(route: Route, ids: readonly number[], held: readonly number[], run: Run): Crossed {
    const outIds: number[] = [];
    const outBits: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const bits = this.cross(route, this.fn.obligations[id] as Obligation, held[i] as number, run);
      if (bits) {
        outIds.push(id);
        outBits.push(bits);
      }
    }
    return { ids: outIds, bits: outBits };
  }

  private lookupCrossing(route: Route, hash: number, ids: readonly number[], held: readonly number[]): Crossed | undefined {
    const bucket = this.stateCrossings.get(route)?.get(hash);
    if (!bucket) return undefined;
    for (const entry of bucket) if (sameArrays(entry.ids, ids) && sameArrays(entry.bits, held)) return entry.out;
    return undefined;
  }

  private rememberCrossing(route: Route, hash: number, ids: readonly number[], held: readonly number[], out: Crossed): void {
    let byHash = this.stateCrossings.get(route);
    if (!byHash) this.stateCrossings.set(route, (byHash = new Map<number, { ids: readonly number[]; bits: readonly number[]; out: Crossed }[]>()));
    const bucket = byHash.get(hash);
    const entry = { ids, bits: held, out };
    if (bucket) bucket.push(entry);
    else byHash.set(hash, [entry]);
  }

  /**
   * The obligations (a bit per id) crossing any step of the route may change; `null` if any may change (see
   * {@link touchedBy}). Built from the rest of the route's, so a nest of n routes costs n copies of n / 32 words.
   */
  private alongRoute(route: Route): Uint32Array | null {
    const known = this.alongs.get(route);
    if (known !== undefined) return known;
    let along: Uint32Array | null;
    if (!route.step || !route.rest) {
      along = route.protectors.length === 0 ? new Uint32Array((this.size + 31) >> 5) : null;
    } else {
      const touched = this.touchedBy(route.step);
      const rest = touched ? this.alongRoute(route.rest) : null;
      along = rest && rest.slice();
      if (along && touched) for (const ob of touched) if (ob.id < this.size) along[ob.id >> 5] = (along[ob.id >> 5] as number) | (1 << (ob.id & 31));
    }
    this.alongs.set(route, along);
    return along;
  }

  /**
   * The obligations crossing `step` may change: those its `finally` blocks name. `undefined` if it may change any
   * (a block that may throw, jump or loop, or a `using` disposal).
   */
  private touchedBy(step: readonly Protector[]): ReadonlySet<Obligation> | undefined {
    const known = this.stepNames.get(step);
    if (known !== undefined) return known ?? undefined;
    let names: Set<Obligation> | null = new Set();
    for (const protector of step) {
      if (protector.type !== 'finally') {
        names = null;
        break;
      }
      const region = this.fn.finallyRegions.get(protector.block);
      if (!region) continue;
      const transparency = this.transparencyOf(region);
      if (transparency.opaque) {
        names = null;
        break;
      }
      for (const ob of transparency.names) names.add(ob);
    }
    this.stepNames.set(step, names);
    return names ?? undefined;
  }

  /** The innermost run that computes the given segment. */
  private runFor(segment: SegmentRecord, run: Run): Run {
    let current: Run | undefined = run;
    while (current && !current.includes(segment)) current = current.parent;
    return current ?? run;
  }

  /**
   * What crossing a route's protectors does to an obligation held in the states `held`. Remembered per (route,
   * obligation, states): a route is a chain whose tail is shared by every route nested in it, so an exception thrown
   * deep inside many `finally` blocks costs one step per block the first time and one lookup afterwards, not one
   * step per block per throw point and obligation. An answer that used a provisional finally effect (a block
   * re-entered while it was being computed) is not remembered.
   */
  private cross(route: Route, ob: Obligation, held: number, run: Run): number {
    const remembered = this.crossings.get(route)?.get(ob.id * KEY_STRIDE + held);
    if (remembered !== undefined) return remembered;
    let bits = held;
    const provisional = this.provisionalReads;
    const visited: { memo: Map<number, number>; key: number }[] = [];
    for (let current: Route | undefined = route; current && bits; ) {
      // No step of the rest of the route names the obligation (and none can throw, jump or loop): it crosses the rest
      // as it is. So an item released by the innermost block of a deep nest leaves it at once, not in a remembered
      // crossing per block.
      const along = this.alongRoute(current);
      if (along && !(ob.id < this.size && (along[ob.id >> 5] as number) & (1 << (ob.id & 31)))) break;
      let memo = this.crossings.get(current);
      if (!memo) this.crossings.set(current, (memo = new Map<number, number>()));
      const key = ob.id * KEY_STRIDE + bits;
      const known = memo.get(key);
      if (known !== undefined) {
        bits = known;
        break;
      }
      visited.push({ memo, key });
      bits = this.crossProtectors(current.step ?? current.protectors, ob, bits, run);
      current = current.step ? current.rest : undefined;
    }
    if (this.provisionalReads === provisional) for (const { memo, key } of visited) memo.set(key, bits);
    return bits;
  }

  private crossProtectors(protectors: readonly Protector[], ob: Obligation, held: number, run: Run): number {
    let bits = held;
    for (const protector of protectors) {
      if (!bits) break;
      if (protector.type === 'finally') {
        bits = this.throughFinally(protector.block, ob, bits, run);
      } else if (this.hooks.usingReleases(protector.declaration, ob)) {
        bits = this.release(ob, bits, protector.declaration);
      }
    }
    return bits;
  }

  /** What running a finally block does to an obligation that enters it in the states `bits`. */
  private throughFinally(block: TSESTree.BlockStatement, ob: Obligation, bits: number, run: Run): number {
    const region = this.fn.finallyRegions.get(block);
    if (!region) return bits;
    if (this.passesThrough(region, ob)) return bits;
    let effects = this.finallyEffects.get(block);
    if (!effects) this.finallyEffects.set(block, (effects = new Map<number, number>()));
    let out = 0;
    for (const bit of STATE_BITS) {
      if (!(bits & bit)) continue;
      const key = ob.id * KEY_STRIDE + bit;
      let effect = effects.get(key);
      if (effect === undefined) {
        // Provisional answer for a block re-entered while it is being computed (a finally inside a loop inside it).
        effects.set(key, bit | PROVISIONAL);
        const local = new Run(run, region, ob);
        const state = State.empty();
        state.set(ob.id, bit);
        // A finally without segments of its own runs inside whatever segment is current, a catch entry included.
        for (const entry of region.entry) if (entry.role !== 'finally-leaving') local.join(entry, state);
        this.drain(local);
        effect = local.exitOutput;
        effects.set(key, effect);
      } else if (effect & PROVISIONAL) {
        this.provisionalReads++;
        effect &= ~PROVISIONAL;
      }
      out |= effect;
    }
    return out;
  }

  /**
   * The block leaves the obligation as it found it, with nothing to report on the way: no event of the block names
   * it or takes anything, and nothing in it may throw, jump or loop, so every path from its entry reaches its end.
   * Running the block's dataflow would give back the states it was entered with (most blocks release one handle and
   * are crossed by every other handle held around them).
   */
  private passesThrough(region: FinallyRegion, ob: Obligation): boolean {
    const known = this.transparencyOf(region);
    return !known.opaque && !known.names.has(ob);
  }

  /** What {@link passesThrough} reads: whether the block may throw, jump or loop, and the obligations it names. */
  private transparencyOf(region: FinallyRegion): { opaque: boolean; names: Set<Obligation> } {
    let known = this.transparency.get(region);
    if (!known) {
      known = { opaque: false, names: new Set() };
      this.transparency.set(region, known);
      if (!region.entry.some((entry) => entry.role !== 'finally-leaving')) known.opaque = true;
      for (const segment of region.members) {
        if (segment.loopEdges) known.opaque = true;
        for (const refinement of segment.refinements) known.names.add(refinement.ob);
        const events = segment.events;
        let first = 0;
        if (region.entry.includes(segment)) {
          first = events.findIndex((event) => event.type === 'finally-start' && event.block === region.block) + 1;
        }
        for (let index = first; index < events.length && !known.opaque; index++) {
          const event = events[index] as AnalysisEvent;
          if (event.type === 'finally-end' && event.block === region.block) break;
          if (event.type === 'terminate' || event.type === 'throw-point' || event.type === 'acquire') known.opaque = true;
          else if ('ob' in event) known.names.add(event.ob);
        }
        if (known.opaque) break;
      }
    }
    return known;
  }

  /**
   * Control enters a `catch` body only through its entry. ESLint merges the try's bypass path into the head of a loop
   * that opens a catch body, which would make the catch look reachable without an exception.
   */
  private entersCatchSideways(from: SegmentRecord, to: SegmentRecord): boolean {
    const clause = to.enclosingCatch;
    return clause !== null && !contains(clause, from.startNode);
  }

  private refine(from: SegmentRecord, to: SegmentRecord, out: State): void {
    for (const refinement of from.refinements) {
      if (!out.get(refinement.ob.id) || refinement.guard?.unguarded) continue;
      const testTruthy = (to.startNode === refinement.known) === refinement.knownTruthy;
      if (testTruthy === refinement.dropWhenTruthy) out.set(refinement.ob.id, 0);
    }
  }

  /** The segments a break/continue lands in, recorded by the recorder from ESLint's own merges. */
  private jumpTargets(node: TSESTree.BreakStatement | TSESTree.ContinueStatement): Iterable<SegmentRecord> {
    const target = jumpTarget(node);
    if (!target) return [];
    if (node.type === AST_NODE_TYPES.BreakStatement) return this.fn.breakTargets.get(target) ?? [];
    const heads = this.fn.loopHeads.get(target);
    if (heads && heads.size > 0) return heads;
    // ESLint emits no loop event between unreachable segments: take the loop's continue point from the AST.
    const startedAt = (this.startedAt ??= this.segmentsByStart());
    for (const part of continuePoints(target)) {
      const started = startedAt.get(part);
      if (started) return started;
    }
    return [];
  }

  /** Segments by the node they started at, in the order ESLint started them; built on first use. */
  private startedAt: Map<TSESTree.Node, SegmentRecord[]> | undefined;

  private segmentsByStart(): Map<TSESTree.Node, SegmentRecord[]> {
    const byStart = new Map<TSESTree.Node, SegmentRecord[]>();
    for (const segment of this.fn.segments.values()) {
      const started = byStart.get(segment.startNode);
      if (started) started.push(segment);
      else byStart.set(segment.startNode, [segment]);
    }
    return byStart;
  }

  /** A back edge: an obligation taken in this loop's body and still held is orphaned by the next iteration. */
  private closeIteration(node: TSESTree.Node, out: State): void {
    const loop = loopClosedAt(node);
    const body = loop && loopBody(loop);
    if (!body) return;
    this.forEachHeld(out, (ob, bits) => {
      // The loop's own element (`for (const m of owed)`): the next iteration binds the next one.
      const element = isElementOf(ob, loop);
      if (!element && (!ob.acquire || !contains(body, ob.acquire))) return;
      // A variable declared outside the loop still names the value in the next iteration (the next item fetched at
      // the bottom of the loop): it is not orphaned here, only if the acquire runs again while it is held.
      if (!element && namedOutside(ob, body)) return;
      if (bits & UNRELEASED) this.leak(ob, { type: 'iteration-end', node: body }, bits);
      out.set(ob.id, 0);
    });
  }

  /** Obligations that are a loop's element (`for (const m of owed)`), with their loop. */
  private elementsMemo: readonly (readonly [Obligation, TSESTree.ForOfStatement])[] | undefined;

  private get elements(): readonly (readonly [Obligation, TSESTree.ForOfStatement])[] {
    this.elementsMemo ??= this.fn.obligations.flatMap((ob) => {
      const loop = elementLoop(ob.binding);
      return loop ? [[ob, loop] as const] : [];
    });
    return this.elementsMemo;
  }

  /**
   * A normal edge out of a `for … of` loop (ESLint leaves it from the end of the body after the last iteration): the
   * element of that iteration is no longer reachable, like at a back edge.
   */
  private leaveLoops(to: SegmentRecord, out: State): void {
    for (const [ob, loop] of this.elements) {
      const bits = out.get(ob.id);
      if (!bits) continue;
      const start = to.startNode;
      if (contains(loop.body, start) || contains(loop.left, start) || contains(loop.right, start)) continue;
      if (bits & UNRELEASED) this.leak(ob, { type: 'iteration-end', node: loop.body }, bits);
      out.set(ob.id, 0);
    }
  }

  /** `bits` held at `exit`: a value held only because a promise may reject leaks at that promise chain instead. */
  private leak(ob: Obligation, exit: Exit, bits: number): void {
    const list = this.exits.get(ob) ?? [];
    this.exits.set(ob, list);
    // The exits known for the obligation, by node and type (a scan of the list made a leak at every one of a long
    // function's throw points quadratic).
    let known = this.exitsSeen.get(ob);
    if (!known) this.exitsSeen.set(ob, (known = new Map<TSESTree.Node, Set<Exit['type']>>()));
    const seen = known;
    const add = (candidate: Exit): void => {
      let types = seen.get(candidate.node);
      if (!types) seen.set(candidate.node, (types = new Set()));
      if (types.has(candidate.type)) return;
      types.add(candidate.type);
      list.push(candidate);
    };
    const rejection = this.rejections.get(ob);
    if (bits & REJECTED && rejection) for (const held of rejection) add(held);
    if (bits & (PENDING | CLOBBERED) || !rejection) add(exit);
  }
}

function addOnce<T>(map: Map<Obligation, T[]>, ob: Obligation, value: T): void {
  const list = map.get(ob);
  if (!list) map.set(ob, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** Where a `continue` resumes a loop, in order of preference: the update, the test, the body. */
function continuePoints(loop: TSESTree.Node): TSESTree.Node[] {
  switch (loop.type) {
    case AST_NODE_TYPES.ForStatement:
      return [loop.update, loop.test, loop.body].filter((part): part is NonNullable<typeof part> => part !== null);
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return [loop.test, loop.body];
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return [loop.left, loop.body];
    default:
      return [];
  }
}

/** Some variable naming the handle (or the whole acquired value) is declared outside `body`. */
function namedOutside(ob: Obligation, body: TSESTree.Node): boolean {
  for (const variable of [...ob.handleVars, ...ob.resultVars]) {
    const def = variable.defs[0];
    if (def && !contains(body, def.name)) return true;
  }
  return false;
}

/** The body of the innermost loop around `node` in its function. */
function enclosingLoopBody(node: TSESTree.Node): TSESTree.Node | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  while (current && !isFunctionNode(current)) {
    const body = loopBody(current);
    if (body && contains(body, node)) return body;
    current = current.parent;
  }
  return undefined;
}

/** The variables naming the handle are all declared inside `target`: leaving it drops the last reference. */
function declaredWithin(ob: Obligation, target: TSESTree.Node): boolean {
  if (!ob.acquire || !contains(target, ob.binding)) return false;
  for (const variable of [...ob.handleVars, ...ob.resultVars]) {
    const def = variable.defs[0];
    if (!def || !contains(target, def.name)) return false;
  }
  return true;
}

/** States of at most this many obligations cross a route one obligation at a time ({@link Solver.crossState}). */
const SMALL_STATE = 8;

/** The (id, bits) pairs a route leaves a state in, ids ascending, zeros left out. */
interface Crossed {
  readonly ids: readonly number[];
  readonly bits: readonly number[];
}

function stateHash(ids: readonly number[], bits: readonly number[]): number {
  let hash = ids.length;
  for (let i = 0; i < ids.length; i++) hash = (Math.imul(hash, 31) + (ids[i] as number) * KEY_STRIDE + (bits[i] as number)) | 0;
  return hash;
}

function sameArrays(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Two crossings of disjoint sets of obligations, as one. */
function mergeCrossed(a: Crossed, b: Crossed): Crossed {
  if (b.ids.length === 0) return a;
  if (a.ids.length === 0) return b;
  const ids: number[] = [];
  const bits: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ids.length || j < b.ids.length) {
    if (j >= b.ids.length || (i < a.ids.length && (a.ids[i] as number) < (b.ids[j] as number))) {
      ids.push(a.ids[i] as number);
      bits.push(a.bits[i] as number);
      i++;
    } else {
      ids.push(b.ids[j] as number);
      bits.push(b.bits[j] as number);
      j++;
    }
  }
  return { ids, bits };
}
