/**
 * Lints the executed fixtures with `workqueue/require-done` and its two companions, `workqueue/no-double-done` and
 * `workqueue/bounded-retries`, typed, through the project's tsconfig: one `ESLint` instance and one TypeScript program
 * (the project service opens `tsconfig.json`, which includes `tests/**`) for every file. A probe rule checks that
 * each file really got type information.
 */
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { ESLint, Linter } from 'eslint';

import plugin from '../../src/index.js';

export const RULE_ID = 'workqueue/require-done';
export const DOUBLE_DONE_RULE_ID = 'workqueue/no-double-done';
export const RETRIES_RULE_ID = 'workqueue/bounded-retries';
/** The rules every fixture is linted with. */
export const RULE_IDS = [RULE_ID, DOUBLE_DONE_RULE_ID, RETRIES_RULE_ID] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface LintReport {
  line: number;
  column: number;
  messageId: string;
  message: string;
}

export interface LintOutcome {
  /** `workqueue/require-done` reports, in source order. */
  reports: LintReport[];
  /** Every rule's reports, in source order (`byRule['workqueue/require-done']` is `reports`). */
  byRule: Record<RuleId, LintReport[]>;
  /** The file was linted with a TypeScript program that contains it. */
  typed: boolean;
}

/** Records, per file, whether the parser handed the rules a program that contains the file. */
function typeInfoProbe(seen: Map<string, boolean>): TSESLint.RuleModule<never> {
  return {
    meta: { type: 'problem', schema: [], messages: {} },
    create(context) {
      const services = context.sourceCode.parserServices as { program?: { getSourceFile(file: string): unknown } | null };
      const program = services.program;
      seen.set(path.resolve(context.filename), program != null && program.getSourceFile(context.filename) !== undefined);
      return {};
    },
  };
}

const isRuleId = (id: string | null): id is RuleId => (RULE_IDS as readonly (string | null)[]).includes(id);

const toReport = (m: Linter.LintMessage): LintReport => ({ line: m.line, column: m.column, messageId: m.messageId ?? '', message: m.message });

/** Lints `files` (absolute paths) typed with {@link RULE_IDS}; throws on parse errors or any message from another rule. */
export async function lintTyped(root: string, files: readonly string[]): Promise<Map<string, LintOutcome>> {
  const typedFiles = new Map<string, boolean>();
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tsParser,
          parserOptions: { projectService: true, tsconfigRootDir: root },
        },
        plugins: {
          workqueue: plugin as unknown as ESLint.Plugin,
          harness: { rules: { 'type-info': typeInfoProbe(typedFiles) } } as unknown as ESLint.Plugin,
        },
        rules: { ...Object.fromEntries(RULE_IDS.map((id) => [id, 'error'])), 'harness/type-info': 'error' },
      },
    ],
  });
  const results = await eslint.lintFiles([...files]);
  const out = new Map<string, LintOutcome>();
  for (const result of results) {
    const foreign = result.messages.filter((m) => !isRuleId(m.ruleId));
    if (foreign.length > 0) {
      throw new Error(`${result.filePath}: ${foreign.map((m) => `${m.line}:${m.column} ${m.message}`).join('; ')}`);
    }
    const byRule = Object.fromEntries(
      RULE_IDS.map((id) => [id, result.messages.filter((m) => m.ruleId === id).map(toReport)]),
    ) as Record<RuleId, LintReport[]>;
    out.set(path.resolve(result.filePath), {
      reports: byRule[RULE_ID],
      byRule,
      typed: typedFiles.get(path.resolve(result.filePath)) ?? false,
    });
  }
  return out;
}

/** The same rule without type information (it then recognises queues by receiver name only). */
export function lintUntyped(source: string, filename: string): LintReport[] {
  const linter = new Linter();
  const messages = linter.verify(
    source,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { workqueue: plugin as unknown as ESLint.Plugin },
        rules: { [RULE_ID]: 'error' },
      },
    ],
    filename,
  );
  const fatal = messages.filter((m) => m.ruleId !== RULE_ID);
  if (fatal.length > 0) throw new Error(`${filename}: ${fatal.map((m) => `${m.line}:${m.column} ${m.message}`).join('; ')}`);
  return messages.map(toReport);
}
