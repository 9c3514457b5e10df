import { type TypeOrValueSpecifier, typeOrValueSpecifiersSchema } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation, ObligationKind } from '../src/analysis/events.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { type LeakMessageId, leakMessages, oneLine, reportLeaks } from '../src/analysis/report.js';
import { memberName, methodCall } from '../src/analysis/syntax.js';
import { hasMethods, isOpaque, isThenable, matchesSpecifiers, typeServices } from '../src/analysis/types.js';
import { createRule } from '../src/util/create-rule.js';

export type Options = [
  {
    queueTypes?: TypeOrValueSpecifier[];
    explicitThrowsOnly?: boolean;
    untypedQueueNames?: string;
  },
];

export type MessageIds =
  | LeakMessageId
  | 'discardedGet'
  | 'moveIntoTry'
  | 'wrapInTryFinally';

export const DEFAULT_UNTYPED_QUEUE_NAMES = '^(?:q|wq|.*[Qq]ueue|.*[Tt]asks)$';

/** client-go's contract: `const [item, shutdown] = await q.get()`, then exactly one `q.done(item)`. */
export const WORK_QUEUE: ObligationKind = {
  id: 'workqueue',
  handle: { index: 0, key: 'item' },
  flag: { index: 1, key: 'shutdown' },
  receiverReleases: new Set(['done']),
  receiverBareReleases: new Set(),
  unboundHolds: false,
  handleReleases: new Set(),
  callReleases: false,
  describeRelease: (receiver, handle) => `${receiver}.done(${handle})`,
};

const GET = new Set(['get']);

/** The name of the receiver as written last: `queue` in `this.queue`, `errTasks` in `cc.errTasks`. */
function receiverName(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return memberName(node);
  return undefined;
}

export default createRule<Options, MessageIds>({
  name: 'require-done',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every work-queue `get()` to be marked `done()` on every path, including early exits and throws',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    hasSuggestions: true,
    messages: {
      ...leakMessages(
        'The item taken by `{{acquire}}` on line {{acquireLine}} is not marked done',
        'call `{{release}}` in a `finally` that begins right after {{anchor}}.',
      ),
      discardedGet:
        'The item taken by `{{acquire}}` is never bound, so it can never be marked done; bind it: `const [item, shutdown] = await {{acquire}}`.',
      moveIntoTry: 'Move the statements between the shutdown check and the `try` into the `try`, so its `finally` always marks the item done.',
      wrapInTryFinally: 'Wrap the work after the shutdown check in `try { … } finally { {{release}}; }`.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          queueTypes: {
            ...typeOrValueSpecifiersSchema,
            description:
              'Types to treat as work queues besides any type with a no-argument `get()` and a one-argument `done()` (TypeOrValueSpecifier format).',
          },
          explicitThrowsOnly: {
            type: 'boolean',
            description:
              'Treat only `throw` statements as throwing, not every call, `new`, `await` and `yield` between `get()` and `done()`. Misses leaks on error paths.',
          },
          untypedQueueNames: {
            type: 'string',
            description:
              'Regular expression for receiver names treated as queues when a file has no type information (or the receiver is `any`).',
          },
        },
      },
    ],
  },
  defaultOptions: [{ queueTypes: [], explicitThrowsOnly: false, untypedQueueNames: DEFAULT_UNTYPED_QUEUE_NAMES }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    let namePattern: RegExp;
    try {
      namePattern = new RegExp(options.untypedQueueNames ?? DEFAULT_UNTYPED_QUEUE_NAMES);
    } catch (error) {
      throw new Error(
        `workqueue/require-done: option "untypedQueueNames" is not a valid regular expression: ${(error as Error).message}`,
      );
    }
    // Cheap filter before any listener or type query: no `get(` in the file, nothing to do.
    if (!/\bget\s*\(/.test(sourceCode.text)) return {};
    const services = typeServices(context);
    const queueTypes = options.queueTypes ?? [];

    const isQueue = (receiver: TSESTree.Node): boolean => {
      if (services) {
        const type = services.typeOf(receiver);
        if (!isOpaque(type)) return hasMethods(services, type, 'get', ['done']) || matchesSpecifiers(services, type, queueTypes);
      }
      const name = receiverName(receiver);
      return name !== undefined && namePattern.test(name);
    };

    const releaseText = (ob: Obligation): string => {
      const receiver = ob.receiverNode ? sourceCode.getText(ob.receiverNode) : 'queue';
      const [handle] = ob.handleVars;
      const [result] = ob.resultVars;
      const handleText = handle?.name ?? (result ? `${result.name}[0]` : 'item');
      return ob.kind.describeRelease(receiver, handleText);
    };

    return createObligationAnalysis({
      sourceCode,
      kinds: [WORK_QUEUE],
      explicitThrowsOnly: options.explicitThrowsOnly ?? false,
      matchAcquire: (call) => {
        if (call.arguments.length !== 0) return undefined;
        const method = methodCall(call, GET);
        if (!method || !isQueue(method.object)) return undefined;
        return { kind: WORK_QUEUE, receiver: method.object };
      },
      isUnawaitedPromise: services ? (call) => isThenable(services, call) : undefined,
      isAcquireReceiver: (node) => isQueue(node),
      onDiscarded: (call) => {
        context.report({ node: call, messageId: 'discardedGet', data: { acquire: oneLine(sourceCode.getText(call)) } });
      },
      onResult: (result, _fn, queries) =>
        reportLeaks(context, result, queries, (ob) => ({
          release: releaseText(ob),
          anchor: ob.flagVars.size > 0 || ob.resultVars.size > 0 ? 'the shutdown check' : 'the `get()`',
        })),
    });
  },
});
