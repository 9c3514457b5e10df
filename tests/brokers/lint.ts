/**
 * Lints the broker fixtures with `workqueue/require-release` (every broker preset on), typed through the project
 * tsconfig against the client packages' real declarations, and without types (receiver names plus the import).
 */
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { ESLint, Linter } from 'eslint';

import plugin from '../../src/index.js';

export const RULE = 'workqueue/require-release';
const OPTIONS = { presets: ['amqplib', 'google-pubsub', 'nats', 'bullmq', 'azure-service-bus'] };

export interface BrokerLint {
  readonly typed: boolean;
  /** Leak reports (any message id but the double settle). */
  readonly leaks: readonly Linter.LintMessage[];
  readonly doubles: readonly Linter.LintMessage[];
}

function typeInfoProbe(seen: Map<string, boolean>): TSESLint.RuleModule<never> {
  return {
    meta: { type: 'problem', schema: [], messages: {} },
    create(context) {
      const program = (context.sourceCode.parserServices as { program?: { getSourceFile(file: string): unknown } | null }).program;
      seen.set(path.resolve(context.filename), program != null && program.getSourceFile(context.filename) !== undefined);
      return {};
    },
  };
}

function split(messages: readonly Linter.LintMessage[], file: string): { leaks: Linter.LintMessage[]; doubles: Linter.LintMessage[] } {
  const foreign = messages.filter((m) => m.ruleId !== RULE);
  if (foreign.length > 0) throw new Error(`${file}: ${foreign.map((m) => `${m.line}:${m.column} ${m.message}`).join('; ')}`);
  return {
    leaks: messages.filter((m) => m.messageId !== 'doubleSettle' && m.messageId !== 'doubleRelease'),
    doubles: messages.filter((m) => m.messageId === 'doubleSettle' || m.messageId === 'doubleRelease'),
  };
}

export async function lintTyped(root: string, files: readonly string[]): Promise<Map<string, BrokerLint>> {
  const typed = new Map<string, boolean>();
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: root } },
        plugins: {
          workqueue: plugin as unknown as ESLint.Plugin,
          harness: { rules: { 'type-info': typeInfoProbe(typed) } } as unknown as ESLint.Plugin,
        },
        rules: { [RULE]: ['error', OPTIONS], 'harness/type-info': 'error' },
      },
    ],
  });
  const out = new Map<string, BrokerLint>();
  for (const result of await eslint.lintFiles([...files])) {
    const file = path.resolve(result.filePath);
    out.set(file, { typed: typed.get(file) ?? false, ...split(result.messages, file) });
  }
  return out;
}

export function lintUntyped(source: string, file: string): BrokerLint {
  const linter = new Linter();
  const messages = linter.verify(
    source,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { workqueue: plugin as unknown as ESLint.Plugin },
        rules: { [RULE]: ['error', OPTIONS] },
      },
    ],
    file,
  );
  return { typed: false, ...split(messages, file) };
}
