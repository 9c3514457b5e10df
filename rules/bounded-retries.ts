import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { type Listeners, mergeListeners } from '../src/analysis/code-path.js';
import type { ObligationKind } from '../src/analysis/events.js';
import { isAbrupt } from '../src/analysis/fixes.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { throwModelOptions } from '../src/analysis/throw-settings.js';
import { statementList } from '../src/analysis/routing.js';
import { methodCall, receiverText, someNode, unwrapValue } from '../src/analysis/syntax.js';
import { QUEUE_OPTION_SCHEMA, type QueueOptions, WORK_QUEUE, workQueueMatcher } from '../src/analysis/work-queue.js';
import { createRule } from '../src/util/create-rule.js';

export type Options = [QueueOptions & ThrowModelOptions];
export type MessageIds = 'unboundedRetry' | 'missingForget' | 'addForget';

/**
 * The retry cap as an obligation: from the `get()`, the item is "unchecked" until `numRequeues(item)` is compared
 * with a cap; `addRateLimited(item)` is a checkpoint that must not run while it is unchecked.
 */
const RETRY_CHECK: ObligationKind = {
  ...WORK_QUEUE,
  id: 'workqueue-retry',
  receiverReleases: new Set(['numRequeues']),
  checkpoints: new Set(['addRateLimited']),
  describeRelease: (receiver, handle) => (handle === undefined ? undefined : `${receiver}.numRequeues(${handle})`),
};

const RELATIONAL = new Set(['>', '>=', '<', '<=']);
const FORGET = new Set(['forget']);
const NUM_REQUEUES = new Set(['numRequeues']);

/** A cap: a number literal, a constant, or a configuration field (`this.maxRetries`, `config.retries.max`). */
function isCap(node: TSESTree.Node): boolean {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'number';
  if (value.type === AST_NODE_TYPES.Identifier) return value.name !== 'undefined';
  if (value.type === AST_NODE_TYPES.MemberExpression) return !value.computed && (isCap(value.object) || value.object.type === AST_NODE_TYPES.ThisExpression);
  return false;
}

type CapComparison = { comparison: TSESTree.BinaryExpression; exceededWhenTrue: boolean };

/**
 * `numRequeues(item) > cap` or `cap < numRequeues(item)`: the comparison and whether true means "give up". The
 * count may be read into a `const` first: `const retries = q.numRequeues(item); if (retries >= MAX) …`.
 */
