import { ESLintUtils } from '@typescript-eslint/utils';

export interface WorkqueueRuleDocs {
  /** Which shared config turns the rule on. */
  recommended?: 'recommended' | 'strict';
  /** The rule needs type information for its full power (it still runs without). */
  requiresTypeChecking?: boolean;
}

const REPOSITORY = 'https://github.com/eslint-plugin-workqueue/eslint-plugin-workqueue';

/** Every rule is made here, so each gets its documentation URL the same way. */
export const createRule = ESLintUtils.RuleCreator<WorkqueueRuleDocs>(
  (name) => `${REPOSITORY}/blob/main/docs/rules/${name}.md`,
);
