import type { TSESLint } from '@typescript-eslint/utils';

import boundedRetries from './bounded-retries.js';
import doneImmediately from './done-immediately.js';
import noDoubleDone from './no-double-done.js';
import requireDone from './require-done.js';
import requireRelease from './require-release.js';

/** Every rule of the plugin, by name. */
export const rules = {
  'bounded-retries': boundedRetries,
  'done-immediately': doneImmediately,
  'no-double-done': noDoubleDone,
  'require-done': requireDone,
  'require-release': requireRelease,
} satisfies Record<string, TSESLint.RuleModule<string, readonly unknown[]>>;