function capComparison(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): CapComparison | undefined {
  const direct = comparisonAt(call);
  if (direct) return direct;
  const declarator = call.parent;
  if (
    declarator.type !== AST_NODE_TYPES.VariableDeclarator ||
    declarator.init !== call ||
    declarator.parent.kind !== 'const' ||
    declarator.id.type !== AST_NODE_TYPES.Identifier
  ) {
    return undefined;
  }
  for (const variable of sourceCode.getDeclaredVariables(declarator)) {
    for (const reference of variable.references) {
      const found = reference.isRead() ? comparisonAt(reference.identifier) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function comparisonAt(value: TSESTree.Node): CapComparison | undefined {
  let node: TSESTree.Node = value;
  while (node.parent?.type === AST_NODE_TYPES.TSAsExpression || node.parent?.type === AST_NODE_TYPES.TSNonNullExpression) {
    node = node.parent;
  }
  const comparison = node.parent;
  if (comparison?.type !== AST_NODE_TYPES.BinaryExpression || !RELATIONAL.has(comparison.operator)) return undefined;
  const callOnLeft = comparison.left === node;
  if (!isCap(callOnLeft ? comparison.right : comparison.left)) return undefined;
  const greater = comparison.operator === '>' || comparison.operator === '>=';
  return { comparison, exceededWhenTrue: callOnLeft === greater };
}

/**
 * A comparison is a retry cap only if the branch taken past it gives up (ends the work or forgets the item): a
 * threshold that only decides whether to log re-queues all the same. `n < cap` guards the re-queue itself.
 */
function isCapCheck(
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  forgets: (region: readonly TSESTree.Node[]) => boolean,
): boolean {
  const found = capComparison(sourceCode, call);
  if (!found) return false;
  if (!found.exceededWhenTrue) return true;
  const region = giveUpRegion(found.comparison, found.exceededWhenTrue);
  return region !== undefined && (region.some(isAbrupt) || forgets(region));
}

/** The statements that run when the cap is exceeded, for the `if` the comparison decides. */
function giveUpRegion(comparison: TSESTree.BinaryExpression, exceededWhenTrue: boolean): TSESTree.Node[] | undefined {
  let test: TSESTree.Node = comparison;
  let truthy = exceededWhenTrue;
  while (test.parent.type === AST_NODE_TYPES.UnaryExpression && test.parent.operator === '!') {
    test = test.parent;
    truthy = !truthy;
  }
  const statement = test.parent;
  if (statement.type !== AST_NODE_TYPES.IfStatement || statement.test !== test) return undefined;
  if (truthy) return [statement.consequent];
  if (statement.alternate) return [statement.alternate];
  const list = statementList(statement.parent);
  return list ? [...list.slice(list.indexOf(statement) + 1)] : undefined;
}

export default createRule<Options, MessageIds>({
  name: 'bounded-retries',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require a retry cap before `addRateLimited(item)`, and `forget(item)` when the cap is reached',
      recommended: 'recommended',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      unboundedRetry:
        '`{{call}}` re-queues the item taken on line {{acquireLine}} with no retry cap on this path. Compare `{{queue}}.numRequeues({{item}})` with a limit first and give up past it, or the item is retried forever.',
      missingForget:
        'The branch that gives up when `{{comparison}}` does not call `{{queue}}.forget({{item}})`. The rate limiter keeps the item\'s failure count forever.',
      addForget: 'Call `{{queue}}.forget({{item}})` first',
    },
    defaultOptions: [{ queueTypes: [], nonThrowing: [], promiseFunctionsMayThrow: false, loggersMayThrow: false }],
    schema: [{ type: 'object', additionalProperties: false, properties: { ...QUEUE_OPTION_SCHEMA, ...THROW_MODEL_SCHEMA } }],
  },
  create(context, [options]) {
    const throwModel = throwModelOptions(context, options);
    const { sourceCode } = context;
    const queues = workQueueMatcher(context, 'bounded-retries', options);
    // Cheap filter: no re-queue and no cap check, nothing to do.
    if (!sourceCode.text.includes('addRateLimited') && !sourceCode.text.includes('numRequeues')) return {};

    /** `queue.forget(item)` somewhere in the region, by the same spelling. */
    const forgetsIn = (region: readonly TSESTree.Node[], queue: string, itemText: string): boolean =>
      region.some((node) =>
        someNode(sourceCode, node, (inner) => {
          if (inner.type !== AST_NODE_TYPES.CallExpression || !inner.arguments[0]) return false;
          const forget = methodCall(inner, FORGET);
          return forget !== undefined && sourceCode.getText(forget.object) === queue && sourceCode.getText(inner.arguments[0]) === itemText;
        }),
      );

    const checkForget = (call: TSESTree.CallExpression): void => {
      const method = methodCall(call, NUM_REQUEUES);
      const item = call.arguments[0];
      const found = capComparison(sourceCode, call);
      if (!method || !item || !found || !queues.isQueue(method.object)) return;
      const region = giveUpRegion(found.comparison, found.exceededWhenTrue);
      if (!region) return;
      const queue = sourceCode.getText(method.object);
      const itemText = sourceCode.getText(item);
      // A threshold whose branch neither gives up nor forgets is no cap: unboundedRetry speaks for it.
      if (found.exceededWhenTrue && !region.some(isAbrupt)) return;
      if (forgetsIn(region, queue, itemText)) return;
      const block = region.length === 1 && region[0]?.type === AST_NODE_TYPES.BlockStatement ? region[0] : undefined;
      const firstStatement = block?.body[0];
      // On the give-up branch, where the forget goes.
      context.report({
        node: firstStatement ?? region[0] ?? found.comparison,
        messageId: 'missingForget',
        data: { comparison: sourceCode.getText(found.comparison), queue, item: itemText },
        suggest:
          block && firstStatement
            ? [
                {
                  messageId: 'addForget',
                  data: { queue, item: itemText },
                  fix: (fixer: TSESLint.RuleFixer) => {
                    const indent = /^[ \t]*/.exec(sourceCode.lines[firstStatement.loc.start.line - 1] ?? '')?.[0] ?? '';
                    return fixer.insertTextBefore(firstStatement, `${queue}.forget(${itemText});\n${indent}`);
                  },
                },
              ]
            : [],
      });
    };

    // A re-queue is the only checkpoint (as a call, or inside a same-file helper): without one in the file, the
    // dataflow can find nothing, and only the forget check runs.
    const extra: Listeners = { 'CallExpression:exit': checkForget };
    if (!sourceCode.text.includes('addRateLimited')) return extra;

    const analysis = createObligationAnalysis({
      sourceCode,
      ...queues.analysis,
      kinds: [RETRY_CHECK],
      matchAcquire: (call) => {
        // The retry cap follows items from get(); a lease's item is reached through lease.item, not followed.
        const match = queues.analysis.matchAcquire(call);
        return match?.kind === WORK_QUEUE ? { ...match, kind: RETRY_CHECK } : undefined;
      },
      acceptRelease: (call) => {
        const method = methodCall(call);
        const item = call.arguments[0];
        if (!method || !item) return false;
        const queue = sourceCode.getText(method.object);
        return isCapCheck(sourceCode, call, (region) => forgetsIn(region, queue, sourceCode.getText(item)));
      },
      // Implicit throws are how a catch block that re-queues is reached.
      explicitThrowsOnly: false,
      throwModel,
      // Untyped, what a helper imported from another file of the package may throw is read from that file, as
      // the other rules do; typed, the throw model reads it through the program. (No \`crossFile\`: a cap check is
      // not followed into helpers of other files.)
      importContext: context,
      // Only the checkpoints reached are read: a function without one is not solved.
      checkpointsOnly: true,
      onDiscarded: () => undefined,
      onResult: (result) => {
        for (const [ob, calls] of result.checkpoints) {
          if (!ob.acquire) continue;
          for (const call of calls) {
            context.report({
              node: call,
              messageId: 'unboundedRetry',
              data: {
                call: sourceCode.getText(call),
                acquireLine: ob.acquire.loc.start.line,
                queue: ob.receiverNode ? receiverText(sourceCode, ob.receiverNode) : 'queue',
                item: call.arguments[0] ? sourceCode.getText(call.arguments[0]) : 'item',
              },
            });
          }
        }
      },
    });
    return mergeListeners(analysis as Listeners, extra);
  },
});
