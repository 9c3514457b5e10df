import type { TSESLint } from '@typescript-eslint/utils';

import requireDone from './require-done.js';

/** Every rule of the plugin, by name. */
export const rules = {
  'require-done': requireDone,
} satisfies Record<string, TSESLint.RuleModule<string, readonly unknown[]>>;
