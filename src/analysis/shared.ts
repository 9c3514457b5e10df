/**
 * One analysis per file for every rule that asks the same question. `require-done`, `no-double-done` and (in the
 * configs) `done-immediately` run the same dataflow over the same kinds: the first of them in a file registers the
 * analysis's listeners, and the others subscribe to its results, so the file is recorded and solved once.
 *
 * Sharing is keyed by everything that changes the analysis (the kinds, the queue options, the throw model), so rules
 * configured differently still get their own. Whether the dataflow runs is not part of the key: recording is the same
 * either way, so a rule that needs only the obligations (`done-immediately` by default) subscribes to the analysis
 * of a rule that solves, gets the same empty result it would get alone, and the file is recorded once for both; the
 * analysis solves when any subscriber needs it. Nothing outlives the file: the cache is
 * keyed by the file's `SourceCode`, which ESLint makes anew for every file and fix pass — `--cache` and
 * `--concurrency` see no state across files.
 */
import type { TSESLint } from '@typescript-eslint/utils';

import { createObligationAnalysis, type ObligationAnalysisOptions } from './obligations.js';

interface Subscriber {
  readonly onDiscarded: ObligationAnalysisOptions['onDiscarded'];
  readonly onResult: ObligationAnalysisOptions['onResult'];
  /** The subscriber wants the dataflow's result (otherwise it gets the empty one the analysis gives without it). */
  readonly dataflow: boolean;
}

const perFile = new WeakMap<object, Map<string, Subscriber[]>>();

/**
 * `createObligationAnalysis`, shared with the other rules of this file whose `shareKey` is the same. The key must
 * say everything the options decide besides the callbacks (`onDiscarded`, `onResult`), which every subscriber gets,
 * and `dataflow`, which each subscriber says for itself.
 */
export function sharedObligationAnalysis(shareKey: string, options: ObligationAnalysisOptions): TSESLint.RuleListener {
  let analyses = perFile.get(options.sourceCode);
  if (!analyses) perFile.set(options.sourceCode, (analyses = new Map<string, Subscriber[]>()));
  const subscriber: Subscriber = {
    onDiscarded: options.onDiscarded.bind(options),
    onResult: options.onResult.bind(options),
    dataflow: options.dataflow !== false,
  };
  const known = analyses.get(shareKey);
  if (known) {
    known.push(subscriber);
    return {};
  }
  const subscribers: Subscriber[] = [subscriber];
  analyses.set(shareKey, subscribers);
  return createObligationAnalysis({
    ...options,
    // Read when the file is solved, after every rule of the file has subscribed.
    get dataflow() {
      return subscribers.some((s) => s.dataflow);
    },
    onDiscarded: (call, kind) => {
      for (const s of subscribers) s.onDiscarded(call, kind);
    },
    onResult: (result, fn, queries) => {
      for (const s of subscribers) {
        s.onResult(s.dataflow ? result : { leaks: new Map(), doubles: new Map(), checkpoints: new Map() }, fn, queries);
      }
    },
  });
}

/** The part of a share key every rule computes the same way: what changes the analysis, not what the rule reports. */
export function analysisKey(parts: Record<string, unknown>): string {
  return JSON.stringify(parts, (_key, value: unknown) => (value instanceof RegExp ? value.source : value));
}
