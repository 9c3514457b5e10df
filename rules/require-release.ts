import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation } from '../src/analysis/events.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { acquireText, type LeakMessageId, leakMessages, releaseText, reportLeaks, secondReleases } from '../src/analysis/report.js';
import { isFunctionNode, methodCall } from '../src/analysis/syntax.js';
import { guarded, isThenable, typeServices } from '../src/analysis/types.js';
import { createPairMatcher } from '../src/presets/evidence.js';
import { DEFAULT_PRESETS, PRESET_NAMES, PRESETS, type PresetName } from '../src/presets/index.js';
import { PAIR_SCHEMA, type Pair, pairFromOption, type PairOption } from '../src/presets/pair.js';
import { createRule } from '../src/util/create-rule.js';

export { DEFAULT_PRESETS, PRESET_NAMES, type PairOption, type PresetName };
export type Options = [{ presets?: PresetName[]; pairs?: PairOption[]; explicitThrowsOnly?: boolean } & ThrowModelOptions];
export type MessageIds = LeakMessageId | 'discardedAcquire' | 'doubleRelease' | 'moveIntoTry' | 'wrapInTryFinally';

export default createRule<Options, MessageIds>({
  name: 'require-release',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every acquired resource (pg clients, mutex locks, pool resources, stream readers, spans) to be released on every path',
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
      discardedAcquire: 'The {{resource}} acquired by `{{acquire}}` is never bound, so it can never be released.',
      doubleRelease:
        'The {{resource}} from `{{acquire}}` (line {{acquireLine}}) may be released twice. It was already released on a path to here: `{{release}}` runs once.',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      moveIntoTry: 'Move the statements before the `try` into it',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      wrapInTryFinally: 'Wrap in `try { … } finally { {{release}}; }`',
    },
    defaultOptions: [{ presets: [...DEFAULT_PRESETS], pairs: [], explicitThrowsOnly: false, nonThrowing: [], promiseFunctionsMayThrow: false }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          presets: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', enum: [...PRESET_NAMES] },
            description: 'Built-in pairs to check. Default: all of them.',
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
  create(context, [options]) {
    const pairs: Pair[] = [
      ...(options.presets ?? DEFAULT_PRESETS).flatMap((name) => PRESETS[name]),
      ...(options.pairs ?? []).map(pairFromOption),
    ];
    const sourceCode = context.sourceCode;
    const methodNames = [...new Set(pairs.flatMap((pair) => [...pair.methods, ...pair.callbackMethods]))];
    // Cheap filter before any listener or type query.
    if (!methodNames.some((name) => sourceCode.text.includes(`${name}(`))) return {};
    const services = typeServices(context);
    const pairByKind = new Map(pairs.map((pair) => [pair.kind, pair]));
    const acquireMethodNames = new Set(pairs.flatMap((pair) => [...pair.methods]));

    const findPair = createPairMatcher(pairs, sourceCode, services);

    /** A function written in place, a function of this file by name, or (typed) any callable value. */
    const isFunctionArgument = (arg: TSESTree.Node): boolean => {
      if (isFunctionNode(arg)) return true;
      if (arg.type !== AST_NODE_TYPES.Identifier) return false;
      if (services) return guarded(() => services.typeOf(arg).getCallSignatures().length > 0, false);
      const def = ASTUtils.findVariable(sourceCode.getScope(arg), arg.name)?.defs[0];
      if (def?.type === TSESLint.Scope.DefinitionType.FunctionName) return true;
      const init = def?.type === TSESLint.Scope.DefinitionType.Variable ? def.node.init : null;
      return init !== null && isFunctionNode(init);
    };

    const describe = (ob: Obligation): { release: string; describedOnly: boolean; resource: string } => {
      const resource = pairByKind.get(ob.kind)?.resource ?? 'resource';
      const release = releaseText(sourceCode, ob, { receiver: 'pool', handle: resource });
      return { release: release.text, describedOnly: !release.code, resource };
    };

    return createObligationAnalysis({
      sourceCode,
      kinds: pairs.map((pair) => pair.kind),
      explicitThrowsOnly: options.explicitThrowsOnly ?? false,
      throwModel: options,
      matchAcquire: (call) => {
        // Syntax first: only a call of an acquire method's name can acquire, and most calls of a file are not one;
        // the type questions below are asked for those alone.
        const named = methodCall(call);
        if (!named || !acquireMethodNames.has(named.name)) return undefined;
        // Callback-style APIs (`pool.connect((err, client, done) => …)`, `pool.connect(onConnect)`) hand the resource
        // elsewhere.
        if (call.arguments.some(isFunctionArgument)) return undefined;
        const pair = findPair(call, (candidate) => candidate.methods);
        const method = methodCall(call);
        return pair && method ? { kind: pair.kind, receiver: method.object } : undefined;
      },
      matchCallbackAcquire: (fn) => {
        const call = fn.parent;
        if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[call.arguments.length - 1] !== fn) return undefined;
        const pair = findPair(call, (candidate) => candidate.callbackMethods);
        return pair && { call, kind: pair.kind, param: 0 };
      },
      isUnawaitedPromise: services ? (call) => isThenable(services, call) : undefined,
      services,
      onDiscarded: (call, discardedKind) => {
        context.report({
          node: call,
          messageId: 'discardedAcquire',
          data: { acquire: acquireText(sourceCode, call), resource: pairByKind.get(discardedKind)?.resource ?? 'resource' },
        });
      },
      onResult: (result, _fn, queries) => {
        reportLeaks(context, result, queries, (ob) => ({ ...describe(ob), anchor: 'it is acquired' }));
        for (const { node, ob, acquire, acquireLine } of secondReleases(sourceCode, result)) {
          const { release, resource } = describe(ob);
          context.report({ node, messageId: 'doubleRelease', data: { release, resource, acquire, acquireLine } });
        }
      },
    });
  },
});
