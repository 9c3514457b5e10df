/**
 * `settings.workqueue` configures the throw model of every rule at once (src/analysis/throw-settings.ts): a rule's own
 * options add to it, done-immediately follows it as require-done does, and a malformed setting is an error that names
 * it.
 */
import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../../src/index.js';

const LATE_TRY = `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  audit.record(item);
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;

const SPAN = `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function run() {
  const span = tracer.startSpan('op');
  audit.record(span);
  span.end();
}`;

function lint(rules: Linter.RulesRecord, settings?: Record<string, unknown>, code = LATE_TRY): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config = { files: ['**/*.ts'], languageOptions: { parser }, plugins: { workqueue: plugin }, rules };
  const messages = linter.verify(code, [settings ? { ...config, settings } : config], 'x.ts');
  return messages.map((m) => `${m.line} ${m.ruleId ?? ''} ${m.messageId ?? m.message}`);
}

const RECORD_NEVER_THROWS = { workqueue: { nonThrowing: ['audit.record'] } };
const DEFER = { 'workqueue/done-immediately': ['error', { deferToRequireDone: true }], 'workqueue/require-done': 'error' } as Linter.RulesRecord;

describe('settings.workqueue', () => {
  it('makes a listed call no throw point for require-done, as its own option does', () => {
    expect(lint({ 'workqueue/require-done': 'error' })).toEqual(['5 workqueue/require-done leakOnMayThrow']);
    expect(lint({ 'workqueue/require-done': 'error' }, RECORD_NEVER_THROWS)).toEqual([]);
    expect(lint({ 'workqueue/require-done': ['error', { nonThrowing: ['audit.record'] }] })).toEqual([]);
  });

  it('adds to a rule’s own list: both lists count', () => {
    const code = LATE_TRY.replace('audit.record(item);', 'audit.record(item);\n  metrics.count();');
    const own = { 'workqueue/require-done': ['error', { nonThrowing: ['metrics.count'] }] } as Linter.RulesRecord;
    expect(lint(own, undefined, code)).toEqual(['5 workqueue/require-done leakOnMayThrow']);
    expect(lint(own, RECORD_NEVER_THROWS, code)).toEqual([]);
  });

  it('gives done-immediately the paths require-done follows, so one statement gets one report in either setting', () => {
    // The call may throw: require-done reports the leak, done-immediately defers to it.
    expect(lint(DEFER)).toEqual(['5 workqueue/require-done leakOnMayThrow']);
    // The call cannot throw: nothing leaks, and done-immediately reports the late try (it defers nothing).
    expect(lint(DEFER, RECORD_NEVER_THROWS)).toEqual(['5 workqueue/done-immediately doneNotImmediate']);
  });

  it('reaches require-release too', () => {
    expect(lint({ 'workqueue/require-release': 'error' }, undefined, SPAN)).toEqual(['6 workqueue/require-release leakOnMayThrow']);
    expect(lint({ 'workqueue/require-release': 'error' }, RECORD_NEVER_THROWS, SPAN)).toEqual([]);
  });

  it.each([
    [{ workqueue: 'audit.record' }, /settings\.workqueue must be an object/],
    [{ workqueue: { nonThrowing: 'audit.record' } }, /settings\.workqueue\.nonThrowing must be an array/],
    [{ workqueue: { nonThrowing: [{ name: 'x' }] } }, /settings\.workqueue\.nonThrowing must be an array/],
    [{ workqueue: { promiseFunctionsMayThrow: 'yes' } }, /settings\.workqueue\.promiseFunctionsMayThrow must be a boolean/],
    [{ workqueue: { loggersMayThrow: 1 } }, /settings\.workqueue\.loggersMayThrow must be a boolean/],
    [{ workqueue: { nonthrowing: [] } }, /settings\.workqueue has no option `nonthrowing`/],
  ])('rejects %j with an error that names the setting', (settings, message) => {
    expect(() => lint({ 'workqueue/require-done': 'error' }, settings)).toThrow(message);
    // also in a file the rule has nothing to check in
    expect(() => lint({ 'workqueue/require-done': 'error', 'workqueue/require-release': 'error' }, settings, 'export const x = 1;')).toThrow(message);
  });
});
