/**
 * Records ESLint's code path graph of every function, and the analysis events in each segment in evaluation order.
 *
 * ESLint removed `CodePath.currentSegments` in v9, so the current segments are tracked here from the segment
 * start/end events. They are kept as "lanes": inside a `finally` block ESLint runs parallel copies of the block
 * (the normal path and the path that leaves by `return`/`throw`), and lane i of a `try` maps to lane i of its
 * `catch`. Start and end events arrive in lane order, which is what lets the lanes be rebuilt.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import type { CodePath, CodePathListeners, CodePathSegment } from './code-path.js';
import type { AnalysisEvent, Obligation, Refinement, Terminator } from './events.js';
import { isFunctionNode, loopClosedAt } from './syntax.js';

/** The events and refinements of a segment that has none yet: shared, never written. */
const NONE: readonly never[] = Object.freeze([]);

export type SegmentRole = 'normal' | 'catch-entry' | 'finally-leaving';

export interface SegmentRecord {
  readonly segment: CodePathSegment;
  readonly fn: FunctionRecord;
  /** The segment's place among its function's segments, in the order ESLint started them (the solver's arrays). */
  readonly index: number;
  readonly lane: number;
  /** The node being entered or left when the segment started: the consequent of an `if`, a loop body… */
  readonly startNode: TSESTree.Node;
  /** The node at which the segment ended; the function itself for a fall-through end. */
  endNode: TSESTree.Node | undefined;
  role: SegmentRole;
  /** ESLint's unreachable continuation after a jump in this lane: nothing flows into it. */
  afterJump: boolean;
  /** The analysis events in evaluation order (a shared empty list until the first). */
  events: readonly AnalysisEvent[];
  refinements: readonly Refinement[];
  /**
   * The innermost `catch` clause around {@link startNode} (itself included) up to the nearest enclosing function
   * (`null`: none), as `enclosingCatch` of syntax.ts reads it, taken from the walk when the segment starts.
   */
  readonly enclosingCatch: TSESTree.CatchClause | null;
  /** Outgoing loop edges, with the loop statement they close; absent when there are none (most segments). */
  loopEdges: Map<CodePathSegment, TSESTree.Node> | undefined;
}

export interface FinallyRegion {
  readonly block: TSESTree.BlockStatement;
  readonly entry: SegmentRecord[];
  readonly members: Set<SegmentRecord>;
}

/**
 * A function's segment records, by ESLint's segment and in start order. The record is kept in a slot on ESLint's
 * segment object, under a symbol of the recorder's own (so two analyses of one file keep apart), not in a `Map`: a
 * map keyed by objects hashes each segment and misses the CPU caches on every edge the solver follows, and at
 * 16,500 segments (the 4,000-branch worker) those lookups were a third of the solver's own time and most of the
 * segment-start listener's. Nothing else reads the slot, and the segments die with the file.
 */
export class SegmentTable {
  private readonly list: SegmentRecord[] = [];

  constructor(private readonly slot: symbol) {}

  get size(): number {
    return this.list.length;
  }

  get(segment: CodePathSegment): SegmentRecord | undefined {
    const record = (segment as unknown as Record<symbol, SegmentRecord | undefined>)[this.slot];
    return record?.fn.segments === this ? record : undefined;
  }

  set(segment: CodePathSegment, record: SegmentRecord): void {
    (segment as unknown as Record<symbol, SegmentRecord | undefined>)[this.slot] = record;
    this.list.push(record);
  }

  /** The records in the order ESLint started their segments. */
  values(): readonly SegmentRecord[] {
    return this.list;
  }
}

export interface FunctionRecord {
  readonly node: TSESTree.Node;
  readonly codePath: CodePath;
  readonly segments: SegmentTable;
  readonly lanes: (SegmentRecord | undefined)[];
  readonly catchEntries: Map<TSESTree.CatchClause, SegmentRecord[]>;
  readonly finallyRegions: Map<TSESTree.BlockStatement, FinallyRegion>;
  readonly tryLaneCounts: Map<TSESTree.TryStatement, number>;
  readonly openRegions: FinallyRegion[];
  /** Where a `break` out of a statement lands: the segments current when the statement is left. */
  readonly breakTargets: Map<TSESTree.Node, SegmentRecord[]>;
  /** Where a loop's next iteration starts, as its back edges name it (the target of a `continue`). */
  readonly loopHeads: Map<TSESTree.Node, Set<SegmentRecord>>;
  /**
   * Lanes whose segment just ended in a jump, by lane: the next segment started there is its continuation. An array,
   * not a `Map`: it is read and cleared at every segment start.
   */
  readonly jumpedLanes: (SegmentRecord | undefined)[];
  readonly obligations: Obligation[];
  /** Parameter index → the obligation a helper takes on for that parameter. */
  readonly paramObligations: Map<number, Obligation>;
  /** Parameters released by a call in the function's own body (not only in a closure of it). */
  readonly ownParamReleases: Set<number>;
  /** Obligations held from the function's entry: helper parameters, and handles a callback receives. */
  readonly entryObligations: Obligation[];
  /** An enclosing function's obligation → the one that stands for it here, where this closure releases it. */
  readonly captures: Map<Obligation, Obligation>;
}

