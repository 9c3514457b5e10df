/**
 * One analysis per file for every rule that asks the same question. `require-done`, `no-double-done` and (in the
 * configs) `done-immediately` run the same dataflow over the same kinds: the first of them in a file registers the
 * analysis's listeners, and the others subscribe to its results, so the file is recorded and solved once.
 *
 * Sharing is keyed by everything that changes the analysis (the kinds, the queue options, the throw model, whether
 * the dataflow runs), so rules configured differently still get their own. Nothing outlives the file: the cache is
 * keyed by the file's `SourceCode`, which ESLint makes anew for every file and fix pass — `--cache` and
 * `--concurrency` see no state across files.
 */
import type { TSESLint } from '@typescript-eslint/utils';

import { createObligationAnalysis, type ObligationAnalysisOptions } from './obligations.js';

interface Subscribers {
  readonly discarded: ObligationAnalysisOptions['onDiscarded'][];
  readonly results: ObligationAnalysisOptions['onResult'][];
}

const perFile = new WeakMap<object, Map<string, Subscribers>>();

/**
 * `createObligationAnalysis`, shared with the other rules of this file whose `shareKey` is the same. The key must
 * say everything the options decide besides the callbacks (`onDiscarded`, `onResult`), which every subscriber gets.
 */
export function sharedObligationAnalysis(shareKey: string, options: ObligationAnalysisOptions): TSESLint.RuleListener {
  let analyses = perFile.get(options.sourceCode);
  if (!analyses) perFile.set(options.sourceCode, (analyses = new Map<string, Subscribers>()));
  const known = analyses.get(shareKey);
  if (known) {
    known.discarded.push(options.onDiscarded.bind(options));
    known.results.push(options.onResult.bind(options));
    return {};
  }
  const subscribers: Subscribers = { discarded: [options.onDiscarded.bind(options)], results: [options.onResult.bind(options)] };
  analyses.set(shareKey, subscribers);
  return createObligationAnalysis({
    ...options,
    onDiscarded: (call, kind) => {
      for (const onDiscarded of subscribers.discarded) onDiscarded(call, kind);
    },
    onResult: (result, fn, queries) => {
      for (const onResult of subscribers.results) onResult(result, fn, queries);
    },
  });
}

/** The part of a share key every rule computes the same way: what changes the analysis, not what the rule reports. */
export function analysisKey(parts: Record<string, unknown>): string {
  return JSON.stringify(parts, (_key, value: unknown) => (value instanceof RegExp ? value.source : value));
}
