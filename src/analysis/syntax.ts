/** Small, pure questions about the AST that the analysis and the fixes both ask. */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { bindsEnclosingThis, isAwaitLike } from './down-level.js';

export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;


export function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression
  );
}

export function isLoop(
  node: TSESTree.Node,
): node is
  | TSESTree.DoWhileStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.ForStatement
  | TSESTree.WhileStatement {
  switch (node.type) {
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.WhileStatement:
      return true;
    default:
      return false;
  }
}

/** `inner` lies inside `outer` (or is it). Ranges nest exactly in ESTree, so this is a range test. */
export function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** A node that denotes the value of its `expression`: a type assertion (`as`, `!`, `satisfies`, `<T>`) or an optional chain. */
export function isValueWrapper(
  node: TSESTree.Node | undefined,
): node is
  | TSESTree.TSAsExpression
  | TSESTree.TSNonNullExpression
  | TSESTree.TSSatisfiesExpression
  | TSESTree.TSTypeAssertion
  | TSESTree.ChainExpression {
  switch (node?.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
    case AST_NODE_TYPES.ChainExpression:
      return true;
    default:
      return false;
  }
}

/** Strips the wrappers that do not change which value an expression denotes. */
export function unwrapValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (isValueWrapper(current)) current = current.expression;
  return current;
}

/** The outermost of the wrappers around `node` that denote its value ({@link isValueWrapper}), or `node` itself. */
export function wrappedValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (isValueWrapper(current.parent)) current = current.parent;
  return current;
}

/** Like {@link unwrapValue}, and also looks through `await` (and its down-levelled `yield`: down-level.ts). */
export function unwrapAwaited(node: TSESTree.Node): { inner: TSESTree.Node; awaited: boolean } {
  let current = unwrapValue(node);
  let awaited = false;
  while (isAwaitLike(current) && current.argument) {
    awaited = true;
    current = unwrapValue(current.argument);
  }
  return { inner: current, awaited };
}

/** The function (or program) whose code path a node belongs to. */
export function owningCodePathNode(node: TSESTree.Node): TSESTree.Node {
  let current: TSESTree.Node | undefined = node.parent;
  let child: TSESTree.Node = node;
  while (current) {
    if (isFunctionNode(current) || current.type === AST_NODE_TYPES.StaticBlock) return current;
    // ESLint starts a class field initialiser's code path at the initialiser itself.
    if (current.type === AST_NODE_TYPES.PropertyDefinition && current.value === child) return child;
    if (current.type === AST_NODE_TYPES.Program) return current;
    child = current;
    current = current.parent;
  }
  return child;
}

/** Name of a non-computed member property, or of a computed string literal key. */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier) return node.property.name;
  if (!node.computed && node.property.type === AST_NODE_TYPES.PrivateIdentifier) return `#${node.property.name}`;
  if (node.computed && node.property.type === AST_NODE_TYPES.Literal) return String(node.property.value);
  return undefined;
}

/** The object a member chain starts from: `client` in `client.query.orig`, `this` in `this.pool.x` (wrappers unwrapped). */
export function memberRoot(node: TSESTree.Node): TSESTree.Node {
  let value = unwrapValue(node);
  while (value.type === AST_NODE_TYPES.MemberExpression) value = unwrapValue(value.object);
  return value;
}

/** The name of a receiver as written last: `queue` in `this.queue`, `errTasks` in `cc.errTasks`. */
export function receiverName(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return memberName(node);
  return undefined;
}

/** `x.name(...)` → the member callee, when the method name is one of `names`. */
export function methodCall(
  call: TSESTree.CallExpression,
  names?: ReadonlySet<string>,
): { object: TSESTree.Expression; name: string; member: TSESTree.MemberExpression } | undefined {
  const callee = unwrapValue(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = memberName(callee);
  if (name === undefined || (names && !names.has(name))) return undefined;
  return { object: callee.object, name, member: callee };
}

/**
 * Where the truthiness of `node` decides a branch: the node that starts the branch taken when `node`
 * is truthy (`truthy: true`) or falsy (`truthy: false`). Follows `!` and the operands of `&&`/`||`.
 */
export function branchTarget(node: TSESTree.Node): { known: TSESTree.Node; truthy: boolean } | undefined {
  const parent = node.parent;
  if (!parent) return undefined;
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === node ? { known: parent.consequent, truthy: true } : undefined;
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
      return parent.test === node ? { known: parent.body, truthy: true } : undefined;
    case AST_NODE_TYPES.LogicalExpression:
      if (parent.operator === '??') return undefined;
      if (parent.left === node) return { known: parent.right, truthy: parent.operator === '&&' };
      return branchTarget(parent);
    case AST_NODE_TYPES.UnaryExpression: {
      if (parent.operator !== '!') return undefined;
      const outer = branchTarget(parent);
      return outer && { known: outer.known, truthy: !outer.truthy };
    }
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.ChainExpression:
      return branchTarget(parent);
    default:
      return undefined;
  }
}

