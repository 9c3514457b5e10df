/**
 * What a function does for its callers: which declaration a call runs (in this file), and whether that function —
 * a helper handed the resource as a parameter, or a closure that captures it — releases it on every path, on some
 * path, or not at all. Each function is solved once; a function still being solved (a cycle of calls) releases
 * nothing.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isAwaiterBody } from './down-level.js';
import type { AnalysisResult, Exit, Obligation } from './events.js';
import type { HandleIndex } from './handles.js';
import type { FunctionRecord, Recorder } from './recorder.js';
import { classMember, isFunctionNode, memberName, owningCodePathNode, unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

export type ReleaseSummary = 'every' | 'some' | 'none';

export interface ExternalRelease {
  readonly releases: ReadonlyMap<number, ReleaseSummary>;
  /** The obligation kinds (ids) it releases; every kind when absent. */
  readonly kinds?: ReadonlySet<string>;
}

export class Summaries {
  private readonly results = new Map<FunctionRecord, AnalysisResult>();
  private readonly solving = new Set<FunctionRecord>();
  /**
   * What a function the analysis does not read in this file releases, by parameter: a release helper the rule's
   * options name, or (typed) a function of another file of the program (cross-file.ts). `kinds`: only these.
   */
  external: (call: TSESTree.CallExpression) => ExternalRelease | undefined = () => undefined;

  constructor(
    private readonly recorder: Recorder,
    private readonly handles: HandleIndex,
    private readonly solveFunction: (fn: FunctionRecord) => AnalysisResult,
  ) {}

  /** The function's result, solved once. */
  solve(fn: FunctionRecord): AnalysisResult {
    const known = this.results.get(fn);
    if (known) return known;
    this.solving.add(fn);
    const result = this.solveFunction(fn);
    this.solving.delete(fn);
    this.results.set(fn, result);
    return result;
  }

  /** Whether `fnNode` releases the obligation `inner` (one of its own entry obligations) on its paths. */
  releaseIn(fnNode: TSESTree.Node, inner: (fn: FunctionRecord) => Obligation | undefined): ReleaseSummary {
    const fn = this.recorder.byNode.get(fnNode);
    const ob = fn && inner(fn);
    if (!fn || !ob || this.solving.has(fn)) return 'none';
    const exits = this.solve(fn).leaks.get(ob);
    // Held only where a 'finish' listener of its own may never run (a destroyed stream): that leak is not reported
    // from a helper's parameter or a closure's capture, whose caller saw such a listener as a hand-off before and
    // still does (a report there would not sit where the fix goes).
    return exits && !exits.every((exit) => exit.type === 'unfinished') ? 'some' : 'every';
  }

  /** A helper releases the resource passed as parameter `param`. */
  helperRelease(callee: TSESTree.Node, param: number): ReleaseSummary {
    return this.releaseIn(callee, (fn) => fn.paramObligations.get(param));
  }

  private readonly handedOn = new Map<TSESTree.Node, Map<number, boolean>>();

  /**
   * The helper hands parameter `param` on: passes it to a call, returns it, stores it on an object or in a literal, or
   * captures it in a closure. A resource object given to such a helper goes where the rule cannot follow (silence),
   * while one the helper only reads (`span.setAttribute(…)`) is still owed by the caller.
   */
  paramHandedOn(fnNode: TSESTree.Node, param: number): boolean {
    let byParam = this.handedOn.get(fnNode);
    if (!byParam) this.handedOn.set(fnNode, (byParam = new Map<number, boolean>()));
    const known = byParam.get(param);
    if (known !== undefined) return known;
    // A cycle of helpers hands nothing on until it is known.
    byParam.set(param, false);
    const answer = this.computeHandedOn(fnNode, param);
    byParam.set(param, answer);
    return answer;
  }

