/**
 * The plugin's shared flat configs, named and shaped after typescript-eslint's:
 *
 * | config                      | turns on                                                              |
 * | --------------------------- | --------------------------------------------------------------------- |
 * | `recommended`               | `recommended` rules that do not require type information              |
 * | `recommended-type-checked`  | every `recommended` rule, including those that need type information  |
 * | `strict-type-checked`       | every `recommended` and `strict` rule                                 |
 * | `disable-type-checked`      | turns off every rule that requires type information, and typed parsing |
 *
 * Every config is derived from the rules' own `meta.docs` (`recommended`, `requiresTypeChecking`), so a rule added to
 * `rules/index.ts` lands in the right configs without touching this file.
 */
import type { TSESLint } from '@typescript-eslint/utils';

import type { WorkqueueRuleDocs } from '../util/create-rule.js';

/** What this module needs to know about a rule. */
export interface RuleWithDocs {
  readonly meta: { readonly docs?: Readonly<WorkqueueRuleDocs> };
}

export const CONFIG_NAMES = [
  'recommended',
  'recommended-type-checked',
  'strict-type-checked',
  'disable-type-checked',
] as const;

export type ConfigName = (typeof CONFIG_NAMES)[number];

export type RuleLevels = Record<string, 'error' | 'off'>;

/** A flat config of this plugin: `name`, `plugins` and `rules`, plus typed-parsing options for `disable-type-checked`. */
export type WorkqueueConfig = TSESLint.FlatConfig.Config & { name: string; rules: RuleLevels };

type Filter = (docs: Readonly<WorkqueueRuleDocs>) => boolean;

const isRecommended: Filter = (docs) => docs.recommended === 'recommended';
const isStrict: Filter = (docs) => docs.recommended === 'recommended' || docs.recommended === 'strict';
const requiresTypes: Filter = (docs) => docs.requiresTypeChecking === true;

/** Which rules each config turns on (`error`) or, for `disable-type-checked`, off. */
const SELECTION: Record<ConfigName, { filter: Filter; level: 'error' | 'off' }> = {
  recommended: { filter: (docs) => isRecommended(docs) && !requiresTypes(docs), level: 'error' },
  'recommended-type-checked': { filter: isRecommended, level: 'error' },
  'strict-type-checked': { filter: isStrict, level: 'error' },
  'disable-type-checked': { filter: requiresTypes, level: 'off' },
};

/** The rule levels of one config, `<namespace>/<rule>` → level, in the rules' order. */
export function configRules(
  config: ConfigName,
  rules: Readonly<Record<string, RuleWithDocs>>,
  namespace: string,
): RuleLevels {
  const { filter, level } = SELECTION[config];
  const selected: RuleLevels = {};
  for (const [name, rule] of Object.entries(rules)) {
    if (filter(rule.meta.docs ?? {})) selected[`${namespace}/${name}`] = level;
  }
  return selected;
}

/**
 * Builds every config for a plugin. Each config registers the very same plugin object under `namespace` (ESLint
 * requires one plugin object per namespace across all configs).
 */
export function createConfigs(
  plugin: TSESLint.FlatConfig.Plugin,
  rules: Readonly<Record<string, RuleWithDocs>>,
  namespace: string,
): Record<ConfigName, WorkqueueConfig> {
  const make = (name: ConfigName): WorkqueueConfig => {
    const config: WorkqueueConfig = {
      name: `${namespace}/${name}`,
      plugins: { [namespace]: plugin },
      rules: configRules(name, rules, namespace),
    };
    if (name === 'disable-type-checked') {
      // As typescript-eslint's `disable-type-checked`: also stop asking the parser for type information.
      config.languageOptions = { parserOptions: { project: false, program: null, projectService: false } };
    }
    return config;
  };
  return {
    recommended: make('recommended'),
    'recommended-type-checked': make('recommended-type-checked'),
    'strict-type-checked': make('strict-type-checked'),
    'disable-type-checked': make('disable-type-checked'),
  };
}
