/**
 * The plugin object (src/index.ts) and its configs (src/configs/): meta from package.json, and configs derived from
 * each rule's `meta.docs`, so rules added later land in the right configs without editing them.
 */
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { rules } from '../../rules/index.js';
import { CONFIG_NAMES, configRules, createConfigs, type RuleWithDocs } from '../../src/configs/index.js';
import plugin from '../../src/index.js';
import { ROOT } from './helpers.js';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

const rule = (docs: RuleWithDocs['meta']['docs']): RuleWithDocs => ({ meta: { docs } });

describe('the plugin object', () => {
  it('has meta from package.json and the workqueue namespace', () => {
    expect(plugin.meta).toEqual({ name: manifest.name, version: manifest.version, namespace: 'workqueue' });
  });

  it('exports every rule of rules/index.ts', () => {
    expect(plugin.rules).toBe(rules);
  });

  it('has the four configs, each registering this very plugin object under its namespace', () => {
    expect(Object.keys(plugin.configs).sort()).toEqual([...CONFIG_NAMES].sort());
    for (const name of CONFIG_NAMES) {
      const config = plugin.configs[name];
      expect(config.name).toBe(`workqueue/${name}`);
      expect(config.plugins?.workqueue).toBe(plugin);
    }
  });

  it('puts every rule where its meta.docs says', () => {
    for (const [name, { meta }] of Object.entries(rules) as [string, RuleWithDocs][]) {
      const id = `workqueue/${name}`;
      const docs = meta.docs ?? {};
      expect(['recommended', 'strict']).toContain(docs.recommended);
      const typed = docs.requiresTypeChecking === true;
      expect(plugin.configs.recommended.rules[id]).toBe(docs.recommended === 'recommended' && !typed ? 'error' : undefined);
      expect(plugin.configs['recommended-type-checked'].rules[id]).toBe(docs.recommended === 'recommended' ? 'error' : undefined);
      expect(plugin.configs['strict-type-checked'].rules[id]).toBe('error');
      expect(plugin.configs['disable-type-checked'].rules[id]).toBe(typed ? 'off' : undefined);
    }
  });
});

describe('configs derived from rule metadata', () => {
  const fake = {
    'plain-recommended': rule({ recommended: 'recommended' }),
    'typed-recommended': rule({ recommended: 'recommended', requiresTypeChecking: true }),
    'plain-strict': rule({ recommended: 'strict' }),
    'typed-strict': rule({ recommended: 'strict', requiresTypeChecking: true }),
    'in-no-config': rule({}),
    'typed-in-no-config': rule({ requiresTypeChecking: true }),
  };

  it.each([
    ['recommended', { 'x/plain-recommended': 'error' }],
    ['recommended-type-checked', { 'x/plain-recommended': 'error', 'x/typed-recommended': 'error' }],
    [
      'strict-type-checked',
      { 'x/plain-recommended': 'error', 'x/typed-recommended': 'error', 'x/plain-strict': 'error', 'x/typed-strict': 'error' },
    ],
    ['disable-type-checked', { 'x/typed-recommended': 'off', 'x/typed-strict': 'off', 'x/typed-in-no-config': 'off' }],
  ] as const)('%s', (name, expected) => {
    expect(configRules(name, fake, 'x')).toEqual(expected);
  });

  it('disable-type-checked also turns typed parsing off, as typescript-eslint does', () => {
    const configs = createConfigs({ rules: {} }, fake, 'x');
    expect(configs['disable-type-checked'].languageOptions).toEqual({
      parserOptions: { project: false, program: null, projectService: false },
    });
    expect(configs.recommended.languageOptions).toBeUndefined();
  });
});
