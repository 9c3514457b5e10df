import { lateTry } from '../src/analysis/fixes.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { acquireText } from '../src/analysis/report.js';
import { mayCallGet, QUEUE_OPTION_SCHEMA, type QueueOptions, workQueueMatcher } from '../src/analysis/work-queue.js';
import { createRule } from '../src/util/create-rule.js';

export type Options = [QueueOptions];
export type MessageIds = 'doneNotImmediate' | 'moveIntoTry';

export default createRule<Options, MessageIds>({
  name: 'done-immediately',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Require the `try` whose `finally` marks a work-queue item done to begin right after the shutdown check',
      recommended: 'strict',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      doneNotImmediate:
        'Begin the `try` whose `finally` calls `{{release}}` right after the shutdown check of `{{acquire}}` (line {{acquireLine}}): {{count}} statement(s) run before it, where a later change can leak the item.',
      moveIntoTry: 'Move the statements between the shutdown check and the `try` into the `try`.',
    },
    defaultOptions: [{ queueTypes: [] }],
    schema: [{ type: 'object', additionalProperties: false, properties: { ...QUEUE_OPTION_SCHEMA } }],
  },
  create(context, [options]) {
    const { sourceCode } = context;
    const queues = workQueueMatcher(context, 'done-immediately', options);
    if (!mayCallGet(sourceCode.text)) return {};
    return createObligationAnalysis({
      sourceCode,
      ...queues.analysis,
      explicitThrowsOnly: false,
      // A question about layout, not paths.
      dataflow: false,
      onDiscarded: () => undefined,
      onResult: (_result, fn, queries) => {
        for (const ob of fn.obligations) {
          if (!ob.acquire) continue;
          const late = lateTry(queries, ob);
          const first = late?.between[0];
          if (!late || !first) continue;
          const last = late.between[late.between.length - 1] ?? first;
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
