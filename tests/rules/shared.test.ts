/**
 * Rules that ask the same question share one analysis per file (src/analysis/shared.ts): each still gets its own
 * reports, and rules configured differently get their own analysis.
 */
import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../../src/index.js';

const CODE = `
async function worker(mode: number) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  await work(item);
  if (mode === 1) q.done(item);
  q.done(item);
}`;

function lint(rules: Linter.RulesRecord): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(CODE, [{ files: ['**/*.ts'], languageOptions: { parser }, plugins: { workqueue: plugin }, rules }], 'x.ts');
  return messages.map((m) => `${m.line} ${m.ruleId ?? ''} ${m.messageId ?? ''}`);
}

describe('one analysis per file, shared by the rules', () => {
  it('gives every rule its own reports, in whatever order the rules are configured', () => {
    const expected = ['5 workqueue/require-done leakOnMayThrow', '7 workqueue/no-double-done doubleDone'];
    expect(lint({ 'workqueue/require-done': 'error', 'workqueue/no-double-done': 'error' })).toEqual(expected);
    expect(lint({ 'workqueue/no-double-done': 'error', 'workqueue/require-done': 'error' })).toEqual(expected);
  });

  it('matches what each rule reports alone', () => {
    expect(lint({ 'workqueue/require-done': 'error' })).toEqual(['5 workqueue/require-done leakOnMayThrow']);
    expect(lint({ 'workqueue/no-double-done': 'error' })).toEqual(['7 workqueue/no-double-done doubleDone']);
  });

  it('keeps rules with different options apart', () => {
    // explicitThrowsOnly changes require-done's analysis: the implicit throw is no longer a leak, while no-double-done,
    // with its own analysis, still finds the double done.
    expect(
      lint({ 'workqueue/require-done': ['error', { explicitThrowsOnly: true }], 'workqueue/no-double-done': 'error' }),
    ).toEqual(['7 workqueue/no-double-done doubleDone']);
  });
});