/**
 * The node whose evaluation completes the test `node` stands in for in {@link branchTarget}: `node` itself, or the
 * `!`, `!`-free wrappers (`x!`, `x as T`) and optional chain around it. Inside a `try`, ESLint starts a segment where
 * such a wrapper is evaluated (the first node that may throw), so the segment that branches is the wrapper's.
 */
export function branchSite(node: TSESTree.Node): TSESTree.Node {
  let site = node;
  for (let parent = site.parent; parent; site = parent, parent = parent.parent) {
    const wraps =
      (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === '!') ||
      parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      parent.type === AST_NODE_TYPES.TSAsExpression ||
      parent.type === AST_NODE_TYPES.ChainExpression;
    if (!wraps) break;
  }
  return site;
}

/** The statement a `break`/`continue` leaves: its labelled statement, or the innermost loop (or switch, for break). */
export function jumpTarget(node: TSESTree.BreakStatement | TSESTree.ContinueStatement): TSESTree.Node | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  while (current && !isFunctionNode(current)) {
    if (node.label) {
      if (current.type === AST_NODE_TYPES.LabeledStatement && current.label.name === node.label.name) {
        return current.body;
      }
    } else if (isLoop(current) || (node.type === AST_NODE_TYPES.BreakStatement && current.type === AST_NODE_TYPES.SwitchStatement)) {
      return current;
    }
    current = current.parent;
  }
  return undefined;
}

/** The body of a loop, where an iteration's work lives. */
export function loopBody(loop: TSESTree.Node): TSESTree.Node | undefined {
  return isLoop(loop) ? loop.body : undefined;
}

/**
 * The loop whose iteration a looped edge closes, from the node ESLint names with the edge. ESLint also loops edges
 * inside a `switch` whose `default` falls through to a later case: those close no iteration.
 */
export function loopClosedAt(node: TSESTree.Node): TSESTree.Node | undefined {
  if (node.type === AST_NODE_TYPES.ContinueStatement) return jumpTarget(node);
  let current: TSESTree.Node | undefined = node;
  while (current && !isFunctionNode(current)) {
    if (isLoop(current)) return current;
    if (current.type === AST_NODE_TYPES.SwitchStatement || current.type === AST_NODE_TYPES.SwitchCase) return undefined;
    current = current.parent;
  }
  return undefined;
}

/** The innermost `catch` clause around `node` in its function, if any. */
export function enclosingCatch(node: TSESTree.Node): TSESTree.CatchClause | undefined {
  let current: TSESTree.Node | undefined = node;
  while (current && !isFunctionNode(current)) {
    if (current.type === AST_NODE_TYPES.CatchClause) return current;
    current = current.parent;
  }
  return undefined;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Depth-first search of `root` and everything inside it, by the source's visitor keys. `skip` names nodes (below the
 * root) whose insides are not searched, nor the nodes themselves.
 */
export function someNode(
  sourceCode: Readonly<TSESLint.SourceCode>,
  root: TSESTree.Node,
  predicate: (node: TSESTree.Node) => boolean,
  skip?: (node: TSESTree.Node) => boolean,
): boolean {
  const stack: TSESTree.Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node !== root && skip?.(node)) continue;
    if (predicate(node)) return true;
    for (const key of sourceCode.visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) stack.push(item);
      } else if (isNode(child)) {
        stack.push(child);
      }
    }
  }
  return false;
}

