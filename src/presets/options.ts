import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { unwrapAwaited, unwrapValue } from '../analysis/syntax.js';

/** The option is not written: the argument or the property is missing. */
export const ABSENT: unique symbol = Symbol('absent');
/** The option is written in a form the rule cannot read: a variable, a spread, a computed key. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type LiteralOption = typeof ABSENT | typeof UNKNOWN | string | number | boolean | null;

/**
 * A literal option of a call, as the code writes it: `ABSENT` when the argument or the property is missing,
 * the literal value when it is written in place, `UNKNOWN` when the rule cannot read it (a variable, a spread, a
 * computed key). Presets owe nothing they cannot judge on `UNKNOWN`.
 */
export function literalOption(
  call: TSESTree.CallExpression,
  argument: number,
  property: string,
): LiteralOption {
  const arg = call.arguments[argument];
  if (!arg) return ABSENT;
  const value = unwrapValue(arg);
  if (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined') return ABSENT;
  if (value.type !== AST_NODE_TYPES.ObjectExpression) return UNKNOWN;
  let found: LiteralOption = ABSENT;
  for (const prop of value.properties) {
    if (prop.type === AST_NODE_TYPES.SpreadElement) {
      found = UNKNOWN;
      continue;
    }
    if (prop.computed) {
      found = UNKNOWN;
      continue;
    }
    const key = prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : String((prop.key as TSESTree.Literal).value);
    if (key !== property) continue;
    const written = unwrapValue(prop.value);
    found = written.type === AST_NODE_TYPES.Literal && !('regex' in written) && typeof written.value !== 'bigint' ? written.value : UNKNOWN;
  }
  return found;
}

/** Where a value came from: the initialiser of the `const` an identifier names, looking through `await`. */
export type ConstInit = (node: TSESTree.Node) => TSESTree.Node | undefined;

export function constInit(
  sourceCode: Readonly<TSESLint.SourceCode>,
): ConstInit {
  return (node) => {
  const value = unwrapValue(node);
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(value), value.name);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.parent?.type !== AST_NODE_TYPES.VariableDeclaration) return undefined;
  if (def.parent.kind !== 'const' || !def.node.init) return undefined;
  return unwrapAwaited(def.node.init).inner;
  };
}
