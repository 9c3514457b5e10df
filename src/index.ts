/**
 * eslint-plugin-workqueue: the plugin object ESLint loads.
 *
 * ```js
 * import workqueue from 'eslint-plugin-workqueue';
 * export default [..., workqueue.configs['recommended-type-checked']];
 * ```
 */
import { createRequire } from 'node:module';

import { rules } from '../rules/index.js';
import { type ConfigName, type WorkqueueConfig, createConfigs } from './configs/index.js';

export type { ConfigName, RuleEntries, RuleEntry, WorkqueueConfig } from './configs/index.js';

/**
 * The package's own manifest, found by self-reference (the `./package.json` export): the same line works from the
 * TypeScript source and from the build, whose depths differ.
 */
const manifest = createRequire(import.meta.url)('eslint-plugin-workqueue/package.json') as {
  name: string;
  version: string;
};

const NAMESPACE = 'workqueue';

export type RuleName = keyof typeof rules;

/**
 * A rule as the plugin's type shows it: loose, like typescript-eslint's `LooseRuleDefinition`, so that the plugin is
 * assignable to ESLint's `ESLint.Plugin` and to typescript-eslint's `FlatConfig.Plugin` alike. (Their rule types differ
 * in the context they pass; the rules themselves are typescript-eslint `RuleModule`s.)
 */
export interface WorkqueueRule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ESLint's and typescript-eslint's contexts both fit
  create: (context: any) => Record<string, ((...args: any[]) => void) | undefined>;
  meta?: object;
}

export interface WorkqueuePlugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<RuleName, WorkqueueRule>;
  configs: Record<ConfigName, WorkqueueConfig>;
}

const plugin: WorkqueuePlugin = {
  meta: { name: manifest.name, version: manifest.version, namespace: NAMESPACE },
  // Widened to the loose public rule type; the rules themselves are checked against typescript-eslint's in rules/.
  rules: rules as Record<RuleName, WorkqueueRule>,
  configs: {} as Record<ConfigName, WorkqueueConfig>,
};
// The configs register `plugin` itself, so they are made once it exists.
Object.assign(plugin.configs, createConfigs(plugin, rules, NAMESPACE));

export default plugin;
// `require('eslint-plugin-workqueue')` (a CommonJS config on Node's require(esm)) gets the plugin itself, not a
// module namespace object.
export { plugin as 'module.exports' };
