/**
 * Where an abrupt completion goes, read off the AST.
 *
 * ESLint's code paths do not send `break`/`continue` through `finally`, send `return` and `throw` through one merged
 * copy of it, and add a throw edge only from the first throwable node of a `try`. So the analysis routes every exit
 * itself: the `finally` blocks and `using` disposals it crosses on the way out (innermost first), then where it lands.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isFunctionNode } from './syntax.js';

export type Protector =
  | { readonly type: 'finally'; readonly block: TSESTree.BlockStatement }
  | { readonly type: 'using'; readonly declaration: TSESTree.VariableDeclaration };

export type Destination =
  | { readonly type: 'catch'; readonly clause: TSESTree.CatchClause }
  | { readonly type: 'function' }
  | { readonly type: 'jump'; readonly target: TSESTree.Node };

export interface Route {
  readonly protectors: readonly Protector[];
  readonly destination: Destination;
  /**
   * The same protectors as a chain: `step` (crossed first), then the route `rest` continues with. Routes of nested
   * nodes share their enclosing node's route as `rest`, so what crossing a route does can be remembered per route
   * and reused by every route that ends with it. Absent: `protectors` is the whole route.
   */
  readonly step?: readonly Protector[];
  readonly rest?: Route;
}

type Mode = 'throw' | 'return' | 'jump';

function isUsing(statement: TSESTree.Node): statement is TSESTree.VariableDeclaration {
  return (
    statement.type === AST_NODE_TYPES.VariableDeclaration &&
    (statement.kind === 'using' || statement.kind === 'await using')
  );
}

export function statementList(node: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.StaticBlock:
      return node.body;
    case AST_NODE_TYPES.SwitchCase:
      return node.consequent;
    default:
      return undefined;
  }
}

function computeRoute(from: TSESTree.Node, mode: Mode, jumpTarget: TSESTree.Node | undefined, lists: Map<readonly TSESTree.Node[], boolean>): Route {
  const protectors: Protector[] = [];
  let child: TSESTree.Node = from;
  let parent = from.parent;
  while (parent) {
    if (mode === 'jump' && parent === jumpTarget) return { protectors, destination: { type: 'jump', target: parent } };
    if (isFunctionNode(parent) || parent.type === AST_NODE_TYPES.Program) break;
    if (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === child) break;
    if (parent.type === AST_NODE_TYPES.StaticBlock && mode !== 'jump') {
      // A static block is its own code path: nothing crosses it.
      pushUsings(parent, child, protectors, lists);
      break;
    }
    if (parent.type === AST_NODE_TYPES.TryStatement) {
      if (child === parent.block) {
        if (mode === 'throw' && parent.handler) {
          return { protectors, destination: { type: 'catch', clause: parent.handler } };
        }
        if (parent.finalizer) protectors.push({ type: 'finally', block: parent.finalizer });
      } else if (child === parent.handler && parent.finalizer) {
        protectors.push({ type: 'finally', block: parent.finalizer });
      }
    } else {
      pushUsings(parent, child, protectors, lists);
    }
    child = parent;
    parent = parent.parent;
  }
  if (parent) pushUsings(parent, child, protectors, lists);
  return { protectors, destination: { type: 'function' } };
}

/**
 * `using` declarations before `child` in `parent`'s statement list are disposed when control leaves it. `lists`
 * remembers which lists have any.
 */
function pushUsings(parent: TSESTree.Node, child: TSESTree.Node, protectors: Protector[], lists: Map<readonly TSESTree.Node[], boolean>): void {
  const list = statementList(parent);
  if (!list) return;
  let hasUsing = lists.get(list);
  if (hasUsing === undefined) {
    hasUsing = list.some(isUsing);
    lists.set(list, hasUsing);
  }
  if (!hasUsing) return;
  const index = list.indexOf(child);
  for (let i = index - 1; i >= 0; i--) {
    const statement = list[i];
    if (statement && isUsing(statement)) protectors.push({ type: 'using', declaration: statement });
  }
}

/** Node types that are statements (or hold statements): the nodes whose routes the router remembers. */
const STATEMENT_LIKE: ReadonlySet<string> = new Set<string>([
  ...Object.values(AST_NODE_TYPES).filter((type) => type.endsWith('Statement') || type.endsWith('Declaration')),
  AST_NODE_TYPES.SwitchCase,
  AST_NODE_TYPES.CatchClause,
  AST_NODE_TYPES.StaticBlock,
]);

/**
 * Expression nodes walked up through without finding a remembered one before the router starts remembering every
 * node: a chain of nested expressions that deep (`a.then(…).then(…)…`) would otherwise cost its depth per throw point.
 */
const LONG_WALK = 32;

