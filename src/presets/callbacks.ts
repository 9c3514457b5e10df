import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { elementCallbackSource } from '../analysis/elements.js';
import { isFunctionNode, methodCall } from '../analysis/syntax.js';
import type { CallbackShape, Pair } from './pair.js';

export interface CallbackMatch {
  readonly call: TSESTree.CallExpression;
  readonly pair: Pair;
  readonly param: number;
  /** The function is handed each element of `call`'s result (`messages.forEach((m) => …)`), not a delivery of `call`. */
  readonly element?: boolean;
}

type FindPair = (call: TSESTree.CallExpression, methods: (pair: Pair) => ReadonlySet<string>) => Pair | undefined;

/**
 * Which call, if any, hands a function the resource as one of its parameters: the function written in place as
 * the callback argument (`channel.consume(q, async (msg) => …)`), as a property of the object argument
 * (`receiver.subscribe({ async processMessage(message) { … } })`), or declared in this file and passed by name
 * (`channel.consume(q, onMessage)`, `subscribe({ processMessage })`). Also the callback of `forEach`/`map` on the
 * result of an element acquire (`(await receiver.receiveMessages(10)).forEach((m) => …)`): each element in turn.
 */
export function createCallbackMatcher(
  pairs: readonly Pair[],
  sourceCode: Readonly<TSESLint.SourceCode>,
  findPair: FindPair,
): (fn: TSESTree.Node) => CallbackMatch | undefined {
  const shaped = pairs.filter((pair) => pair.callbacks && pair.callbacks.length > 0);
  const methods = new Set(shaped.flatMap((pair) => pair.callbacks?.map((shape) => shape.method) ?? []));
  const byMethod = (pair: Pair): ReadonlySet<string> => new Set(pair.callbacks?.map((shape) => shape.method));
  const listed = pairs.some((pair) => (pair.elementMethods?.size ?? 0) > 0);
  const elementMethods = (pair: Pair): ReadonlySet<string> => pair.elementMethods ?? NONE;

  /** `use` is the callback of `list.forEach(use)`/`list.map(use)` over an element acquire's result. */
  const matchElementUse = (use: TSESTree.Node): CallbackMatch | undefined => {
    const call = listed ? elementCallbackSource(sourceCode, use) : undefined;
    const pair = call && findPair(call, elementMethods);
    return call && pair ? { call, pair, param: 0, element: true } : undefined;
  };

  /** The call `use` (the function or a name for it) is handed to, in the shape a pair expects. */
  const matchUse = (use: TSESTree.Node): CallbackMatch | undefined => {
    let arg: TSESTree.Node = use;
    let property: string | undefined;
    const parent = use.parent;
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === use && !parent.computed) {
      property = parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : String((parent.key as TSESTree.Literal).value);
      arg = parent.parent;
    }
    const call = arg.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression) return undefined;
    if (property === undefined) {
      const element = matchElementUse(use);
      if (element) return element;
    }
    const method = methodCall(call, methods);
    if (!method) return undefined;
    const index = call.arguments.indexOf(arg as TSESTree.CallExpressionArgument);
    if (index === -1) return undefined;
    const fits = (shape: CallbackShape): boolean =>
      shape.method === method.name &&
      shape.argument === index &&
      shape.property === property &&
      (shape.event === undefined || isString(call.arguments[0], shape.event));
    const pair = findPair(call, (candidate) => (candidate.callbacks?.some(fits) ? byMethod(candidate) : new Set()));
    const shape = pair?.callbacks?.find(fits);
    return pair && shape ? { call, pair, param: shape.parameter } : undefined;
  };

  return (fn) => {
    if ((methods.size === 0 && !listed) || !isFunctionNode(fn)) return undefined;
    const direct = matchUse(fn);
    if (direct) return direct;
    // A function declared by name (or a `const` bound to it) and handed over by that name.
    const id =
      fn.type === AST_NODE_TYPES.FunctionDeclaration
        ? fn.id
        : fn.parent.type === AST_NODE_TYPES.VariableDeclarator && fn.parent.init === fn && fn.parent.id.type === AST_NODE_TYPES.Identifier
          ? fn.parent.id
          : null;
    if (!id) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(id), id.name);
    for (const reference of variable?.references ?? []) {
      if (reference.identifier === id) continue;
      const found = matchUse(reference.identifier);
      if (found) return found;
    }
    return undefined;
  };
}

const NONE: ReadonlySet<string> = new Set();

function isString(node: TSESTree.Node | undefined, value: string): boolean {
  return node?.type === AST_NODE_TYPES.Literal && node.value === value;
}
