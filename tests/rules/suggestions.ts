/**
 * Every suggestion of every invalid RuleTester case, applied and re-parsed. RuleTester checks that a suggestion parses
 * only when the case spells out its output; this runs the rule over each case's code with ESLint's Linter, applies
 * every suggestion it offers, and parses the result with @typescript-eslint/parser; for the typed cases it also
 * type-checks input and output under the fixture's tsconfig, and fails on any type error the suggestion adds. It runs from tester.ts, on the
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
import * as ts from 'typescript';
import * as vitest from 'vitest';

import { parseError } from '../crash/hunt.js';

export const TYPED_SAMPLE_EVERY = process.env.WORKQUEUE_SUGGESTIONS === 'all' ? 1 : 5;

export interface SuggestionCounts {
  cases: number;
  reports: number;
  suggestions: number;
  /** Typed suggestions whose output was type-checked against their input. */
  typeChecked: number;
  failures: { code: string; output: string; message: string }[];
}

/** Type errors of one file under the fixture's tsconfig, with the library files parsed once for every check. */
export class TypeCheck {
  private readonly options: ts.CompilerOptions;
  private readonly host: ts.CompilerHost;
  private readonly files = new Map<string, ts.SourceFile | undefined>();
  private program: ts.Program | undefined;

  constructor(tsconfigRootDir: string) {
    const configPath = path.join(tsconfigRootDir, 'tsconfig.json');
    const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    this.options = { ...(config?.options ?? {}), noEmit: true };
    this.host = ts.createCompilerHost(this.options);
  }

  errors(code: string, filename: string): string[] {
    const base = this.host;
    const host: ts.CompilerHost = {
      ...base,
      getSourceFile: (name, language) => {
        if (name === filename) return ts.createSourceFile(name, code, language, true);
        if (!this.files.has(name)) this.files.set(name, base.getSourceFile(name, language));
        return this.files.get(name);
      },
      fileExists: (name) => name === filename || base.fileExists(name),
      readFile: (name) => (name === filename ? code : base.readFile(name)),
    };
    this.program = ts.createProgram({ rootNames: [filename], options: this.options, host, oldProgram: this.program });
    const file = this.program.getSourceFile(filename);
    const diagnostics = [...this.program.getSyntacticDiagnostics(file), ...this.program.getSemanticDiagnostics(file)];
    return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }
}

export function applySuggestions(
  rule: TSESLint.RuleModule<string, readonly unknown[]>,
  cases: readonly InvalidTestCase<string, readonly unknown[]>[],
  typed: { readonly tsconfigRootDir: string } | undefined,
): SuggestionCounts {
  const counts: SuggestionCounts = { cases: 0, reports: 0, suggestions: 0, typeChecked: 0, failures: [] };
  const types = typed ? new TypeCheck(typed.tsconfigRootDir) : undefined;
  const root = typed?.tsconfigRootDir ?? process.cwd();
  const linter = new Linter({ configType: 'flat', cwd: root });
  cases.forEach((test, index) => {
    if (typed && index % TYPED_SAMPLE_EVERY !== 0) return;
    // A case may name its file absolutely (a fixture folder's helpers or declaration files beside it).
    const filename = path.resolve(root, test.filename ?? 'file.ts');
    const parserOptions: Record<string, unknown> = typed ? { projectService: true, tsconfigRootDir: typed.tsconfigRootDir } : {};
    const config: Linter.Config[] = [
      {
        files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
        languageOptions: { parser, parserOptions },
        plugins: { test: { rules: { rule: rule as never } } },
        rules: { 'test/rule': (test.options ? ['error', ...test.options] : 'error') as Linter.RuleEntry },
        // A case configured through shared settings (`settings.workqueue`) lints with them here too.
        ...(test.settings ? { settings: test.settings } : {}),
      },
    ];
    counts.cases++;
    let inputErrors: Set<string> | undefined;
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
        if (error) {
          counts.failures.push({ code: test.code, output, message: error });
          continue;
        }
        // Typed: the suggestion may not add a type error to a case that had none of that kind.
        if (types) {
          inputErrors ??= new Set(types.errors(test.code, filename));
          const added = types.errors(output, filename).filter((text) => !inputErrors?.has(text));
          counts.typeChecked++;
          if (added.length > 0) counts.failures.push({ code: test.code, output, message: `new type errors: ${added.join('; ')}` });
        }
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
          `${String(counts.reports)} reports, ${String(counts.suggestions)} suggestions applied (${String(counts.typeChecked)} type-checked), ` +
          `${String(counts.failures.length)} failures`,
      );
      vitest.expect(counts.failures).toEqual([]);
      // Each invalid case reports under Linter as it does under RuleTester: the check lints what the tests test.
      vitest.expect(counts.reports).toBeGreaterThanOrEqual(counts.cases);
    });
  });
}
