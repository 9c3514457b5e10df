/**
 * Whether a call's result is used as a promise: the evidence that a callee of unknown type (no type information,
 * or typed `any` / `Function`) returns one. The throw model treats such a call as it treats a call typed as
 * returning a promise — it rejects rather than throws, unless the user asks for the strict view
 * (`promiseFunctionsMayThrow`) — so `original.apply(this, args).then(end, end)` is one path per outcome, not an
 * exception point before the handlers are attached.
 *
 * The result is used as a promise when it reaches, with nothing in between but type assertions and optional
 * chains, the receiver of a `.then(…)`, `.catch(…)` or `.finally(…)` call:
 * - directly: `work(item).then(…)`;
 * - through a `const` it initialises, any of whose reads is such a receiver (`const p = work(item); p.then(…)`, also
 *   behind a `typeof p?.then === 'function'` test: the author expects a promise there);
 * - as what a callback returns to an OpenTelemetry runner that returns it in turn (`context.with(ctx, () =>
 *   original.apply(this)).then(…)`, `startActiveSpan(name, () => f())`), when the runner's own result is used as a
 *   promise.
 *
 * `await`ing a value is no evidence (`await` takes any value), and neither is returning it.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { HandleIndex } from './handles.js';
import { isFunctionNode, memberName } from './syntax.js';
import { PROMISE_METHODS } from './throw-tables.js';

const { DefinitionType } = TSESLint.Scope;

export interface PromiseUsageDeps {
  readonly handles: HandleIndex;
  /** The call is an OpenTelemetry runner (`context.with`, `startActiveSpan`) that returns what its callback returns. */
  isCallbackRunner(call: TSESTree.CallExpression): boolean;
}

export class PromiseUsage {
  private readonly memo = new Map<TSESTree.Node, boolean>();

  constructor(private readonly deps: PromiseUsageDeps) {}

  /** The value of `node` (a call) is used as a promise, as the file comment says. */
  resultUsedAsPromise(node: TSESTree.Node): boolean {
    let answer = this.memo.get(node);
    if (answer === undefined) {
      // Cycles cannot occur (each step goes to an enclosing node or a later read), but be safe against re-entry.
      this.memo.set(node, false);
      answer = this.decide(node);
      this.memo.set(node, answer);
    }
    return answer;
  }

  private decide(node: TSESTree.Node): boolean {
    const value = outermostValue(node);
    const parent = value.parent;
    if (!parent) return false;
    if (isPromiseMethodReceiver(value)) return true;
    if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === value) return this.constUsedAsPromise(parent);
    const fn = returnedBy(value);
    if (fn) {
      const runner = fn.parent;
      if (runner?.type === AST_NODE_TYPES.CallExpression && runner.arguments.includes(fn as TSESTree.CallExpressionArgument)) {
        return this.deps.isCallbackRunner(runner) && this.resultUsedAsPromise(runner);
      }
    }
    return false;
  }

  private constUsedAsPromise(declarator: TSESTree.VariableDeclarator): boolean {
    if (declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = this.deps.handles.resolve(declarator.id);
    const def = variable?.defs[0];
    if (!variable || def?.type !== DefinitionType.Variable || def.parent.kind !== 'const') return false;
    return variable.references.some((reference) => reference.isRead() && isPromiseMethodReceiver(outermostValue(reference.identifier)));
  }
}

/** The node, or the type assertion / non-null assertion / optional chain wrapped around it. */
function outermostValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    switch (parent.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.ChainExpression:
        current = parent;
        break;
      default:
        return current;
    }
  }
}

/** `value.then(…)`, `value.catch(…)`, `value?.finally(…)`: the value is the receiver of a promise method call. */
function isPromiseMethodReceiver(value: TSESTree.Node): boolean {
  const member = value.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== value) return false;
  const method = memberName(member);
  if (method === undefined || !PROMISE_METHODS.has(method)) return false;
  const call = member.parent;
  return call.type === AST_NODE_TYPES.CallExpression && call.callee === member;
}

/** The function `value` is returned from: an arrow's expression body, or a `return` directly in its body. */
function returnedBy(value: TSESTree.Node): TSESTree.Node | undefined {
  const parent = value.parent;
  if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === value) return parent;
  if (parent?.type !== AST_NODE_TYPES.ReturnStatement) return undefined;
  for (let node: TSESTree.Node | undefined = parent.parent; node; node = node.parent) {
    if (isFunctionNode(node)) return node;
  }
  return undefined;
}
