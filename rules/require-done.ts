import type { TSESLint } from '@typescript-eslint/utils';

import { isSummaryRun } from '../src/analysis/cross-file.js';
import { analysisKey, sharedObligationAnalysis } from '../src/analysis/shared.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { throwModelOptions } from '../src/analysis/throw-settings.js';
import { type LeakMessageId, leakMessages, oneLine, reportLeaks } from '../src/analysis/report.js';
import { DEFAULT_UNTYPED_QUEUE_NAMES, mayCallGet, QUEUE_OPTION_SCHEMA, type QueueOptions, WORK_QUEUE_CROSS_FILE, workQueueMatcher } from '../src/analysis/work-queue.js';
import { createRule } from '../src/util/create-rule.js';

export { DEFAULT_UNTYPED_QUEUE_NAMES, WORK_QUEUE } from '../src/analysis/work-queue.js';

export type Options = [QueueOptions & ThrowModelOptions & { explicitThrowsOnly?: boolean }];

export type MessageIds =
  | LeakMessageId
  | 'discardedGet'
  | 'moveIntoTry'
  | 'wrapInTryFinally';

const rule = createRule<Options, MessageIds>({
  name: 'require-done',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every work-queue `get()` to be marked `done()` on every path, including early exits and throws',
      recommended: 'recommended',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
    },
    // Suggestions and the leak message ids are reported by src/analysis/report.ts, which this plugin rule cannot see.
    // eslint-disable-next-line eslint-plugin/require-meta-has-suggestions
    hasSuggestions: true,
    messages: {
      ...leakMessages(
        'The item from `{{acquire}}` (line {{acquireLine}}) is not marked done',
        'Call `{{release}}` in a `finally` right after {{anchor}}.',
      ),
      discardedGet:
        'The item taken by `{{acquire}}` is never bound, so it can never be marked done. Bind it: `const [item, shutdown] = await {{acquire}}`.',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      moveIntoTry: 'Move the statements before the `try` into it',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      wrapInTryFinally: 'Wrap in `try { … } finally { {{release}}; }`',
    },
    defaultOptions: [
      { queueTypes: [], explicitThrowsOnly: false, untypedQueueNames: DEFAULT_UNTYPED_QUEUE_NAMES, nonThrowing: [], promiseFunctionsMayThrow: false, loggersMayThrow: false },
    ],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          queueTypes: QUEUE_OPTION_SCHEMA.queueTypes,
          explicitThrowsOnly: {
            type: 'boolean',
            description:
              'Treat only `throw` statements as throwing, not every call, `new`, `await` and `yield` between `get()` and `done()`. Misses leaks on error paths.',
          },
          untypedQueueNames: QUEUE_OPTION_SCHEMA.untypedQueueNames,
          ...THROW_MODEL_SCHEMA,
        },
      },
    ],
  },
  create(context, [options]): TSESLint.RuleListener {
    const throwModel = throwModelOptions(context, options);
    const sourceCode = context.sourceCode;
    const queues = workQueueMatcher(context, 'require-done', options);
    // Cheap filter before any listener or type query: no `get(` in the file, nothing to do.
    // A summary run (another file's rule following a helper here) analyses every function.
    if (!mayCallGet(sourceCode.text) && !isSummaryRun(context)) return {};
    const key = analysisKey({ queues: queues.optionsKey, explicitThrowsOnly: options.explicitThrowsOnly ?? false, ...throwModel });
    return sharedObligationAnalysis(key, {
      sourceCode,
      ...queues.analysis,
      crossFile: { name: 'require-done', rule, context, ...WORK_QUEUE_CROSS_FILE },
      explicitThrowsOnly: options.explicitThrowsOnly ?? false,
      throwModel,
      onDiscarded: (call) => {
        context.report({ node: call, messageId: 'discardedGet', data: { acquire: oneLine(sourceCode.getText(call)) } });
      },
      onResult: (result, _fn, queries) =>
        reportLeaks(context, result, queries, (ob) => {
          const release = queues.releaseText(ob);
          return {
            release: release.text,
            describedOnly: !release.code,
            anchor: ob.flagVars.size > 0 || ob.resultVars.size > 0 ? 'the shutdown check' : 'the `get()`',
          };
        }),
    });
  },
});

export default rule;