/** Expressions that can stand before `.name` as they are: member access binds tighter than every other operator. */
const MEMBER_OPERANDS = new Set<string>([
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.ThisExpression,
  AST_NODE_TYPES.Super,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.MetaProperty,
  AST_NODE_TYPES.ArrayExpression,
  AST_NODE_TYPES.TemplateLiteral,
]);

/**
 * A receiver's text as it must be printed before `.method(…)`: `(flag ? a : b)`, `(await getQueue())`, `q`. Every
 * message and fix that names a receiver prints it through here, from the node itself (never rebuilt from parts), so
 * the operator precedence of what the user wrote is kept: anything that is not a member-access operand already (a
 * conditional, an `await`, a `new`, an optional chain, an object literal that would start a statement) is parenthesised.
 */
export function receiverText(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  const text = sourceCode.getText(node);
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return text;
  return MEMBER_OPERANDS.has(node.type) ? text : `(${text})`;
}

/**
 * The class whose instance `this` is at `node`: the class of the method, constructor, accessor or field initialiser
 * around it, reached through arrow functions only (a `function` expression has a `this` of its own).
 */
export function thisClass(node: TSESTree.Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
  let current: TSESTree.Node | undefined = node.parent;
  let child: TSESTree.Node = node;
  while (current) {
    if (current.type === AST_NODE_TYPES.ClassBody) {
      const member = child;
      const isStatic = (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) && member.static;
      return isStatic ? undefined : current.parent;
    }
    if (
      isFunctionNode(current) &&
      current.type !== AST_NODE_TYPES.ArrowFunctionExpression &&
      current.parent.type !== AST_NODE_TYPES.MethodDefinition &&
      // tsc's `__awaiter(this, …, function* () { … })` runs the generator with the enclosing `this` (down-level.ts).
      !bindsEnclosingThis(current)
    ) {
      return undefined;
    }
    if (current.type === AST_NODE_TYPES.StaticBlock) return undefined;
    child = current;
    current = current.parent;
  }
  return undefined;
}

