/**
 * Writes an async case the way tsc down-levels it for targets below ES2017 (src/analysis/down-level.ts), keeping
 * every line and column outside the functions' header lines: `async` is dropped, the body's `{` opens
 * `{ return __awaiter(this, void 0, void 0, function* () {`, its `}` is followed by `); }`, and each `await` becomes
 * `yield` (the same length). An arrow's body becomes the `__awaiter` call itself, as tsc writes it. The helper is
 * declared after the code, in one of the forms tsc emits.
 */
import { parse } from '@typescript-eslint/parser';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

export type HelperForm = 'inline' | 'tslib-import' | 'tslib-require';

/** tsc's inlined helper, verbatim in shape (its body is never run by the tests). */
export const INLINE_HELPER = `
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
`;

const CALLEE: Record<HelperForm, string> = {
  inline: '__awaiter',
  'tslib-import': '__awaiter',
  'tslib-require': '(0, tslib_1.__awaiter)',
};
const DECLARATION: Record<HelperForm, string> = {
  inline: INLINE_HELPER,
  'tslib-import': `\nimport { __awaiter } from 'tslib';\n`,
  'tslib-require': `\nconst tslib_1 = require('tslib');\n`,
};

/** Where an `await` may become `yield` without parentheses (`yield` binds more loosely). */
function yieldFits(parent: TSESTree.Node | undefined): boolean {
  switch (parent?.type) {
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.AssignmentExpression:
      return true;
    default:
      return false;
  }
}

/** Every node with its parent (the parser's tree has no `parent` links). */
function visit(node: TSESTree.Node, parent: TSESTree.Node | undefined, enter: (node: TSESTree.Node, parent: TSESTree.Node | undefined) => void): void {
  enter(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    for (const child of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') visit(child as TSESTree.Node, node, enter);
    }
  }
}

export function downLevel(code: string, form: HelperForm): string {
  const ast = parse(code, { range: true, loc: false }) as TSESTree.Program;
  const edits: { at: number; end: number; text: string }[] = [];
  const callee = CALLEE[form];
  visit(ast, undefined, (node, parent) => {
      if (node.type === AST_NODE_TYPES.AwaitExpression) {
        if (!yieldFits(parent)) throw new Error(`downLevel: write this await as a statement or an initialiser: ${code.slice(...node.range)}`);
        edits.push({ at: node.range[0], end: node.range[0] + 'await'.length, text: 'yield' });
        return;
      }
      if (node.type === AST_NODE_TYPES.ForOfStatement && node.await) throw new Error('downLevel: for await is not down-levelled here');
      if (
        (node.type !== AST_NODE_TYPES.FunctionDeclaration &&
          node.type !== AST_NODE_TYPES.FunctionExpression &&
          node.type !== AST_NODE_TYPES.ArrowFunctionExpression) ||
        !node.async
      ) {
        return;
      }
      if (node.body.type !== AST_NODE_TYPES.BlockStatement) throw new Error('downLevel: give the async arrow a block body');
      const method = parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property ? parent : undefined;
      const from = method ? method.range[0] : node.range[0];
      const keyword = code.indexOf('async', from);
      edits.push({ at: keyword, end: keyword + 'async '.length, text: '' });
      const [open, close] = node.body.range;
      if (node.type === AST_NODE_TYPES.ArrowFunctionExpression) {
        edits.push({ at: open, end: open + 1, text: `${callee}(void 0, void 0, void 0, function* () {` });
        edits.push({ at: close, end: close, text: ')' });
      } else {
        edits.push({ at: open, end: open + 1, text: `{ return ${callee}(this, void 0, void 0, function* () {` });
        edits.push({ at: close, end: close, text: '); }' });
      }
  });
  let text = code;
  for (const edit of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, edit.at) + edit.text + text.slice(edit.end);
  return text + DECLARATION[form];
}
