/**
 * RuleTester instances shared by every rule test: one typed through the TypeScript project service, one without type
 * information (the rules' name-based fallback).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RuleTester, type RuleTesterConfig, type RunTests } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import * as vitest from 'vitest';

import { checkSuggestions } from './suggestions.js';

RuleTester.afterAll = vitest.afterAll;
RuleTester.describe = vitest.describe;
// A case without a `name` is named by its code; the reporter prints slow ones, so each would print a whole program.
RuleTester.it = (text, callback) => vitest.it(caseName(text), callback);
RuleTester.itOnly = (text, callback) => vitest.it.only(caseName(text), callback);

/** A test's name as the reporter shows it: a case's code on one line, without the appended queue prelude, cut short. */
export function caseName(text: string): string {
  const code = text.endsWith(QUEUE_PRELUDE) ? text.slice(0, -QUEUE_PRELUDE.length) : text;
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

export const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixture');

/** A RuleTester that also applies and re-parses every suggestion of the invalid cases it runs (suggestions.ts). */
class SuggestionCheckingTester extends RuleTester {
  constructor(
    config: RuleTesterConfig | undefined,
    private readonly typed: { readonly tsconfigRootDir: string } | undefined,
  ) {
    super(config);
  }

  override run<MessageIds extends string, Options extends readonly unknown[]>(
    ruleName: string,
    rule: TSESLint.RuleModule<MessageIds, Options>,
    test: RunTests<MessageIds, Options>,
  ): void {
    super.run(ruleName, rule, test);
    checkSuggestions(ruleName, rule, test.invalid, this.typed);
  }
}

export const typedTester: RuleTester = new SuggestionCheckingTester(
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: fixtureDir,
      },
    },
  },
  { tsconfigRootDir: fixtureDir },
);

export const untypedTester: RuleTester = new SuggestionCheckingTester(undefined, undefined);

/** A valid case for the typed run: the queue declarations appended. */
export function validWithQueuePrelude<T extends { code: string }>(test: string | T): T | { code: string } {
  return typeof test === 'string' ? { code: test + QUEUE_PRELUDE } : { ...test, code: test.code + QUEUE_PRELUDE };
}

/** An invalid case for the typed run: the queue declarations appended to its code and to every suggestion output. */
export function invalidWithQueuePrelude<T extends { code: string; errors: readonly object[] }>(test: T): T {
  const withPrelude = (error: object): object => {
    if (!('suggestions' in error) || !Array.isArray(error.suggestions)) return error;
    const suggestions = (error.suggestions as { output: string }[]).map((suggestion) => ({
      ...suggestion,
      output: suggestion.output + QUEUE_PRELUDE,
    }));
    return { ...error, suggestions };
  };
  return { ...test, code: test.code + QUEUE_PRELUDE, errors: test.errors.map(withPrelude) };
}

/**
 * Declarations the typed cases rely on. They go at the end of each case, so line numbers in assertions are the case's
 * own: TypeScript hoists declarations for type checking.
 */
export const QUEUE_PRELUDE = `
interface Queue<T> {
  get(options?: { signal?: AbortSignal }): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  lease(): Promise<{ item: T; shutdown: boolean; done(): boolean; [Symbol.asyncDispose](): Promise<void> }>;
  done(item: T): void;
  add(item: T): void;
  addRateLimited(item: T): void;
  forget(item: T): void;
  numRequeues(item: T): number;
  len(): number;
}
declare const q: Queue<string>;
declare const other: Queue<string>;
declare function work(item: unknown): Promise<void>;
declare function sync(item: unknown): void;
declare function check(item: unknown): boolean;
declare function log(...args: unknown[]): void;
`;
