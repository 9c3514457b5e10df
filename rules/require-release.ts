import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Exit, Obligation } from '../src/analysis/events.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { throwModelOptions } from '../src/analysis/throw-settings.js';
import { acquireText, type LeakMessageId, leakMessages, oneLine, releaseText, reportLeaks, secondReleases } from '../src/analysis/report.js';
import { elementLoop } from '../src/analysis/elements.js';
import { isFunctionNode, methodCall } from '../src/analysis/syntax.js';
import { guarded, isThenable, typeServices } from '../src/analysis/types.js';
import { createCallbackMatcher } from '../src/presets/callbacks.js';
import { createFunctionAcquireMatcher, createPairMatcher, createReleaseHelperMatcher, pairsPossibleIn } from '../src/presets/evidence.js';
import { constInit } from '../src/presets/options.js';
import { settleBeforeReturn } from '../src/presets/settle-fix.js';
import { DEFAULT_PRESETS, PRESET_NAMES, PRESETS, type PresetName } from '../src/presets/index.js';
import { PAIR_SCHEMA, type Pair, pairFromOption, type PairOption } from '../src/presets/pair.js';
import { createRule } from '../src/util/create-rule.js';
import { isSummaryRun, wrapperCandidateFiles } from '../src/analysis/cross-file.js';

export { DEFAULT_PRESETS, PRESET_NAMES, type PairOption, type PresetName };
export type Options = [{ presets?: PresetName[]; pairs?: PairOption[]; explicitThrowsOnly?: boolean } & ThrowModelOptions];
export type MessageIds =
  | LeakMessageId
  | `${LeakMessageId}Settle`
  | 'discardedAcquire'
  | 'doubleRelease'
  | 'doubleSettle'
  | 'moveIntoTry'
  | 'wrapInTryFinally'
  | 'settleBeforeReturn';

