/**
 * The plugin's shared flat configs, named and shaped after typescript-eslint's:
 *
 * | config                      | turns on                                                                           |
 * | --------------------------- | ---------------------------------------------------------------------------------- |
 * | `recommended`               | the `recommended` rules that are safe without type information                     |
 * | `recommended-type-checked`  | every `recommended` rule, also those whose name fallback is only a guess           |
 * | `strict`                    | `recommended`, plus the `strict` rules that are safe without type information      |
 * | `strict-type-checked`       | every `recommended` and `strict` rule                                              |
 * | `all`                       | every rule of the plugin                                                           |
 * | `disable-type-checked`      | turns off what the type-checked configs add, and typed parsing                     |
 *
 * Every config is derived from the rules' own `meta.docs` (`recommended`, `requiresTypeChecking`,
 * `typeCheckedConfigsOnly`, `configOptions`), so a rule added to `rules/index.ts` lands in the right configs without
 * touching this file.
 *
 * The exported types are structural and loose on purpose, like typescript-eslint's own `CompatibleConfig`: a config is
 * assignable to ESLint's `Linter.Config` and to typescript-eslint's `TSESLint.FlatConfig.Config` alike, whichever
 * version of either the user has.
 */
import type { WorkqueueRuleDocs } from '../util/create-rule.js';

/** What this module needs to know about a rule. */
export interface RuleWithDocs {
  readonly meta: { readonly docs?: Readonly<WorkqueueRuleDocs> };
}

export const CONFIG_NAMES = [
  'recommended',
  'recommended-type-checked',
  'strict',
  'strict-type-checked',
  'all',
  'disable-type-checked',
] as const;

export type ConfigName = (typeof CONFIG_NAMES)[number];

/** A rule's entry in a config: a severity, or `error` with the options the config gives the rule. */
export type RuleEntry = 'error' | 'off' | ['error', ...unknown[]];

export type RuleEntries = Record<string, RuleEntry>;

/** The plugin as a config registers it: what ESLint's and typescript-eslint's plugin types both accept. */
export interface RegisteredPlugin {
  meta: { name: string; version: string; namespace: string };
}

/** A flat config of this plugin: `name`, `plugins` and `rules`, plus typed-parsing options for `disable-type-checked`. */
export interface WorkqueueConfig {
  name: string;
  plugins: Record<string, RegisteredPlugin>;
  rules: RuleEntries;
  languageOptions?: { parserOptions: { project: false; program: null; projectService: false } };
}

type Filter = (docs: Readonly<WorkqueueRuleDocs>) => boolean;

const isRecommended: Filter = (docs) => docs.recommended === 'recommended';
const isStrict: Filter = (docs) => docs.recommended === 'recommended' || docs.recommended === 'strict';
/** The rule belongs in the type-checked configs only: it requires types, or judges badly without them. */
const wantsTypes: Filter = (docs) => docs.requiresTypeChecking === true || docs.typeCheckedConfigsOnly === true;

/** Which rules each config turns on (`error`) or, for `disable-type-checked`, off. */
const SELECTION: Record<ConfigName, { filter: Filter; level: 'error' | 'off' }> = {
  recommended: { filter: (docs) => isRecommended(docs) && !wantsTypes(docs), level: 'error' },
  'recommended-type-checked': { filter: isRecommended, level: 'error' },
  strict: { filter: (docs) => isStrict(docs) && !wantsTypes(docs), level: 'error' },
  'strict-type-checked': { filter: isStrict, level: 'error' },
  all: { filter: () => true, level: 'error' },
  'disable-type-checked': { filter: wantsTypes, level: 'off' },
};

/** The rule entries of one config, `<namespace>/<rule>` → entry, in the rules' order. */
export function configRules(
  config: ConfigName,
  rules: Readonly<Record<string, RuleWithDocs>>,
  namespace: string,
): RuleEntries {
  const { filter, level } = SELECTION[config];
  const selected: RuleEntries = {};
  for (const [name, rule] of Object.entries(rules)) {
    const docs = rule.meta.docs ?? {};
    if (!filter(docs)) continue;
    const options = docs.configOptions;
    selected[`${namespace}/${name}`] = level === 'error' && options ? ['error', ...options] : level;
  }
  return selected;
}

/**
 * Builds every config for a plugin. Each config registers the very same plugin object under `namespace` (ESLint
 * requires one plugin object per namespace across all configs).
 */
export function createConfigs(
  plugin: RegisteredPlugin,
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
  return Object.fromEntries(CONFIG_NAMES.map((name) => [name, make(name)])) as Record<ConfigName, WorkqueueConfig>;
}
