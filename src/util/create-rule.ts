import { ESLintUtils } from '@typescript-eslint/utils';

export interface WorkqueueRuleDocs {
  /** Which shared config turns the rule on. */
  recommended?: 'recommended' | 'strict';
  /** The rule cannot run without type information (none of this plugin's rules: all fall back to names). */
  requiresTypeChecking?: boolean;
  /**
   * The rule runs without type information, but its name fallback is only a guess: the untyped configs (`recommended`,
   * `strict`) leave it out, the type-checked ones and `all` turn it on, and `disable-type-checked` turns it off.
   */
  typeCheckedConfigsOnly?: boolean;
  /** The options every config that turns the rule on gives it (`['error', ...configOptions]`). */
  configOptions?: readonly unknown[];
}

const REPOSITORY = 'https://github.com/eslint-plugin-workqueue/eslint-plugin-workqueue';

const ruleCreator = ESLintUtils.RuleCreator<WorkqueueRuleDocs>((name) => `${REPOSITORY}/blob/main/docs/rules/${name}.md`);

type RuleDefinition<Options extends readonly unknown[], MessageIds extends string> = Readonly<
  ESLintUtils.RuleWithMetaAndName<Options, MessageIds, WorkqueueRuleDocs>
>;

/**
 * Every rule is made here, so each gets its documentation URL the same way.
 *
 * Rules declare their defaults in `meta.defaultOptions`. Older @typescript-eslint/utils (8.40, the oldest the plugin
 * supports, among them) reads only the deprecated top-level `defaultOptions` and hands `create` `undefined` options
 * without it, so it is given too (tests/integration/matrix.test.ts runs the plugin on 8.40).
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string>(
  rule: RuleDefinition<Options, MessageIds>,
): ReturnType<typeof ruleCreator<Options, MessageIds>> {
  const { defaultOptions } = rule.meta;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- read by @typescript-eslint/utils versions that predate meta.defaultOptions
  return ruleCreator<Options, MessageIds>(defaultOptions ? { ...rule, defaultOptions } : rule);
}