/** Tracks code paths; the analysis asks it for the current function and lanes, and records into them. */
export class Recorder {
  private readonly stack: FunctionRecord[] = [];
  /**
   * The `catch` clauses the walk is inside, innermost last, with `null` for each function entered since (a clause
   * outside the nearest function does not catch what is thrown in it). Kept as the walk goes so that a segment's
   * enclosing clause is read off the top when it starts, not by walking up from its start node: ESLint starts a
   * segment for every branch, and the walk up cost as much as the solver's whole visit of the segment.
   */
  private readonly catches: (TSESTree.CatchClause | null)[] = [];
  readonly functions: FunctionRecord[] = [];
  readonly byNode = new Map<TSESTree.Node, FunctionRecord>();
  /** The slot of this recorder's records on ESLint's segments ({@link SegmentTable}). */
  private readonly segmentSlot = Symbol('workqueue segment record');

  get current(): FunctionRecord | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The functions being walked, outermost first (the current one last). */
  get open(): readonly FunctionRecord[] {
    return this.stack;
  }

  /** The segments that are executing now, one per lane. */
  currentSegments(): SegmentRecord[] {
    const fn = this.current;
    if (!fn) return [];
    return fn.lanes.filter((lane): lane is SegmentRecord => lane !== undefined);
  }

  record(event: AnalysisEvent): void {
    const fn = this.current;
    if (fn) this.recordIn(fn, event);
  }

  /** Records into an enclosing function's current segments (they stand still while a nested function is walked). */
  recordIn(fn: FunctionRecord, event: AnalysisEvent): void {
    // No array of the current segments is made: this runs for every call of a file.
    for (const segment of fn.lanes) {
      if (!segment) continue;
      if (segment.events.length === 0) segment.events = [event];
      else (segment.events as AnalysisEvent[]).push(event);
    }
  }

  terminate(terminator: Terminator): void {
    this.record({ type: 'terminate', terminator });
    const fn = this.current;
    if (!fn) return;
    // ESLint makes a continuation only for a jump from a segment it deems reachable.
    for (const segment of fn.lanes) if (segment?.segment.reachable) fn.jumpedLanes[segment.lane] = segment;
  }

  refine(refinement: Refinement): void {
    const fn = this.current;
    if (!fn) return;
    for (const segment of fn.lanes) {
      if (!segment) continue;
      if (segment.refinements.length === 0) segment.refinements = [refinement];
      else (segment.refinements as Refinement[]).push(refinement);
    }
  }

