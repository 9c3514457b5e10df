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

export type { ConfigName, WorkqueueConfig } from './configs/index.js';

/**
 * The package's own manifest, found by self-reference (the `./package.json` export): the same line works from the
 * TypeScript source and from the build, whose depths differ.
 */
const manifest = createRequire(import.meta.url)('eslint-plugin-workqueue/package.json') as {
  name: string;
  version: string;
};

const NAMESPACE = 'workqueue';

export interface WorkqueuePlugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: Record<ConfigName, WorkqueueConfig>;
}

const plugin: WorkqueuePlugin = {
  meta: { name: manifest.name, version: manifest.version, namespace: NAMESPACE },
  rules,
  configs: {} as Record<ConfigName, WorkqueueConfig>,
};
// The configs register `plugin` itself, so they are made once it exists.
Object.assign(plugin.configs, createConfigs(plugin, rules, NAMESPACE));

export default plugin;
// `require('eslint-plugin-workqueue')` (a CommonJS config on Node's require(esm)) gets the plugin itself, not a
// module namespace object.
export { plugin as 'module.exports' };
