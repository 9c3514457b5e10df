/**
 * Every suggestion of every invalid RuleTester case, applied and re-parsed. RuleTester checks that a suggestion parses
 * only when the case spells out its output; this runs the rule over each case's code with ESLint's Linter, applies
 * every suggestion it offers, and parses the result with @typescript-eslint/parser. It runs from tester.ts, on the
 * cases the rule test files already pass to `run`, so no case is written twice.
 *
 * In `npm test`, every case untyped and every fifth typed (a typed lint costs a program update); with
 * `WORKQUEUE_SUGGESTIONS=all` (`npm run suggestions:all`) every typed case too.
 */
import path from 'node:path';

import parser from '@typescript-eslint/parser';
import type { InvalidTestCase } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import * as vitest from 'vitest';

import { parseError } from '../crash/hunt.js';

export const TYPED_SAMPLE_EVERY = process.env.WORKQUEUE_SUGGESTIONS === 'all' ? 1 : 5;

export interface SuggestionCounts {
  cases: number;
  reports: number;
  suggestions: number;
  failures: { code: string; output: string; message: string }[];
}

export function applySuggestions(
  rule: TSESLint.RuleModule<string, readonly unknown[]>,
  cases: readonly InvalidTestCase<string, readonly unknown[]>[],
  typed: { readonly tsconfigRootDir: string } | undefined,
): SuggestionCounts {
  const counts: SuggestionCounts = { cases: 0, reports: 0, suggestions: 0, failures: [] };
  const root = typed?.tsconfigRootDir ?? process.cwd();
  const linter = new Linter({ configType: 'flat', cwd: root });
  cases.forEach((test, index) => {
    if (typed && index % TYPED_SAMPLE_EVERY !== 0) return;
    const filename = path.join(root, test.filename ?? 'file.ts');
    const parserOptions: Record<string, unknown> = typed ? { projectService: true, tsconfigRootDir: typed.tsconfigRootDir } : {};
    const config: Linter.Config[] = [
      {
        files: ['**/*.ts', '**/*.tsx', '**/*.js'],
        languageOptions: { parser, parserOptions },
        plugins: { test: { rules: { rule: rule as never } } },
        rules: { 'test/rule': (test.options ? ['error', ...test.options] : 'error') as Linter.RuleEntry },
      },
    ];
    counts.cases++;
    for (const message of linter.verify(test.code, config, filename)) {
      if (message.fatal || message.ruleId === null) {
        counts.failures.push({ code: test.code, output: '', message: `the case did not lint: ${message.message}` });
        continue;
      }
      counts.reports++;
      for (const suggestion of message.suggestions ?? []) {
        const [from, to] = suggestion.fix.range;
        const output = test.code.slice(0, from) + suggestion.fix.text + test.code.slice(to);
        counts.suggestions++;
        const error = parseError(output, filename);
        if (error) counts.failures.push({ code: test.code, output, message: error });
      }
    }
  });
  return counts;
}

/** Registers the check for one `run` of a rule tester. */
export function checkSuggestions(
  name: string,
  rule: TSESLint.RuleModule<string, readonly unknown[]>,
  cases: readonly InvalidTestCase<string, readonly unknown[]>[],
  typed: { readonly tsconfigRootDir: string } | undefined,
): void {
  if (cases.length === 0) return;
  vitest.describe(name, () => {
    vitest.it('every suggestion of every invalid case re-parses', () => {
      const counts = applySuggestions(rule, cases, typed);
      console.log(
        `${name}: ${String(counts.cases)} cases linted${typed && TYPED_SAMPLE_EVERY > 1 ? ` (every ${String(TYPED_SAMPLE_EVERY)}th)` : ''}, ` +
          `${String(counts.reports)} reports, ${String(counts.suggestions)} suggestions applied, ${String(counts.failures.length)} parse failures`,
      );
      vitest.expect(counts.failures).toEqual([]);
      // Each invalid case reports under Linter as it does under RuleTester: the check lints what the tests test.
      vitest.expect(counts.reports).toBeGreaterThanOrEqual(counts.cases);
    });
  });
}
