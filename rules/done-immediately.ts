import type { TSESLint } from '@typescript-eslint/utils';

import { lateTry } from '../src/analysis/fixes.js';
import { isSummaryRun } from '../src/analysis/cross-file.js';
import { analysisKey, sharedObligationAnalysis } from '../src/analysis/shared.js';
import { acquireText } from '../src/analysis/report.js';
import { mayCallGet, QUEUE_OPTION_SCHEMA, type QueueOptions, WORK_QUEUE_CROSS_FILE, workQueueMatcher } from '../src/analysis/work-queue.js';
import { createRule } from '../src/util/create-rule.js';
import { throwModelOptions } from '../src/analysis/throw-settings.js';

export type Options = [QueueOptions & { deferToRequireDone?: boolean }];
export type MessageIds = 'doneNotImmediate' | 'moveIntoTry';

const rule = createRule<Options, MessageIds>({
  name: 'done-immediately',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Require the `try` whose `finally` marks a work-queue item done to begin right after the shutdown check',
      recommended: 'strict',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
      // Every config that turns this rule on turns require-done on too: leave the leaks to it, one report per leak.
      configOptions: [{ deferToRequireDone: true }],
    },
    hasSuggestions: true,
    messages: {
      doneNotImmediate:
        'Begin the `try` whose `finally` calls `{{release}}` right after the shutdown check on line {{acquireLine}}. {{count}} statement(s) run before it, where a later change can leak the item taken by `{{acquire}}`.',
      moveIntoTry: 'Move the statements before the `try` into it',
    },
    defaultOptions: [{ queueTypes: [], deferToRequireDone: false }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...QUEUE_OPTION_SCHEMA,
          deferToRequireDone: {
            type: 'boolean',
            description:
              'Stay silent when a statement between the shutdown check and the `try` already leaks the item (a `return`, a `throw`, a call that may throw): `require-done` reports that exit. The plugin configs set it.',
          },
        },
      },
    ],
  },
  create(context, [options]): TSESLint.RuleListener {
    // done-immediately has no throw-model options of its own: the shared settings, as require-done reads them.
    const throwModel = throwModelOptions(context);
    const { sourceCode } = context;
    const queues = workQueueMatcher(context, 'done-immediately', options);
    // A summary run (another file's rule following a helper here) analyses every function.
    if (!mayCallGet(sourceCode.text) && !isSummaryRun(context)) return {};
    const key = analysisKey({ queues: queues.optionsKey, explicitThrowsOnly: false, ...throwModel });
    return sharedObligationAnalysis(key, {
      sourceCode,
      ...queues.analysis,
      crossFile: { name: 'done-immediately', rule, context, ...WORK_QUEUE_CROSS_FILE },
      // The paths require-done follows with its default options, so that the two agree on what leaks.
      explicitThrowsOnly: false,
      throwModel,
      // Without deferToRequireDone, a question about layout, not paths.
      dataflow: options.deferToRequireDone === true,
      onDiscarded: () => undefined,
      onResult: (result, fn, queries) => {
        for (const ob of fn.obligations) {
          if (!ob.acquire) continue;
          const late = lateTry(queries, ob);
          const first = late?.between[0];
          if (!late || !first) continue;
          const last = late.between[late.between.length - 1] ?? first;
          // With deferToRequireDone, a statement between the check and the `try` that already leaks the item (a
          // `return`, a `throw`, a call that may throw) is require-done's finding, reported on that exit: one leak,
          // one report. (Without the dataflow, `result.leaks` is empty.)
          const leaks = result.leaks.get(ob) ?? [];
          if (leaks.some((leak) => leak.node.range[0] >= first.range[0] && leak.node.range[1] <= last.range[1])) continue;
          context.report({
            loc: { start: first.loc.start, end: last.loc.end },
            messageId: 'doneNotImmediate',
            data: {
              release: queues.releaseText(ob).text,
              acquire: acquireText(sourceCode, ob.acquire),
              acquireLine: ob.acquire.loc.start.line,
              count: late.between.length,
            },
            suggest: late.fix ? [{ messageId: 'moveIntoTry', fix: late.fix.fix }] : [],
          });
        }
      },
    });
  },
});

export default rule;