  /** Listeners to merge into the rule: the code path events, and the statements whose segments matter. */
  listeners(): { codePath: CodePathListeners; nodes: Record<string, (node: never) => void> } {
    const start = (segment: CodePathSegment, node: TSESTree.Node): void => {
      const fn = this.current;
      if (!fn) return;
      let lane = fn.lanes.indexOf(undefined);
      if (lane === -1) lane = fn.lanes.length;
      const record: SegmentRecord = {
        segment,
        fn,
        index: fn.segments.size,
        lane,
        startNode: node,
        endNode: undefined,
        role: 'normal',
        afterJump: false,
        events: NONE,
        refinements: NONE,
        enclosingCatch: this.innermostCatchAt(node),
        loopEdges: undefined,
      };
      const jumped = fn.jumpedLanes[lane];
      if (jumped) {
        fn.jumpedLanes[lane] = undefined;
        record.afterJump = !segment.reachable && segment.allPrevSegments.length === 1 && segment.allPrevSegments[0] === jumped.segment;
      }
      fn.lanes[lane] = record;
      fn.segments.set(segment, record);
      for (const region of fn.openRegions) region.members.add(record);
    };
    const end = (segment: CodePathSegment, node: TSESTree.Node): void => {
      const fn = this.current;
      if (!fn) return;
      const record = fn.segments.get(segment);
      if (!record) return;
      record.endNode = node;
      const lane = fn.lanes.indexOf(record);
      if (lane !== -1) fn.lanes[lane] = undefined;
      while (fn.lanes.length > 0 && fn.lanes[fn.lanes.length - 1] === undefined) fn.lanes.pop();
    };
    const codePath: CodePathListeners = {
      onCodePathStart: (path, node) => {
        const fn: FunctionRecord = {
          node,
          codePath: path,
          segments: new SegmentTable(this.segmentSlot),
          lanes: [],
          catchEntries: new Map(),
          finallyRegions: new Map(),
          tryLaneCounts: new Map(),
          openRegions: [],
          jumpedLanes: [],
          breakTargets: new Map(),
          loopHeads: new Map(),
          obligations: [],
          paramObligations: new Map(),
          ownParamReleases: new Set(),
          entryObligations: [],
          captures: new Map(),
        };
        this.stack.push(fn);
        this.functions.push(fn);
        this.byNode.set(node, fn);
      },
      onCodePathEnd: () => {
        this.stack.pop();
      },
      onCodePathSegmentStart: start,
      onUnreachableCodePathSegmentStart: start,
      onCodePathSegmentEnd: end,
      onUnreachableCodePathSegmentEnd: end,
      onCodePathSegmentLoop: (from, to, node) => {
        const fn = this.current;
        const record = fn?.segments.get(from);
        const head = fn?.segments.get(to);
        if (record) (record.loopEdges ??= new Map()).set(to, node);
        const loop = loopClosedAt(node);
        if (fn && head && loop) {
          let heads = fn.loopHeads.get(loop);
          if (!heads) fn.loopHeads.set(loop, (heads = new Set()));
          heads.add(head);
        }
      },
    };
    // ESLint merges the paths that break out of a statement into the head before the statement's exit listeners run.
    const recordBreakTarget = (node: TSESTree.Node): void => {
      this.current?.breakTargets.set(node, this.currentSegments());
    };
    const nodes = {
      'WhileStatement:exit': recordBreakTarget,
      'DoWhileStatement:exit': recordBreakTarget,
      'ForStatement:exit': recordBreakTarget,
      'ForInStatement:exit': recordBreakTarget,
      'ForOfStatement:exit': recordBreakTarget,
      'SwitchStatement:exit': recordBreakTarget,
      'LabeledStatement:exit': (node: TSESTree.LabeledStatement) => {
        recordBreakTarget(node);
        recordBreakTarget(node.body);
      },
      TryStatement: (node: TSESTree.TryStatement) => {
        this.current?.tryLaneCounts.set(node, this.currentSegments().length);
      },
      CatchClause: (node: TSESTree.CatchClause) => {
        this.catches.push(node);
        const entry = this.currentSegments();
        for (const segment of entry) segment.role = 'catch-entry';
        this.current?.catchEntries.set(node, entry);
      },
      'CatchClause:exit': this.leaveCatchScope,
      ArrowFunctionExpression: this.enterFunctionScope,
      'ArrowFunctionExpression:exit': this.leaveCatchScope,
      FunctionDeclaration: this.enterFunctionScope,
      'FunctionDeclaration:exit': this.leaveCatchScope,
      FunctionExpression: this.enterFunctionScope,
      'FunctionExpression:exit': this.leaveCatchScope,
      BlockStatement: (node: TSESTree.BlockStatement) => {
        const fn = this.current;
        const parent = node.parent;
        if (!fn || parent.type !== AST_NODE_TYPES.TryStatement || parent.finalizer !== node) return;
        const entry = this.currentSegments();
        const lanesAtTry = fn.tryLaneCounts.get(parent) ?? entry.length;
        // ESLint doubles the lanes when the try or catch can leave by return/throw: the second half is the
        // leaving copy. Those exits are routed through this block by the analysis itself.
        if (entry.length === lanesAtTry * 2) {
          for (const segment of entry.slice(lanesAtTry)) segment.role = 'finally-leaving';
        }
        const region: FinallyRegion = { block: node, entry, members: new Set(entry) };
        this.record({ type: 'finally-start', block: node });
        fn.finallyRegions.set(node, region);
        fn.openRegions.push(region);
      },
      'BlockStatement:exit': (node: TSESTree.BlockStatement) => {
        const fn = this.current;
        const region = fn?.finallyRegions.get(node);
        if (!fn || !region) return;
        this.record({ type: 'finally-end', block: node });
        fn.openRegions.splice(fn.openRegions.indexOf(region), 1);
      },
    };
    return { codePath, nodes };
  }

  private readonly enterFunctionScope = (): void => {
    this.catches.push(null);
  };

  private readonly leaveCatchScope = (): void => {
    this.catches.pop();
  };

  /**
   * The clause around `node`, the node the walk is at. ESLint may start a segment at a node before or after the
   * node's own listeners ran, so the node itself is looked at rather than the top of {@link catches} alone.
   */
  private innermostCatchAt(node: TSESTree.Node): TSESTree.CatchClause | null {
    if (node.type === AST_NODE_TYPES.CatchClause) return node;
    if (isFunctionNode(node)) return null;
    return this.catches[this.catches.length - 1] ?? null;
  }
}
