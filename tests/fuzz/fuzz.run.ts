/**
 * The full differential fuzz run (workqueue/require-done and workqueue/no-double-done against the
 * oracle, both rules in one lint per case), driven by `npm run fuzz` (scripts/fuzz.mjs) through
 * scripts/fuzz.vitest.config.ts. Not matched by the normal `tests/**\/*.test.ts` include.
 *
 * Environment: FUZZ_RUNS (default 10000), FUZZ_SEED (default random), FUZZ_TYPED=1 (typed
 * linting), FUZZ_ORACLE_ONLY=1 (no linter: oracle statistics and timing only), FUZZ_FORMS=v1|v2|v3 (the model, default v3), FUZZ_SHOW (disagreements printed, default 3), FUZZ_REPORT (write the text report
 * and a JSON summary here instead of only printing).
 */
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { formatReport, lintWithRules, lintWithRulesTyped, runDifferential } from './differential.js';
import type { Forms } from './ir.js';

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const typed = process.env.FUZZ_TYPED === '1';
const show = Number(process.env.FUZZ_SHOW ?? 3);
const oracleOnly = process.env.FUZZ_ORACLE_ONLY === '1';
const forms: Forms = process.env.FUZZ_FORMS === 'v1' || process.env.FUZZ_FORMS === 'v2' ? process.env.FUZZ_FORMS : 'v3';

it(`differential fuzz: ${runs} runs, seed ${seed}, forms ${forms}${typed ? ', typed' : ''}${oracleOnly ? ', oracle only' : ''}`, async () => {
  let report;
  try {
    report = await runDifferential({
      numRuns: runs,
      seed,
      lint: oracleOnly ? null : typed ? lintWithRulesTyped : lintWithRules,
      gen: { forms },
      typed,
    });
  } catch (e) {
    const msg = `differential fuzz could not run: ${e instanceof Error ? e.message : String(e)}`;
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ error: msg, text: msg }));
    throw e;
  }
  const text = formatReport(report, show);
  if (process.env.FUZZ_REPORT) {
    // the JSON summary: counts only (the disagreements are in `text`)
    const summary: Partial<typeof report> = { ...report };
    delete summary.disagreements;
    delete summary.counterexample;
    delete summary.doubleLineMismatches;
    delete summary.leakLineMismatches;
    writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ ...summary, typed, oracleOnly, forms, text }));
  } else {
    console.log(text);
  }
  expect(report.disagreementCount, text).toBe(0);
});
