import { type TypeOrValueSpecifier, typeOrValueSpecifiersSchema } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Exit, Obligation, ObligationKind } from '../src/analysis/events.js';
import { tryFinallyFix } from '../src/analysis/fixes.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
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
  | 'leakOnReturn'
  | 'leakOnThrow'
  | 'leakOnMayThrow'
  | 'leakOnYield'
  | 'leakOnBreak'
  | 'leakOnContinue'
  | 'leakAtIterationEnd'
  | 'leakAtFunctionEnd'
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
  handleReleases: new Set(),
  callReleases: false,
  describeRelease: (receiver, handle) => `${receiver}.done(${handle})`,
};

const GET = new Set(['get']);
const ADVICE = 'call `{{done}}` in a `finally` that begins right after {{anchor}}.';
const TAKEN = 'The item taken by `{{get}}` on line {{getLine}} is not marked done';

/** The name of the receiver as written last: `queue` in `this.queue`, `errTasks` in `cc.errTasks`. */
function receiverName(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return memberName(node);
  return undefined;
}

function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where the report goes: on the exit that escapes, or on the closing brace a path falls through. */
function exitLocation(sourceCode: Readonly<TSESLint.SourceCode>, exit: Exit): TSESTree.SourceLocation {
  if (exit.type !== 'function-end' && exit.type !== 'iteration-end') return exit.node.loc;
  const owner = exit.node;
  const body = owner.type === AST_NODE_TYPES.Program || owner.type === AST_NODE_TYPES.BlockStatement ? owner : 'body' in owner ? owner.body : owner;
  const last = body && !Array.isArray(body) ? sourceCode.getLastToken(body as TSESTree.Node) : null;
  return last?.loc ?? owner.loc;
}

const EXIT_MESSAGE: Record<Exit['type'], MessageIds> = {
  return: 'leakOnReturn',
  throw: 'leakOnThrow',
  yield: 'leakOnYield',
  break: 'leakOnBreak',
  continue: 'leakOnContinue',
  'iteration-end': 'leakAtIterationEnd',
  'function-end': 'leakAtFunctionEnd',
};

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
      leakOnReturn: `${TAKEN} when the \`return\` on line {{line}} runs; ${ADVICE}`,
      leakOnThrow: `${TAKEN} when the \`throw\` on line {{line}} runs; ${ADVICE}`,
      leakOnMayThrow: `${TAKEN} if \`{{expression}}\` on line {{line}} throws; ${ADVICE}`,
      leakOnYield: `${TAKEN} if the generator is closed at the \`yield\` on line {{line}}; ${ADVICE}`,
      leakOnBreak: `${TAKEN} when the \`break\` on line {{line}} runs; ${ADVICE}`,
      leakOnContinue: `${TAKEN} when the \`continue\` on line {{line}} runs, and the next \`get()\` orphans it; ${ADVICE}`,
      leakAtIterationEnd: `${TAKEN} when the loop iteration ends on line {{line}}, and the next \`get()\` orphans it; ${ADVICE}`,
      leakAtFunctionEnd: `${TAKEN} when the function ends on line {{line}}; ${ADVICE}`,
      discardedGet:
        'The item taken by `{{get}}` is never bound, so it can never be marked done; bind it: `const [item, shutdown] = await {{get}}`.',
      moveIntoTry: 'Move the statements between the shutdown check and the `try` into the `try`, so its `finally` always marks the item done.',
      wrapInTryFinally: 'Wrap the work after the shutdown check in `try { … } finally { {{done}}; }`.',
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
        context.report({ node: call, messageId: 'discardedGet', data: { get: oneLine(sourceCode.getText(call)) } });
      },
      onResult: (result, _fn, queries) => {
        for (const [ob, exit] of result.leaks) {
          if (!ob.acquire) continue;
          const done = releaseText(ob);
          const fix = tryFinallyFix(queries, ob, done);
          context.report({
            loc: exitLocation(sourceCode, exit),
            messageId: exit.type === 'throw' && !exit.explicit ? 'leakOnMayThrow' : EXIT_MESSAGE[exit.type],
            data: {
              get: oneLine(sourceCode.getText(ob.acquire)),
              getLine: ob.acquire.loc.start.line,
              line: exitLocation(sourceCode, exit).start.line,
              expression: oneLine(sourceCode.getText(exit.node)),
              done,
              anchor: ob.flagVars.size > 0 || ob.resultVars.size > 0 ? 'the shutdown check' : 'the `get()`',
            },
            suggest: fix ? [{ messageId: fix.messageId, data: { done }, fix: fix.fix }] : [],
          });
        }
      },
    });
  },
});
