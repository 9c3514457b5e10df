/**
 * Every message's first sentence fits a 120-column terminal with realistic worst-case data (code quoted in messages is
 * cut at 30 characters), and quick-fix titles are short: the detail is in the docs.
 */
import { describe, expect, it } from 'vitest';

import { rules } from '../../rules/index.js';

const WORST: Record<string, string> = {
  acquire: `${'x'.repeat(29)}…`,
  expression: `${'y'.repeat(29)}…`,
  acquireLine: '1234',
  line: '1234',
  callbackLine: '1234',
  handlerLine: '1234',
  event: 'secureConnect',
  release: 'this.errTasks.done(obj)',
  resource: 'resource',
  method: 'forEach',
  anchor: 'the shutdown check',
  queue: 'this.errTasks',
  item: 'key',
  call: 'this.errTasks.addRateLimited(key)',
  comparison: 'this.errTasks.numRequeues(key) > maxRetries',
  count: '12',
  // The broker presets' delivery family (require-release): the longest subject, the longest wording.
  subject: `The message from \`${'x'.repeat(21)}…\` (line 1234)`,
  pending: 'completed or failed',
  settled: 'completed or failed',
  advice: 'Settle it on every path: `this.errTasks.done(obj)` when the work is done.',
  pairing: `\`${'x'.repeat(29)}…('secureConnect', …)\` on line 1234 also marks it done, and 'close' fires after 'finish'`,
};

const SUGGESTIONS = new Set(['moveIntoTry', 'wrapInTryFinally', 'addForget', 'settleBeforeReturn']);

function fill(template: string): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_whole, key: string) => {
    const value = WORST[key];
    if (value === undefined) throw new Error(`no worst-case value for {{${key}}}`);
    return value;
  });
}

/** Up to the first sentence end: a period followed by a space (code in backticks has none). */
function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end === -1 ? message : message.slice(0, end + 1);
}

describe('messages', () => {
  for (const [name, rule] of Object.entries(rules)) {
    const messages = (rule as { meta: { messages: Record<string, string> } }).meta.messages;
    for (const [id, template] of Object.entries(messages)) {
      it(`${name} ${id}: ${SUGGESTIONS.has(id) ? 'a short quick-fix title' : 'first sentence fits 120 columns'}`, () => {
        const text = fill(template);
        if (SUGGESTIONS.has(id)) expect(text.length).toBeLessThanOrEqual(60);
        else expect(firstSentence(text).length).toBeLessThanOrEqual(120);
      });
    }
  }
});
