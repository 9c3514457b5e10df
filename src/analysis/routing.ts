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

function computeRoute(from: TSESTree.Node, mode: Mode, jumpTarget: TSESTree.Node | undefined): Route {
  const protectors: Protector[] = [];
  let child: TSESTree.Node = from;
  let parent = from.parent;
  while (parent) {
    if (mode === 'jump' && parent === jumpTarget) return { protectors, destination: { type: 'jump', target: parent } };
    if (isFunctionNode(parent) || parent.type === AST_NODE_TYPES.Program) break;
    if (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === child) break;
    if (parent.type === AST_NODE_TYPES.StaticBlock && mode !== 'jump') {
      // A static block is its own code path: nothing crosses it.
      pushUsings(parent, child, protectors);
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
      pushUsings(parent, child, protectors);
    }
    child = parent;
    parent = parent.parent;
  }
  if (parent) pushUsings(parent, child, protectors);
  return { protectors, destination: { type: 'function' } };
}

/** Statement lists that declare something with `using` (most declare nothing: then there is nothing to scan). */
const listsWithUsing = new WeakMap<readonly TSESTree.Node[], boolean>();

/** `using` declarations before `child` in `parent`'s statement list are disposed when control leaves it. */
function pushUsings(parent: TSESTree.Node, child: TSESTree.Node, protectors: Protector[]): void {
  const list = statementList(parent);
  if (!list) return;
  let hasUsing = listsWithUsing.get(list);
  if (hasUsing === undefined) {
    hasUsing = list.some(isUsing);
    listsWithUsing.set(list, hasUsing);
  }
  if (!hasUsing) return;
  const index = list.indexOf(child);
  for (let i = index - 1; i >= 0; i--) {
    const statement = list[i];
    if (statement && isUsing(statement)) protectors.push({ type: 'using', declaration: statement });
  }
}

/**
 * Memoised routes. A throw's or return's route from a node is one step (what its parent adds) followed by the route
 * from the parent, so each node's route is computed once from its parent's: linear in the function, however deep.
 */
export class Router {
  private readonly throws = new Map<TSESTree.Node, Route>();
  private readonly returns = new Map<TSESTree.Node, Route>();
  private readonly jumps = new Map<TSESTree.Node, Route>();

  throwFrom(node: TSESTree.Node): Route {
    return this.up(node, 'throw', this.throws);
  }

  returnFrom(node: TSESTree.Node): Route {
    return this.up(node, 'return', this.returns);
  }

  jumpFrom(node: TSESTree.BreakStatement | TSESTree.ContinueStatement, target: TSESTree.Node): Route {
    let route = this.jumps.get(node);
    if (!route) {
      route = computeRoute(node, 'jump', target);
      this.jumps.set(node, route);
    }
    return route;
  }

  private up(node: TSESTree.Node, mode: 'throw' | 'return', table: Map<TSESTree.Node, Route>): Route {
    const known = table.get(node);
    if (known) return known;
    const parent = node.parent;
    let route: Route;
    if (
      !parent ||
      isFunctionNode(parent) ||
      parent.type === AST_NODE_TYPES.Program ||
      parent.type === AST_NODE_TYPES.StaticBlock ||
      (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === node)
    ) {
      const protectors: Protector[] = [];
      if (parent) pushUsings(parent, node, protectors);
      route = { protectors, destination: { type: 'function' } };
    } else {
      const step: Protector[] = [];
      let caught: Route | undefined;
      if (parent.type === AST_NODE_TYPES.TryStatement) {
        if (node === parent.block && mode === 'throw' && parent.handler) {
          caught = { protectors: [], destination: { type: 'catch', clause: parent.handler } };
        } else if ((node === parent.block || node === parent.handler) && parent.finalizer) {
          step.push({ type: 'finally', block: parent.finalizer });
        }
      } else {
        pushUsings(parent, node, step);
      }
      if (caught) {
        route = caught;
      } else {
        const rest = this.up(parent, mode, table);
        route = step.length === 0 ? rest : chained(step, rest);
      }
    }
    table.set(node, route);
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