/**
 * Memoised routes. A throw's or return's route from a node is one step (what its parent adds) followed by the route
 * from the parent, so each node's route is computed once from its parent's: linear in the function, however deep.
 * Only statements are remembered (an expression's route is its statement's, a few parents up, and remembering every
 * node of a long function costs more than walking those few parents), unless a walk meets a long chain of
 * expressions: then every node is, for the rest of the file.
 */
export class Router {
  private readonly throws = new Map<TSESTree.Node, Route>();
  private readonly returns = new Map<TSESTree.Node, Route>();
  private readonly jumps = new Map<TSESTree.Node, Route>();
  /** Statement lists that declare something with `using` (most declare nothing: then there is nothing to scan). */
  private readonly listsWithUsing = new Map<readonly TSESTree.Node[], boolean>();
  /** Remember every node, not only statements (see {@link LONG_WALK}). */
  private everyNode = false;
  /**
   * The nodes a walk up passed, reused from walk to walk (one runs for every throw point); only its first
   * entries, as many as the walk passed, are the walk's.
   */
  private readonly walkedPath: TSESTree.Node[] = [];

  throwFrom(node: TSESTree.Node): Route {
    return this.up(node, 'throw', this.throws);
  }

  returnFrom(node: TSESTree.Node): Route {
    return this.up(node, 'return', this.returns);
  }

  jumpFrom(node: TSESTree.BreakStatement | TSESTree.ContinueStatement, target: TSESTree.Node): Route {
    let route = this.jumps.get(node);
    if (!route) {
      route = computeRoute(node, 'jump', target, this.listsWithUsing);
      this.jumps.set(node, route);
    }
    return route;
  }

  /** Whether the node's answer is remembered; `walked`: expression nodes passed since the last remembered one. */
  private remembers(node: TSESTree.Node, walked: number): boolean {
    if (this.everyNode || STATEMENT_LIKE.has(node.type)) return true;
    if (walked < LONG_WALK) return false;
    this.everyNode = true;
    return true;
  }

  private up(node: TSESTree.Node, mode: 'throw' | 'return', table: Map<TSESTree.Node, Route>): Route {
    // Up to the nearest node whose route is known or ends the route; then down again, one step per parent.
    const path = this.walkedPath;
    let depth = 0;
    let route: Route | undefined;
    let walked = 0;
    for (let current = node; ; ) {
      const parent: TSESTree.Node | undefined = current.parent;
      const ends =
        !parent ||
        isFunctionNode(parent) ||
        parent.type === AST_NODE_TYPES.Program ||
        parent.type === AST_NODE_TYPES.StaticBlock ||
        (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === current);
      // A node whose route ends at its parent is always remembered: its route object is shared by all below it.
      const remembers = ends || this.remembers(current, walked);
      if (remembers) {
        const known = table.get(current);
        if (known) {
          route = known;
          break;
        }
        walked = 0;
      } else {
        walked++;
      }
      if (ends) {
        const protectors: Protector[] = [];
        if (parent) pushUsings(parent, current, protectors, this.listsWithUsing);
        route = { protectors, destination: { type: 'function' } };
        table.set(current, route);
        break;
      }
      if (parent.type === AST_NODE_TYPES.TryStatement && current === parent.block && mode === 'throw' && parent.handler) {
        route = { protectors: [], destination: { type: 'catch', clause: parent.handler } };
        table.set(current, route);
        break;
      }
      path[depth++] = current;
      current = parent;
    }
    for (let i = depth - 1; i >= 0; i--) {
      const child = path[i] as TSESTree.Node;
      const parent = child.parent as TSESTree.Node;
      let step: Protector[] | undefined;
      if (parent.type === AST_NODE_TYPES.TryStatement) {
        if ((child === parent.block || child === parent.handler) && parent.finalizer) step = [{ type: 'finally', block: parent.finalizer }];
      } else if (statementList(parent)) {
        step = [];
        pushUsings(parent, child, step, this.listsWithUsing);
      }
      if (step && step.length > 0) route = chained(step, route);
      if (this.everyNode || STATEMENT_LIKE.has(child.type)) table.set(child, route);
    }
    return route;
  }
}

/** `step`, then `rest`; the flat list of protectors is built only if asked for (a deep nest would make it quadratic). */
function chained(step: readonly Protector[], rest: Route): Route {
  let flat: readonly Protector[] | undefined;
  return {
    destination: rest.destination,
    step,
    rest,
    get protectors(): readonly Protector[] {
      return (flat ??= [...step, ...rest.protectors]);
    },
  };
}

/** The `using` declarations directly in a block, for disposing at its normal end. */
export function usingDeclarationsIn(block: TSESTree.Node): TSESTree.VariableDeclaration[] {
  const list = statementList(block);
  return list ? list.filter(isUsing) : [];
}
