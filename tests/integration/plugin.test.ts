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

  it('has the six configs, each registering this very plugin object under its namespace', () => {
    expect(Object.keys(plugin.configs).sort()).toEqual([...CONFIG_NAMES].sort());
    expect(CONFIG_NAMES).toHaveLength(6);
    for (const name of CONFIG_NAMES) {
      const config = plugin.configs[name];
      expect(config.name).toBe(`workqueue/${name}`);
      expect(config.plugins.workqueue).toBe(plugin);
    }
  });

  it('puts every rule where its meta.docs says', () => {
    for (const [name, { meta }] of Object.entries(rules) as [string, RuleWithDocs][]) {
      const id = `workqueue/${name}`;
      const docs = meta.docs ?? {};
      expect(['recommended', 'strict']).toContain(docs.recommended);
      const on = docs.configOptions ? ['error', ...docs.configOptions] : 'error';
      const typed = docs.requiresTypeChecking === true || docs.typeCheckedConfigsOnly === true;
      const recommended = docs.recommended === 'recommended';
      expect(plugin.configs.recommended.rules[id]).toEqual(recommended && !typed ? on : undefined);
      expect(plugin.configs['recommended-type-checked'].rules[id]).toEqual(recommended ? on : undefined);
      expect(plugin.configs.strict.rules[id]).toEqual(typed ? undefined : on);
      expect(plugin.configs['strict-type-checked'].rules[id]).toEqual(on);
      expect(plugin.configs.all.rules[id]).toEqual(on);
      expect(plugin.configs['disable-type-checked'].rules[id]).toBe(typed ? 'off' : undefined);
    }
  });

  it('the configs really differ: require-release only where types are asked for, done-immediately only in strict ones', () => {
    const ids = (name: (typeof CONFIG_NAMES)[number]) => Object.keys(plugin.configs[name].rules).sort();
    expect(ids('recommended')).toEqual(['workqueue/bounded-retries', 'workqueue/no-double-done', 'workqueue/require-done']);
    expect(ids('recommended-type-checked')).toEqual([...ids('recommended'), 'workqueue/require-release'].sort());
    expect(ids('strict')).toEqual([...ids('recommended'), 'workqueue/done-immediately'].sort());
    expect(ids('strict-type-checked')).toEqual(Object.keys(rules).map((name) => `workqueue/${name}`).sort());
    expect(ids('all')).toEqual(ids('strict-type-checked'));
    expect(plugin.configs['disable-type-checked'].rules).toEqual({ 'workqueue/require-release': 'off' });
  });
});

describe('configs derived from rule metadata', () => {
  const fake = {
    'plain-recommended': rule({ recommended: 'recommended' }),
    'typed-recommended': rule({ recommended: 'recommended', requiresTypeChecking: true }),
    'guessing-recommended': rule({ recommended: 'recommended', typeCheckedConfigsOnly: true }),
    'plain-strict': rule({ recommended: 'strict', configOptions: [{ x: 1 }] }),
    'typed-strict': rule({ recommended: 'strict', requiresTypeChecking: true }),
    'in-no-config': rule({}),
    'typed-in-no-config': rule({ requiresTypeChecking: true }),
  };
  const typedRecommended = { 'x/typed-recommended': 'error', 'x/guessing-recommended': 'error' };
  const strictOnes = { 'x/plain-strict': ['error', { x: 1 }] };

  it.each([
    ['recommended', { 'x/plain-recommended': 'error' }],
    ['recommended-type-checked', { 'x/plain-recommended': 'error', ...typedRecommended }],
    ['strict', { 'x/plain-recommended': 'error', ...strictOnes }],
    ['strict-type-checked', { 'x/plain-recommended': 'error', ...typedRecommended, ...strictOnes, 'x/typed-strict': 'error' }],
    [
      'all',
      {
        'x/plain-recommended': 'error',
        ...typedRecommended,
        ...strictOnes,
        'x/typed-strict': 'error',
        'x/in-no-config': 'error',
        'x/typed-in-no-config': 'error',
      },
    ],
    [
      'disable-type-checked',
      { 'x/typed-recommended': 'off', 'x/guessing-recommended': 'off', 'x/typed-strict': 'off', 'x/typed-in-no-config': 'off' },
    ],
  ] as const)('%s', (name, expected) => {
    expect(configRules(name, fake, 'x')).toEqual(expected);
  });

  it('disable-type-checked also turns typed parsing off, as typescript-eslint does', () => {
    const configs = createConfigs({ meta: { name: 'x', version: '0.0.0', namespace: 'x' } }, fake, 'x');
    expect(configs['disable-type-checked'].languageOptions).toEqual({
      parserOptions: { project: false, program: null, projectService: false },
    });
    expect(configs.recommended.languageOptions).toBeUndefined();
  });
});

describe('the TypeOrValueSpecifier schema written out in src/analysis/types.ts', () => {
  it("is type-utils' own, so options validate the same without loading TypeScript", async () => {
    const { typeOrValueSpecifiersSchema } = await import('../../src/analysis/types.js');
    const typeUtils = await import('@typescript-eslint/type-utils');
    expect(typeOrValueSpecifiersSchema).toEqual(typeUtils.typeOrValueSpecifiersSchema);
  });
});
