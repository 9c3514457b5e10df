/**
 * Per-element obligations: each value a `for … of` (or `for await … of`) loop takes from an owed iterable must be
 * released before its iteration ends, continues or leaves the loop (`for await (const m of consumer.consume())`:
 * every JetStream message acked). The iterable is the acquiring call itself, awaited or not, or a `const` bound to
 * it and never reassigned (`const msgs = await receiver.receiveMessages(10); for (const m of msgs)`).
 *
 * The element is bound at the loop head, once per iteration; on the edge that leaves the loop because the iterable
 * is exhausted there is no element, so the obligation is dropped there (a refinement on the loop's body).
 */
import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation } from './events.js';
import { unwrapAwaited } from './syntax.js';

/** The loop whose head binds this declarator: `for (const m of …)`. */
export function elementLoop(binding: TSESTree.Node): TSESTree.ForOfStatement | undefined {
  if (binding.type !== AST_NODE_TYPES.VariableDeclarator || binding.init !== null) return undefined;
  const declaration = binding.parent;
  const loop = declaration.parent;
  return loop.type === AST_NODE_TYPES.ForOfStatement && loop.left === declaration ? loop : undefined;
}

/** The obligation is the element of `loop` (each iteration takes a new one). */
export function isElementOf(ob: Obligation, loop: TSESTree.Node): boolean {
  return elementLoop(ob.binding) === loop;
}

/**
 * The acquiring call whose elements the loop takes: the loop's iterable itself, or the initialiser of the `const`
 * it names. `undefined` when the iterable is anything else (a reassigned variable, a parameter, a property).
 */
export function elementSource(
  sourceCode: Readonly<TSESLint.SourceCode>,
  loop: TSESTree.ForOfStatement,
): TSESTree.CallExpression | undefined {
  return listSource(sourceCode, loop.right);
}

/** Array methods that hand their callback every element, one by one: `messages.forEach((m) => …)`. */
const EACH_ELEMENT = new Set(['forEach', 'map']);

/**
 * The acquiring call whose elements `use` (a function written in place, or a name for one) is handed one by one:
 * `use` is the callback of `list.forEach(use)` or `list.map(use)` (`Promise.all(messages.map(async (m) => …))`),
 * and `list` is the acquiring call or a `const` bound to it that nothing else takes elements from. The callback's
 * first parameter is then each element, owed until the callback returns or throws.
 */
export function elementCallbackSource(
  sourceCode: Readonly<TSESLint.SourceCode>,
  use: TSESTree.Node,
): TSESTree.CallExpression | undefined {
  const call = use.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== use) return undefined;
  const callee = call.callee;
  if (
    callee.type !== AST_NODE_TYPES.MemberExpression ||
    callee.computed ||
    callee.property.type !== AST_NODE_TYPES.Identifier ||
    !EACH_ELEMENT.has(callee.property.name)
  ) {
    return undefined;
  }
  return listSource(sourceCode, callee.object);
}

/**
 * The acquiring call a list expression stands for: the call itself (awaited or not), or the initialiser of the
 * `const` it names, when every other use of that `const` only reads a member that takes no element.
 */
function listSource(sourceCode: Readonly<TSESLint.SourceCode>, list: TSESTree.Node): TSESTree.CallExpression | undefined {
  const iterable = unwrapAwaited(list).inner;
  if (iterable.type === AST_NODE_TYPES.CallExpression) return iterable;
  if (iterable.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(iterable), iterable.name);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.parent?.type !== AST_NODE_TYPES.VariableDeclaration) return undefined;
  if (def.parent.kind !== 'const' || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
  // This loop (or this `forEach`/`map`) must be the one place the elements are taken: a second loop, a `forEach`, a
  // spread or a hand-off of the list may be where they are settled, and the rule would not see it.
  const declared = def.node.id;
  const others = variable?.references.filter((reference) => reference.identifier !== iterable && reference.identifier !== declared) ?? [];
  if (!others.every((reference) => readsProperty(reference.identifier))) return undefined;
  const init = unwrapAwaited(def.node.init).inner;
  return init.type === AST_NODE_TYPES.CallExpression ? init : undefined;
}

/** Members of an owed iterable that take no element: `msgs.length`, `messages.stop()`, `sub.unsubscribe()`. */
const NON_ELEMENT_MEMBERS = new Set([
  'length',
  'stop',
  'close',
  'closed',
  'status',
  'unsubscribe',
  'drain',
  // `psub.pull({ batch })`: a NATS pull subscription asks for more messages.
  'pull',
  'isClosed',
  'getSubject',
  'getProcessed',
  'getPending',
  'getReceived',
]);

function readsProperty(identifier: TSESTree.Identifier | TSESTree.JSXIdentifier): boolean {
  const parent = identifier.parent;
  return (
    parent.type === AST_NODE_TYPES.MemberExpression &&
    parent.object === identifier &&
    !parent.computed &&
    parent.property.type === AST_NODE_TYPES.Identifier &&
    NON_ELEMENT_MEMBERS.has(parent.property.name)
  );
}