/** The member `name` (as {@link memberName} spells it: `#x` for a private name) of a class body, if declared. */
export function classMember(
  owner: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  name: string,
): TSESTree.MethodDefinition | TSESTree.PropertyDefinition | undefined {
  for (const member of owner.body.body) {
    if (
      (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
      !member.computed &&
      ((member.key.type === AST_NODE_TYPES.Identifier && member.key.name === name) ||
        (member.key.type === AST_NODE_TYPES.PrivateIdentifier && `#${member.key.name}` === name))
    ) {
      return member;
    }
  }
  return undefined;
}

/** Module-interop helpers tsc and Babel wrap a `require` in (`__importStar(require('x'))`). */
const INTEROP_HELPERS = new Set(['__importStar', '__importDefault', '_interopRequireWildcard', '_interopRequireDefault']);

/** `require('x')`, possibly inside a module-interop helper: its specifier (`x`). */
export function requiredSpecifier(node: TSESTree.Node): string | undefined {
  const value = unwrapValue(node);
  if (value.type !== AST_NODE_TYPES.CallExpression || value.arguments.length !== 1 || value.callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const [argument] = value.arguments as [TSESTree.Node];
  if (value.callee.name === 'require') return argument.type === AST_NODE_TYPES.Literal && typeof argument.value === 'string' ? argument.value : undefined;
  return INTEROP_HELPERS.has(value.callee.name) ? requiredSpecifier(argument) : undefined;
}

/**
 * A write of a member: `x.f = v` (the value); a compound assignment, `++`, `delete`, or a destructuring or loop target
 * (no value: the field's contents cannot be read).
 */
export function writeTarget(node: TSESTree.Node): { member: TSESTree.MemberExpression; value?: TSESTree.Node } | undefined {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const parent = node.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.AssignmentExpression:
      if (parent.left !== node) return undefined;
      return { member: node, value: parent.operator === '=' ? parent.right : undefined };
    case AST_NODE_TYPES.UpdateExpression:
      return { member: node };
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === 'delete' ? { member: node } : undefined;
    case AST_NODE_TYPES.ArrayPattern:
    case AST_NODE_TYPES.RestElement:
      return { member: node };
    case AST_NODE_TYPES.AssignmentPattern:
      return (parent.left as TSESTree.Node) === node ? { member: node } : undefined;
    case AST_NODE_TYPES.Property:
      return parent.value === node && parent.parent.type === AST_NODE_TYPES.ObjectPattern ? { member: node } : undefined;
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return parent.left === node ? { member: node } : undefined;
    default:
      return undefined;
  }
}

/** A property's name when it is written as one (`{ span }`, `{ span: s }`, `{ 'span': s }`), not computed. */
export function propertyName(property: TSESTree.Node): string | undefined {
  if (property.type !== AST_NODE_TYPES.Property || property.computed) return undefined;
  if (property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  return typeof property.key.value === 'string' ? property.key.value : undefined;
}

/** The named properties of an object literal argument (`{ span, result: r }` → `span`, `result`), with their values. */
export function literalProperties(arg: TSESTree.Node): [string, TSESTree.Node][] {
  const value = unwrapValue(arg);
  if (value.type !== AST_NODE_TYPES.ObjectExpression) return [];
  return value.properties.flatMap((property): [string, TSESTree.Node][] => {
    const key = propertyName(property);
    return key !== undefined && property.type === AST_NODE_TYPES.Property ? [[key, property.value]] : [];
  });
}

/**
 * What a call's argument gives a parameter, by the name it is bound to: `x` for a parameter `x`, or, for a
 * destructured parameter given an object literal (`settle({ queue: q, key: item })` to `function settle({ queue,
 * key })`), each destructured name with the literal's property of that key. A literal with a spread, or a computed
 * key, gives nothing by name (the spread may supply or override any property).
 */
export function argumentBindings(param: TSESTree.Parameter, arg: TSESTree.Node): [TSESTree.Identifier, TSESTree.Node][] {
  const target = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
  if (target.type === AST_NODE_TYPES.Identifier) return [[target, arg]];
  const value = unwrapValue(arg);
  if (target.type !== AST_NODE_TYPES.ObjectPattern || value.type !== AST_NODE_TYPES.ObjectExpression) return [];
  if (value.properties.some((property) => property.type !== AST_NODE_TYPES.Property || property.computed)) return [];
  const given = new Map(literalProperties(value));
  const bindings: [TSESTree.Identifier, TSESTree.Node][] = [];
  for (const property of target.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const key = propertyName(property);
    const bound = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
    const supplied = key === undefined ? undefined : given.get(key);
    if (bound.type === AST_NODE_TYPES.Identifier && supplied) bindings.push([bound, supplied]);
  }
  return bindings;
}

/**
 * `a` in a default for a nullish value: `a ?? b`, tsc's `a !== null && a !== void 0 ? a : b`, or `a != null ? a : b`,
 * with `a` an identifier. Wherever `a` holds a value, the whole is `a`. Not `a || b`: a falsy handle (a queue item
 * `0`) would be replaced.
 */
export function defaultedOperand(node: TSESTree.Node): TSESTree.Identifier | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.LogicalExpression) {
    const left = unwrapValue(value.left);
    return value.operator === '??' && left.type === AST_NODE_TYPES.Identifier ? left : undefined;
  }
  if (value.type !== AST_NODE_TYPES.ConditionalExpression) return undefined;
  const subject = unwrapValue(value.consequent);
  if (subject.type !== AST_NODE_TYPES.Identifier) return undefined;
  const isSubject = (test: TSESTree.Node): boolean => {
    const inner = unwrapValue(test);
    return inner.type === AST_NODE_TYPES.Identifier && inner.name === subject.name;
  };
  const isNullish = (other: TSESTree.Node): boolean =>
    (other.type === AST_NODE_TYPES.Literal && other.value === null) ||
    (other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined') ||
    (other.type === AST_NODE_TYPES.UnaryExpression && other.operator === 'void');
  const notNullish = (test: TSESTree.Node, operators: readonly string[]): boolean =>
    test.type === AST_NODE_TYPES.BinaryExpression &&
    operators.includes(test.operator) &&
    ((isSubject(test.left) && isNullish(test.right)) || (isSubject(test.right) && isNullish(test.left)));
  const test = unwrapValue(value.test);
  if (notNullish(test, ['!='])) return subject;
  const both =
    test.type === AST_NODE_TYPES.LogicalExpression && test.operator === '&&' && notNullish(unwrapValue(test.left), ['!==']) && notNullish(unwrapValue(test.right), ['!==']);
  return both ? subject : undefined;
}
