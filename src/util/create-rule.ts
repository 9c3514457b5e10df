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
  const created = ruleCreator<Options, MessageIds>(defaultOptions ? { ...rule, defaultOptions } : rule);
  const defaults = (defaultOptions ?? []) as unknown as Options;
  // The options with their defaults, as the rule creator's `create` computes them (a structured clone and a deep
  // merge), but once per configuration instead of once per file and rule: that copy was most of what a rule cost on
  // a file it has nothing to check. ESLint hands every file of one configuration the same option objects (a fresh
  // array around them), so they are remembered by the first option's identity. Rules never change their options.
  const byOption = new WeakMap<object, Options>();
  let none: Options | undefined;
  const optionsFor = (given: readonly unknown[]): Options => {
    const [first] = given;
    if (given.length === 0) return (none ??= ESLintUtils.applyDefault<Options, Options>(defaults, given as unknown as Options));
    if (given.length > 1 || typeof first !== 'object' || first === null) return ESLintUtils.applyDefault<Options, Options>(defaults, given as unknown as Options);
    let known = byOption.get(first);
    if (!known) byOption.set(first, (known = ESLintUtils.applyDefault<Options, Options>(defaults, given as unknown as Options)));
    return known;
  };
  return { ...created, create: (context) => rule.create(context, optionsFor(context.options)) };
}
