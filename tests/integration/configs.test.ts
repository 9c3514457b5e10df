/**
 * What each shared config does to real code, in-process (ESLint's Linter, the plugin from src/): one leak gets one
 * report in every config, `recommended` is the set that is safe without types, `recommended-type-checked` adds
 * require-release, the strict configs add done-immediately for layouts that do not leak yet.
 */
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { CONFIG_NAMES, type ConfigName } from '../../src/configs/index.js';
import plugin from '../../src/index.js';

const linter = new Linter({ configType: 'flat' });

/** Lints `code` as `file` with one config; returns `line:column ruleId` of every message. */
function lint(config: ConfigName, code: string, file = 'worker.ts'): string[] {
  const parser: Linter.Config[] = file.endsWith('.ts') ? [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }] : [];
  const messages = linter.verify(code, [...parser, { files: ['**/*.{js,ts}'], ...plugin.configs[config] }], file);
  for (const message of messages) expect(message.fatal ?? false, message.message).toBe(false);
  return messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? ''}`);
}

const worker = (between: string): string => `
async function worker(q) {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  ${between}
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`;

const RULE_SETS = CONFIG_NAMES.filter((name) => name !== 'disable-type-checked');

describe('one leak, one report, in every config', () => {
  it.each(RULE_SETS)('%s: an early return before the try is reported once, by require-done', (config) => {
    expect(lint(config, worker('if (q.numRequeues(item) > 3) { q.forget(item); return; }'))).toEqual([
      '5:50 workqueue/require-done',
    ]);
  });

  it.each(RULE_SETS)('%s: a throw before the try is reported once, by require-done', (config) => {
    expect(lint(config, worker("if (typeof item !== 'string') throw new TypeError('bad item');"))).toEqual(['5:33 workqueue/require-done']);
  });

  it.each(RULE_SETS)('%s: a call that may throw before the try is reported once, by require-done', (config) => {
    expect(lint(config, worker('const started = JSON.parse(item);'))).toEqual(['5:19 workqueue/require-done']);
  });

  it.each(RULE_SETS)('%s: the same in a JavaScript file (ESLint’s own parser)', (config) => {
    expect(lint(config, worker('if (q.numRequeues(item) > 3) { q.forget(item); return; }'), 'worker.js')).toEqual([
      '5:50 workqueue/require-done',
    ]);
  });
});

describe('what tells the configs apart', () => {
  it('a statement before the try that cannot leak yet: only the strict configs report it, by done-immediately', () => {
    const reports = Object.fromEntries(RULE_SETS.map((config) => [config, lint(config, worker('const limit = 3;'))]));
    expect(reports).toEqual({
      recommended: [],
      'recommended-type-checked': [],
      strict: ['5:3 workqueue/done-immediately'],
      'strict-type-checked': ['5:3 workqueue/done-immediately'],
      all: ['5:3 workqueue/done-immediately'],
    });
  });

  it('done-immediately on its own, without deferToRequireDone, still reports the layout of a leaking worker', () => {
    const messages = linter.verify(
      worker('if (q.numRequeues(item) > 3) { q.forget(item); return; }'),
      [{ plugins: { workqueue: plugin }, rules: { 'workqueue/done-immediately': 'error' } }],
      'worker.js',
    );
    expect(messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? ''}`)).toEqual(['5:3 workqueue/done-immediately']);
  });

  // Without types, a pg receiver needs evidence: the file imports pg.
  const leakyClient = `import 'pg';
async function query(pool) {
  const client = await pool.connect();
  await client.query('SELECT 1');
  client.release();
}`;

  it('require-release (its presets match by type; without types, by generic names) is in the type-checked configs only', () => {
    const reports = Object.fromEntries(RULE_SETS.map((config) => [config, lint(config, leakyClient, 'query.js')]));
    expect(reports).toEqual({
      recommended: [],
      'recommended-type-checked': ['4:3 workqueue/require-release'],
      strict: [],
      'strict-type-checked': ['4:3 workqueue/require-release'],
      all: ['4:3 workqueue/require-release'],
    });
  });

  it('disable-type-checked turns require-release back off for files without types, and keeps the queue rules', () => {
    const messages = linter.verify(
      `${leakyClient}\n${worker('if (q.numRequeues(item) > 3) { q.forget(item); return; }')}`,
      [plugin.configs['recommended-type-checked'], plugin.configs['disable-type-checked']],
      'query.js',
    );
    expect(messages.map((m) => m.ruleId)).toEqual(['workqueue/require-done']);
  });
});
