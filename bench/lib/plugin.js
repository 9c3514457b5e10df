// The built plugin (run `npm run build` first; the npm scripts do) and the rule ids it defines.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const loaded = await import(path.join(repoRoot, 'dist', 'src', 'index.js'));
export const plugin = loaded.default;

/** The namespace rules are configured under: `workqueue/<rule>`. */
export const NAMESPACE = plugin.meta?.namespace ?? 'workqueue';

/** Every rule of the plugin, enumerated (never hard-coded), as `workqueue/<name>`. */
export const ruleIds = Object.keys(plugin.rules).map((name) => `${NAMESPACE}/${name}`);

/** Rules config turning every rule of the plugin on at 'error'. */
export function allPluginRules() {
  return Object.fromEntries(ruleIds.map((id) => [id, 'error']));
}
