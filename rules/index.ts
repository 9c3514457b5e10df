import type { TSESLint } from '@typescript-eslint/utils';

import requireDone from './require-done.js';
import requireRelease from './require-release.js';

/** Every rule of the plugin, by name. */
export const rules = {
  'require-done': requireDone,
  'require-release': requireRelease,
} satisfies Record<string, TSESLint.RuleModule<string, readonly unknown[]>>;
