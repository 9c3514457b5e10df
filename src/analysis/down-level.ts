/**
 * TypeScript's down-levelled `async` functions. For targets below ES2017, tsc compiles
 *
 *     async function f(a) { const client = await pool.connect(); … }
 *
 * to a function that returns a call of its `__awaiter` helper (inlined at the top of the file, or tslib's):
 *
 *     function f(a) { return __awaiter(this, void 0, void 0, function* () { const client = yield pool.connect(); … }); }
 *
 * The helper drives the generator to completion: each `yield e` awaits `e` (it resumes with the value, or throws the
 * rejection into the generator at that point), what the generator returns resolves the promise, and what it throws
 * rejects it; it never calls the generator's `return()`, so a `yield` there is no point where a consumer may close it.
 * Inside such a generator, `yield e` is `await e` and the generator is the async function's body; the function that
 * returns the call is an async function.
 *
 * Only tsc's shape counts: a generator function expression (not `async`) that is the fourth and last argument of a
 * call of `__awaiter`, `X.__awaiter` or `(0, X.__awaiter)`, whose value the enclosing function returns (`return …;`
 * or an arrow's expression body). A `__awaiter` the file declares itself at the top level must be the helper: tsc's
 * inlined `var __awaiter = (this && this.__awaiter) || function (…) {…}`, an import of that name (from tslib, or from
 * a bundler's copy of it: rollup's `./_virtual/_tslib.js`), or a `require` of a module; for `X.__awaiter`, `X` is a
 * namespace import or a `require` of a module. A function or object of the user's that happens to have the name is
 * not the helper, and its generator stays an ordinary generator. (An undeclared `__awaiter` is the global one tsc's
 * `noEmitHelpers` expects.) The ES5 form, a `__generator` state machine
 * inside a plain function, is not recognised: its awaited values come back through `_a.sent()`, which the analysis
 * cannot read, so nothing in it is an acquire and the rules stay silent there.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { requiredSpecifier } from './syntax.js';

type FunctionLike = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

const HELPER = '__awaiter';

/** Per program: the top-level names it declares, and whether each is the helper (or a namespace holding it). */
const declaredByProgram = new WeakMap<TSESTree.Program, ReadonlyMap<string, boolean>>();
/** Per generator function expression: whether it is a down-levelled async body. */
const bodies = new WeakMap<TSESTree.Node, boolean>();

/**
 * `require('…')` of a module (tslib, or a bundler's copy of it such as rollup's `./_virtual/_tslib.js`), also inside
 * a module-interop helper (tsc's `__importStar(…)`): a namespace whose `__awaiter` is the helper.
 */
function requiresModule(node: TSESTree.Node): boolean {
  return requiredSpecifier(node) !== undefined;
}

/** tsc's inlined helper: `(this && this.__awaiter) || function (thisArg, _arguments, P, generator) {…}`. */
function isInlinedHelper(init: TSESTree.Node): boolean {
  if (init.type !== AST_NODE_TYPES.LogicalExpression || init.operator !== '||') return false;
  const { left, right } = init;
  if (right.type !== AST_NODE_TYPES.FunctionExpression && right.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
  if (left.type !== AST_NODE_TYPES.LogicalExpression || left.operator !== '&&') return false;
  const member = left.right;
  return (
    left.left.type === AST_NODE_TYPES.ThisExpression &&
    member.type === AST_NODE_TYPES.MemberExpression &&
    member.object.type === AST_NODE_TYPES.ThisExpression &&
    !member.computed &&
    member.property.type === AST_NODE_TYPES.Identifier &&
    member.property.name === HELPER
  );
}

function declaredNames(program: TSESTree.Program): ReadonlyMap<string, boolean> {
  let names = declaredByProgram.get(program);
  if (names) return names;
  const found = new Map<string, boolean>();
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      // `import { __awaiter } from 'tslib'` (or from a bundler's copy of it), `import * as tslib from 'tslib'`.
      for (const specifier of statement.specifiers) {
        const imported = specifier.type === AST_NODE_TYPES.ImportSpecifier ? specifier.imported : undefined;
        const name = imported?.type === AST_NODE_TYPES.Identifier ? imported.name : undefined;
        found.set(specifier.local.name, imported === undefined || name === HELPER || statement.source.value === 'tslib');
      }
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const init = declarator.init;
        if (declarator.id.type === AST_NODE_TYPES.Identifier) {
          const helper =
            init !== null &&
            (requiresModule(init) ||
              (declarator.id.name === HELPER &&
                (isInlinedHelper(init) ||
                  (init.type === AST_NODE_TYPES.MemberExpression && requiresModule(init.object)))));
          found.set(declarator.id.name, helper);
        } else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
          // `const { __awaiter } = require('tslib')`.
          const required = init !== null && requiresModule(init);
          for (const property of declarator.id.properties) {
            if (property.type === AST_NODE_TYPES.Property && property.value.type === AST_NODE_TYPES.Identifier) {
              found.set(property.value.name, required);
            }
          }
        }
      }
    } else if (statement.type === AST_NODE_TYPES.FunctionDeclaration || statement.type === AST_NODE_TYPES.ClassDeclaration) {
      found.set(statement.id.name, false);
    }
  }
  names = found;
  declaredByProgram.set(program, names);
  return names;
}