const rule = createRule<Options, MessageIds>({
  name: 'require-release',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every acquired resource (pg clients, mutex locks, pool resources, stream readers, spans, broker messages) to be released on every path',
      recommended: 'recommended',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
      // Without types a preset matches generic receiver names (`pool`, `lock`, `stream`, `body`, `tracer`) that may
      // belong to any library: a guess, so only the type-checked configs turn the rule on.
      typeCheckedConfigsOnly: true,
    },
    // Suggestions and the leak message ids are reported by src/analysis/report.ts, which this plugin rule cannot see.
    // eslint-disable-next-line eslint-plugin/require-meta-has-suggestions
    hasSuggestions: true,
    messages: {
      ...leakMessages(
        'The {{resource}} from `{{acquire}}` (line {{acquireLine}}) is not released',
        'Call `{{release}}` in a `finally` right after {{anchor}}.',
      ),
      // A broker's delivery, in the API's words: `The message delivered to \`channel.consume\` is not acked or
      // nacked at the \`return\` on line 9.`
      ...settleMessages(leakMessages('{{subject}} is not {{pending}}', '{{advice}}')),
      discardedAcquire: 'The {{resource}} acquired by `{{acquire}}` is never bound, so it can never be released.',
      doubleRelease:
        'The {{resource}} from `{{acquire}}` (line {{acquireLine}}) may be released twice. It was already released on a path to here: `{{release}}` runs once.',
      doubleSettle:
        '{{subject}} may be {{settled}} twice. It was already settled on a path to here: `{{release}}` settles it again.',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      settleBeforeReturn: 'Settle with `{{release}}` before this `return`',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      moveIntoTry: 'Move the statements before the `try` into it',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      wrapInTryFinally: 'Wrap in `try { … } finally { {{release}}; }`',
    },
    defaultOptions: [{ presets: [...DEFAULT_PRESETS], pairs: [], explicitThrowsOnly: false, nonThrowing: [], promiseFunctionsMayThrow: false, loggersMayThrow: false }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          presets: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', enum: [...PRESET_NAMES] },
            description: 'Built-in pairs to check. Default: all but web-streams, google-pubsub and azure-service-bus.',
          },
          pairs: { type: 'array', items: PAIR_SCHEMA, description: 'Your own acquire/release pairs.' },
          explicitThrowsOnly: {
            type: 'boolean',
            description: 'Treat only `throw` statements as throwing, not every call, `new`, `await` and `yield`.',
          },
          ...THROW_MODEL_SCHEMA,
        },
      },
    ],
  },
  create(context, [options]): TSESLint.RuleListener {
    const throwModel = throwModelOptions(context, options);
    const configured: Pair[] = [
      ...(options.presets ?? DEFAULT_PRESETS).flatMap((name) => PRESETS[name]),
      ...(options.pairs ?? []).map(pairFromOption),
    ];
    const sourceCode = context.sourceCode;
    const services = typeServices(context);
    const pairs = pairsPossibleIn(configured, sourceCode, context.filename, services);
    const methodNames = [
      ...new Set(
        pairs.flatMap((pair) => [
          ...pair.methods,
          ...pair.callbackMethods,
          ...(pair.callbacks ?? []).map((shape) => shape.method),
          ...(pair.elementMethods ?? []),
          ...[...(pair.extensions?.functions ?? [])].map((path) => path.slice(path.lastIndexOf('.') + 1)),
        ]),
      ),
    ];
    const releaseNames = [
      ...new Set(pairs.flatMap(({ kind: k }) => [...k.receiverReleases, ...k.receiverBareReleases, ...k.handleReleases])),
    ];
    const callReleases = pairs.some((pair) => pair.kind.callReleases);
    const calls = (name: string): boolean => sourceCode.text.includes(`${name}(`);
    // Cheap filter before any listener or type query. Typed, a file may call another file's wrapper
    // (`await db.getClient()`) without naming an acquire itself: the program's wrapper candidates, by name.
    // Functions named only by TypeOrValueSpecifier have no name to look for.
    const byFunctionType = pairs.some((pair) => (pair.extensions?.functionTypes.length ?? 0) > 0);
    if (
      !isSummaryRun(context) &&
      !methodNames.some(calls) &&
      !(services && (byFunctionType || [...wrapperCandidateFiles(services, methodNames).keys()].some(calls)))
    ) {
      return {};
    }
    const pairByKind = new Map(pairs.map((pair) => [pair.kind, pair]));

    const findPair = createPairMatcher(pairs, sourceCode, context.filename, services);
    const findCallback = createCallbackMatcher(pairs, sourceCode, findPair);
    const findFunctionPair = createFunctionAcquireMatcher(pairs, services);
    const acquireMethods = new Set(pairs.flatMap((pair) => [...pair.methods]));
    const origin = constInit(sourceCode);
    const owes = (pair: Pair, call: TSESTree.CallExpression): boolean => pair.owes?.(call, origin, sourceCode) ?? true;

    /**
     * A function written in place, a function of this file by name, or (typed) any callable value. A name this file
     * declares only as a `function` is callable with or without types: the other names cost a type question.
     */
    const isFunctionArgument = (arg: TSESTree.Node): boolean => {
      if (isFunctionNode(arg)) return true;
      if (arg.type !== AST_NODE_TYPES.Identifier) return false;
      const defs = ASTUtils.findVariable(sourceCode.getScope(arg), arg.name)?.defs ?? [];
      const def = defs[0];
      if (defs.length > 0 && defs.every((d) => d.type === TSESLint.Scope.DefinitionType.FunctionName)) return true;
      // A `const` bound to a value syntax shows is no function (`const spanName = \`${a}.${b}\``, `const options = { … }`)
      // needs no type question either.
      if (services && neverCallable(arg, 0)) return false;
      if (services) return guarded(() => services.typeOf(arg).getCallSignatures().length > 0, false);
      if (def?.type === TSESLint.Scope.DefinitionType.FunctionName) return true;
      const init = def?.type === TSESLint.Scope.DefinitionType.Variable ? def.node.init : null;
      return init !== null && isFunctionNode(init);
    };

    /**
     * The value is a primitive, an object or array literal, or a choice between such (`a ? \`x\` : 'y'`, `n || 'anonymous'`
     * when both sides are), or a `const` of this file declared without a type annotation or JSDoc and bound to one: its
     * type has no call signatures, whatever TypeScript would infer.
     */
    const neverCallable = (node: TSESTree.Node, depth: number): boolean => {
      if (depth > 4) return false;
      switch (node.type) {
        case AST_NODE_TYPES.Literal:
        case AST_NODE_TYPES.TemplateLiteral:
        case AST_NODE_TYPES.ObjectExpression:
        case AST_NODE_TYPES.ArrayExpression:
        case AST_NODE_TYPES.BinaryExpression:
        case AST_NODE_TYPES.UnaryExpression:
        case AST_NODE_TYPES.UpdateExpression:
          return true;
        case AST_NODE_TYPES.ConditionalExpression:
          return neverCallable(node.consequent, depth + 1) && neverCallable(node.alternate, depth + 1);
        case AST_NODE_TYPES.LogicalExpression:
          return neverCallable(node.left, depth + 1) && neverCallable(node.right, depth + 1);
        case AST_NODE_TYPES.Identifier: {
          const defs = ASTUtils.findVariable(sourceCode.getScope(node), node.name)?.defs ?? [];
          const [def] = defs;
          if (defs.length !== 1 || def?.type !== TSESLint.Scope.DefinitionType.Variable) return false;
          const declarator = def.node;
          const declaration = declarator.parent;
          if (declaration.kind !== 'const' || declarator.id !== def.name || declarator.id.typeAnnotation || !declarator.init) return false;
          // JavaScript reads a JSDoc `@type` as the declared type.
          const commented = [declaration, declaration.parent].some((statement) => sourceCode.getCommentsBefore(statement).some((comment) => comment.value.includes('@')));
          return !commented && neverCallable(declarator.init, depth + 1);
        }
        default:
          return false;
      }
    };

    const describe = (ob: Obligation): { release: string; describedOnly: boolean; resource: string } => {
      const resource = pairByKind.get(ob.kind)?.resource ?? 'resource';
      const release = releaseText(sourceCode, ob, { receiver: 'pool', handle: resource });
      return { release: release.text, describedOnly: !release.code, resource };
    };

    /**
     * A delivery (a broker message, a job) and what it is handed through: a callback parameter, a loop's element,
     * or an acquiring call. Pairs with a wording, and every callback or element shape, speak of it this way.
     */
    const delivery = (ob: Obligation): { subject: string; pending: string; settled: string; advice: string } | undefined => {
      const pair = pairByKind.get(ob.kind);
      if (!pair || !ob.acquire) return undefined;
      const shaped = ob.binding.type === AST_NODE_TYPES.Identifier || elementBinding(ob);
      if (!pair.wording && !(shaped && (pair.callbacks?.length || pair.elementMethods?.size))) return undefined;
      const { release } = describe(ob);
      const line = ob.acquire.loc.start.line;
      // A `forEach`/`map` callback's parameter is an element of the list: named by the call that took the list.
      const element = pair.elementMethods?.has(methodCall(ob.acquire)?.name ?? '') ?? false;
      const subject =
        ob.binding.type === AST_NODE_TYPES.Identifier && !element
          ? // The report sits inside the callback: the call it was handed to is enough to place it.
            `The ${pair.resource} delivered to \`${oneLine(sourceCode.getText(ob.acquire.callee), 22)}\``
          : `The ${pair.resource} from \`${oneLine(acquireText(sourceCode, ob.acquire), 22)}\` (line ${line})`;
      return {
        subject,
        pending: pair.wording?.pending ?? 'released',
        settled: pair.wording?.settled ?? 'released',
        advice: `Settle it on every path: \`${release}\` when the work is done.`,
      };
    };

    return createObligationAnalysis({
      sourceCode,
      kinds: pairs.map((pair) => pair.kind),
      explicitThrowsOnly: options.explicitThrowsOnly ?? false,
      throwModel,
      matchAcquire: (call) => {
        // Names first: the questions below may need types.
        const method = methodCall(call);
        const byMethod = method !== undefined && acquireMethods.has(method.name);
        // A function that acquires (`open(path)`): no receiver; the resource releases itself or goes to a helper.
        const byFunction = byMethod ? undefined : findFunctionPair(call);
        if (!byMethod && !byFunction) return undefined;
        // The receiver's pair before the arguments' types: a call no pair's receiver matches acquires nothing, and
        // then its arguments need no question.
        const pair = byMethod ? findPair(call, (candidate) => candidate.methods) : undefined;
        if (byMethod && !pair) return undefined;
        // Callback-style APIs (`pool.connect((err, client, done) => …)`, `pool.connect(onConnect)`) hand the resource
        // elsewhere.
        if (call.arguments.some(isFunctionArgument)) return undefined;
        if (pair && method) return owes(pair, call) ? { kind: pair.kind, receiver: method.object } : undefined;
        return byFunction && { kind: byFunction.kind, receiver: undefined };
      },
      releaseHelper: createReleaseHelperMatcher(pairs, services),
      matchCallbackAcquire: (fn) => {
        const shaped = findCallback(fn);
        if (shaped) {
          const method = methodCall(shaped.call);
          return owes(shaped.pair, shaped.call)
            ? { call: shaped.call, kind: shaped.pair.kind, param: shaped.param, receiver: method?.object }
            : undefined;
        }
        const call = fn.parent;
        if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[call.arguments.length - 1] !== fn) return undefined;
        const pair = findPair(call, (candidate) => candidate.callbackMethods);
        return pair && { call, kind: pair.kind, param: 0 };
      },
      matchElementAcquire: (call) => {
        const pair = findPair(call, (candidate) => candidate.elementMethods ?? NO_METHODS);
        const method = methodCall(call);
        return pair && method && owes(pair, call) ? { kind: pair.kind, receiver: method.object } : undefined;
      },
      isUnawaitedPromise: services ? (call) => isThenable(services, call) : undefined,
      services,
      crossFile: { name: 'require-release', rule, context, acquireNames: methodNames, releaseNames, callReleases },
      onDiscarded: (call, discardedKind) => {
        context.report({
          node: call,
          messageId: 'discardedAcquire',
          data: { acquire: acquireText(sourceCode, call), resource: pairByKind.get(discardedKind)?.resource ?? 'resource' },
        });
      },
      onResult: (result, _fn, queries) => {
        reportLeaks(context, result, queries, (ob) => {
          const words = delivery(ob);
          if (!words) return { ...describe(ob), anchor: 'it is acquired' };
          const pair = pairByKind.get(ob.kind);
          return {
            ...describe(ob),
            anchor: 'it is acquired',
            family: 'Settle',
            data: words,
            suggestAt: (exit: Exit) => (pair ? settleBeforeReturn(sourceCode, queries, ob, pair, exit) : undefined),
          };
        });
        for (const { node, ob, acquire, acquireLine } of secondReleases(sourceCode, result)) {
          const { release, resource } = describe(ob);
          const words = delivery(ob);
          if (words) {
            context.report({
              node,
              messageId: 'doubleSettle',
              data: { subject: words.subject, settled: words.settled, release: oneLine(sourceCode.getText(node), 30) },
            });
          } else {
            context.report({ node, messageId: 'doubleRelease', data: { release, resource, acquire, acquireLine } });
          }
        }
      },
    });
  },
});

const NO_METHODS: ReadonlySet<string> = new Set();

function elementBinding(ob: Obligation): boolean {
  return elementLoop(ob.binding) !== undefined;
}

/** The leak messages of the delivery family: the same exits, with ids ending in `Settle`. */
function settleMessages(messages: Record<LeakMessageId, string>): Record<`${LeakMessageId}Settle`, string> {
  return Object.fromEntries(Object.entries(messages).map(([id, text]) => [`${id}Settle`, text])) as Record<`${LeakMessageId}Settle`, string>;
}

export default rule;
