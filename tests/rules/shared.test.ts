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

const LATE_TRY = `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  log(item);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;

function lint(rules: Linter.RulesRecord, code = CODE): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [{ files: ['**/*.ts'], languageOptions: { parser }, plugins: { workqueue: plugin }, rules }], 'x.ts');
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

  it('shares one recording between a rule that solves and one that does not, and each gets what it gets alone', () => {
    // done-immediately needs no dataflow by default (and gets no leaks); with deferToRequireDone it needs it, and
    // then leaves the leak through log(item) to require-done.
    const done = ['5 workqueue/require-done leakOnMayThrow'];
    const late = ['5 workqueue/done-immediately doneNotImmediate'];
    expect(lint({ 'workqueue/require-done': 'error' }, LATE_TRY)).toEqual(done);
    expect(lint({ 'workqueue/done-immediately': 'error' }, LATE_TRY)).toEqual(late);
    expect(lint({ 'workqueue/done-immediately': ['error', { deferToRequireDone: true }] }, LATE_TRY)).toEqual([]);
    const both = [...late, ...done].sort();
    expect(lint({ 'workqueue/done-immediately': 'error', 'workqueue/require-done': 'error' }, LATE_TRY).sort()).toEqual(both);
    expect(lint({ 'workqueue/require-done': 'error', 'workqueue/done-immediately': 'error' }, LATE_TRY).sort()).toEqual(both);
    for (const order of [
      { 'workqueue/done-immediately': ['error', { deferToRequireDone: true }], 'workqueue/require-done': 'error' },
      { 'workqueue/require-done': 'error', 'workqueue/done-immediately': ['error', { deferToRequireDone: true }] },
    ] as Linter.RulesRecord[]) {
      expect(lint(order, LATE_TRY)).toEqual(done);
    }
  });
});