  private computeHandedOn(fnNode: TSESTree.Node, param: number): boolean {
    if (!isFunctionNode(fnNode)) return false;
    const declared = fnNode.params[param];
    const id = declared?.type === AST_NODE_TYPES.AssignmentPattern ? declared.left : declared;
    if (id?.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = this.handles.resolve(id);
    if (!variable) return false;
    return variable.references.some((reference) => {
      const node = reference.identifier;
      if (node === id || reference.isWrite()) return false;
      // Inside a closure of the helper: it may run anywhere, later.
      let scopeNode: TSESTree.Node | undefined = node.parent;
      while (scopeNode && scopeNode !== fnNode && !isFunctionNode(scopeNode)) scopeNode = scopeNode.parent;
      if (scopeNode !== fnNode) return true;
      const parent = node.parent;
      switch (parent.type) {
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression: {
          const index = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
          if (index === -1) return false;
          const next = parent.type === AST_NODE_TYPES.CallExpression ? this.resolveCallee(parent.callee) : undefined;
          return next && isFunctionNode(next) ? this.paramHandedOn(next, index) : true;
        }
        case AST_NODE_TYPES.ReturnStatement:
        case AST_NODE_TYPES.ArrayExpression:
        case AST_NODE_TYPES.Property:
          return true;
        case AST_NODE_TYPES.ArrowFunctionExpression:
          return parent.body === node;
        case AST_NODE_TYPES.AssignmentExpression:
          return parent.right === node && parent.left.type === AST_NODE_TYPES.MemberExpression;
        default:
          return false;
      }
    });
  }

  /**
   * The helper releases parameter `param` with a call of its own body, not only in closures it makes (a returned
   * `function (err) { span.end(); … }`, a promise handler): such a helper hands the resource to code that releases it
   * later, which for its callers is a hand-off, not a release that a second one would double.
   */
  releasesInOwnBody(fnNode: TSESTree.Node, param: number): boolean {
    return this.recorder.byNode.get(fnNode)?.ownParamReleases.has(param) ?? false;
  }

  /** A closure releases the enclosing function's `root`. */
  closureRelease(closure: TSESTree.Node, root: Obligation): ReleaseSummary {
    return this.releaseIn(closure, (fn) => fn.captures.get(root));
  }

  /**
   * The exits of a closure on which it still holds the enclosing function's `root` (as its own result reports them:
   * every explicit exit, or else the first implicit throw), each as a `callback` exit; a closure's exit that is
   * itself a closure's (a callback inside the callback) is kept as it is. Not the `'finish'` listeners of its own,
   * which its callers treat as a hand-off ({@link releaseIn}).
   */
  closureLeaks(closure: TSESTree.Node, root: Obligation): Extract<Exit, { type: 'callback' }>[] {
    const fn = this.recorder.byNode.get(closure);
    const ob = fn?.captures.get(root);
    if (!fn || !ob || this.solving.has(fn)) return [];
    const leaks: Extract<Exit, { type: 'callback' }>[] = [];
    for (const exit of this.solve(fn).leaks.get(ob) ?? []) {
      // tsc's down-levelled async closure: its exits are the generator's, which is its body.
      if (exit.type === 'callback') leaks.push(isAwaiterBody(exit.callback) && owningCodePathNode(exit.callback) === closure ? { ...exit, callback: closure } : exit);
      else if (exit.type !== 'unfinished') leaks.push({ type: 'callback', node: exit.node, inner: exit, callback: closure });
    }
    return leaks;
  }

  /**
   * The function or class a callee names in this file: a function declaration, a `const` bound to a function or
   * class, a class declaration, or a method of the enclosing class called on `this` (or on `const self = this`).
   */
  resolveCallee(calleeNode: TSESTree.Node): TSESTree.Node | undefined {
    const callee = unwrapValue(calleeNode);
    if (isFunctionNode(callee)) return callee;
    if (callee.type === AST_NODE_TYPES.Identifier) {
      const def = this.handles.resolve(callee)?.defs[0];
      if (def?.type === DefinitionType.FunctionName || def?.type === DefinitionType.ClassName) return def.node;
      if (def?.type === DefinitionType.Variable && def.node.init && def.parent.kind === 'const') {
        const init = unwrapValue(def.node.init);
        return isFunctionNode(init) || init.type === AST_NODE_TYPES.ClassExpression ? init : undefined;
      }
      return undefined;
    }
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const name = memberName(callee);
      const owner = name === undefined ? undefined : this.handles.classOfReceiver(callee.object);
      const member = owner && name !== undefined ? classMember(owner, name) : undefined;
      if (member?.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'method') return member.value;
    }
    return undefined;
  }

  /** The closure an argument names: a function written in place, or a `const` bound to one. */
  closureOf(node: TSESTree.Node): TSESTree.Node | undefined {
    const value = unwrapValue(node);
    if (isFunctionNode(value)) return value;
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const declaration = this.resolveCallee(value);
    return declaration && isFunctionNode(declaration) ? declaration : undefined;
  }
}