function programOf(node: TSESTree.Node): TSESTree.Program {
  let current: TSESTree.Node = node;
  while (current.type !== AST_NODE_TYPES.Program) current = current.parent;
  return current;
}

/** The call's callee names tsc's helper: `__awaiter`, `tslib_1.__awaiter`, `(0, tslib_1.__awaiter)`. */
function calleeIsHelper(call: TSESTree.CallExpression): boolean {
  let callee: TSESTree.Node = call.callee;
  if (callee.type === AST_NODE_TYPES.SequenceExpression) callee = callee.expressions.at(-1) ?? callee;
  let name: string;
  if (callee.type === AST_NODE_TYPES.Identifier && callee.name === HELPER) name = HELPER;
  else if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    !callee.computed &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === HELPER &&
    callee.object.type === AST_NODE_TYPES.Identifier
  ) {
    name = callee.object.name;
  } else return false;
  return declaredNames(programOf(call)).get(name) !== false;
}

/** `__awaiter(this, void 0, void 0, function* () { … })`, in tsc's shape, its value returned by its function. */
export function isAwaiterCall(node: TSESTree.Node): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length !== 4) return false;
  const body = node.arguments[3];
  if (body?.type !== AST_NODE_TYPES.FunctionExpression || !body.generator || body.async) return false;
  const parent = node.parent;
  const returned =
    (parent.type === AST_NODE_TYPES.ReturnStatement && parent.argument === node) ||
    (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node);
  return returned && calleeIsHelper(node);
}

/** The generator is the body of a down-levelled async function: `yield` in it is `await`. */
export function isAwaiterBody(fn: TSESTree.Node): boolean {
  if (fn.type !== AST_NODE_TYPES.FunctionExpression || !fn.generator) return false;
  let answer = bodies.get(fn);
  if (answer === undefined) {
    const call = fn.parent;
    answer = call.type === AST_NODE_TYPES.CallExpression && call.arguments[3] === fn && isAwaiterCall(call);
    bodies.set(fn, answer);
  }
  return answer;
}

/** A down-levelled async body given `this` as the helper's `thisArg`: its `this` is the enclosing function's. */
export function bindsEnclosingThis(fn: TSESTree.Node): boolean {
  return isAwaiterBody(fn) && fn.parent?.type === AST_NODE_TYPES.CallExpression && fn.parent.arguments[0]?.type === AST_NODE_TYPES.ThisExpression;
}

/** A `yield` (not `yield*`) directly in a down-levelled async body: an `await`. */
export function isAwaiterYield(node: TSESTree.Node): node is TSESTree.YieldExpression {
  if (node.type !== AST_NODE_TYPES.YieldExpression || node.delegate) return false;
  let current: TSESTree.Node | undefined = node.parent;
  while (
    current &&
    current.type !== AST_NODE_TYPES.FunctionExpression &&
    current.type !== AST_NODE_TYPES.FunctionDeclaration &&
    current.type !== AST_NODE_TYPES.ArrowFunctionExpression
  ) {
    current = current.parent;
  }
  return current !== undefined && isAwaiterBody(current);
}

/** `await e`, or its down-levelled form `yield e` in an `__awaiter` body. */
export function isAwaitLike(node: TSESTree.Node): node is TSESTree.AwaitExpression | TSESTree.YieldExpression {
  return node.type === AST_NODE_TYPES.AwaitExpression || isAwaiterYield(node);
}

/**
 * An async function, written so or down-levelled: declared `async`, or one whose body returns an `__awaiter` call
 * (after tsc's own `const _super = …` / `var _this = this` declarations).
 */
export function isAsyncFunction(fn: FunctionLike): boolean {
  return fn.async || downLevelledBody(fn) !== undefined;
}

/** The generator that is the body of a down-levelled async function `fn`, if `fn` is one. */
export function downLevelledBody(fn: FunctionLike): TSESTree.FunctionExpression | undefined {
  let returned: TSESTree.Node | null | undefined;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) returned = fn.body;
  else {
    const statements = fn.body.body;
    const last = statements.at(-1);
    const prologue = statements.slice(0, -1).every(
      (statement) =>
        statement.type === AST_NODE_TYPES.VariableDeclaration &&
        statement.declarations.every((d) => d.id.type === AST_NODE_TYPES.Identifier && d.id.name.startsWith('_')),
    );
    returned = prologue && last?.type === AST_NODE_TYPES.ReturnStatement ? last.argument : undefined;
  }
  if (returned?.type !== AST_NODE_TYPES.CallExpression || !isAwaiterCall(returned)) return undefined;
  return returned.arguments[3] as TSESTree.FunctionExpression;
}
