import type { TSESLint } from '@typescript-eslint/utils';

import { isSummaryRun } from '../src/analysis/cross-file.js';
import { analysisKey, sharedObligationAnalysis } from '../src/analysis/shared.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { throwModelOptions } from '../src/analysis/throw-settings.js';
import { pairingText, secondReleases } from '../src/analysis/report.js';
import { mayCallGet, QUEUE_OPTION_SCHEMA, type QueueOptions, WORK_QUEUE_CROSS_FILE, workQueueMatcher } from '../src/analysis/work-queue.js';
import { createRule } from '../src/util/create-rule.js';

export type Options = [QueueOptions & ThrowModelOptions];
export type MessageIds = 'doubleDone' | 'doubleDoneListeners';

const rule = createRule<Options, MessageIds>({
  name: 'no-double-done',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow marking a work-queue item done twice on one path',
      recommended: 'recommended',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
    },
    messages: {
      doubleDone:
        'The item from `{{acquire}}` (line {{acquireLine}}) may be marked done twice. It was already done on a path to here: `{{release}}` runs once.',
      doubleDoneListeners: 'The item from `{{acquire}}` (line {{acquireLine}}) may be marked done twice by listeners. {{pairing}}.',
    },
    defaultOptions: [{ queueTypes: [], nonThrowing: [], promiseFunctionsMayThrow: false, loggersMayThrow: false }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: { ...QUEUE_OPTION_SCHEMA, ...THROW_MODEL_SCHEMA },
      },
    ],
  },
  create(context, [options]): TSESLint.RuleListener {
    const throwModel = throwModelOptions(context, options);
    const { sourceCode } = context;
    const queues = workQueueMatcher(context, 'no-double-done', options);
    // A summary run (another file's rule following a helper here) analyses every function.
    if (!mayCallGet(sourceCode.text) && !isSummaryRun(context)) return {};
    const key = analysisKey({ queues: queues.optionsKey, explicitThrowsOnly: false, ...throwModel });
    return sharedObligationAnalysis(key, {
      sourceCode,
      ...queues.analysis,
      crossFile: { name: 'no-double-done', rule, context, ...WORK_QUEUE_CROSS_FILE },
      // A call that throws between two releases does not make the second one run twice.
      explicitThrowsOnly: false,
      throwModel,
      // Discarded gets are require-done's to report.
      onDiscarded: () => undefined,
      onResult: (result) => {
        for (const { node, ob, acquire, acquireLine, pairing } of secondReleases(sourceCode, result)) {
          if (pairing) {
            const text = pairingText(sourceCode, pairing, 'marks it done');
            context.report({ node, messageId: 'doubleDoneListeners', data: { acquire, acquireLine, pairing: text } });
          } else context.report({ node, messageId: 'doubleDone', data: { acquire, acquireLine, release: queues.releaseText(ob).text } });
        }
      },
    });
  },
});

export default rule;
