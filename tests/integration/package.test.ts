/**
 * The published package: `npm pack`, then `npm install` of the tarball into projects that have their other
 * dependencies already (installed once with --prefer-offline and kept under the temp dir, see helpers.ts). There the plugin is loaded exactly as users
 * load it — through package.json `exports`, from config files in every format ESLint reads (.js, .mjs, .cjs, .ts) —
 * and lints a worker typed with the package's own queue types, on ESLint 10 and on ESLint 9; its types are checked by
 * tsc (as ESLint's and typescript-eslint's config types, and under `moduleResolution: node10`); and a JavaScript
 * project lints without TypeScript installed. The oldest and newest supported versions are matrix.test.ts's.
 */
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  LEAK,
  LEAKY_WORKER_TS,
  ROOT,
  ROOT_MODULES,
  TSCONFIG,
  installedProject,
  killChildren,
  packPlugin,
  parseJsonOutput,
  removeTempDirs,
  runNode,
} from './helpers.js';

const RULE = 'workqueue/require-done';
const INSTALL_TIMEOUT = 300_000;

const version = (name: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT_MODULES, name, 'package.json'), 'utf8')) as { version: string }).version;

/** The worker users write: typed with the package's own queue. Its leak is at the same place as LEAKY_WORKER_TS's. */
const WORKER_TS = LEAKY_WORKER_TS.replace(
  "import type { Queue } from './queue.js';",
  "import type { RateLimitingQueue as Queue } from 'eslint-plugin-workqueue/queue';",
);

const CONFIGS: Record<string, string> = {
  'eslint.config.js': `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default defineConfig([
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
]);
`,
  'eslint.config.mjs': `import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default [
  { files: ['**/*.ts'], ...tseslint.configs.base },
  { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.ts'], ...workqueue.configs['strict-type-checked'] },
];
`,
  'eslint.config.cjs': `const tseslint = require('typescript-eslint');
const workqueue = require('eslint-plugin-workqueue');

module.exports = [
  { files: ['**/*.ts'], ...tseslint.configs.base },
  { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } } },
  { files: ['**/*.ts'], ...workqueue.configs['recommended-type-checked'] },
];
`,
  'eslint.config.ts': `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default defineConfig(
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['*.config.*'],
    extends: [tseslint.configs.disableTypeChecked, workqueue.configs['disable-type-checked']],
  },
);
`,
};

/** The plugin and its configs where ESLint's and typescript-eslint's types expect a plugin or a config. */
const CONFIG_TYPES_TS = `import type { ESLint, Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export const plugin: ESLint.Plugin = workqueue;
export const recommended: Linter.Config = workqueue.configs.recommended;
export const byName: Record<string, Linter.Config> = workqueue.configs;
export const list: Linter.Config[] = [workqueue.configs['recommended-type-checked'], { plugins: { workqueue } }];

export const withTseslint = tseslint.config(
  workqueue.configs.recommended,
  { plugins: { workqueue }, rules: { 'workqueue/require-done': ['error', { explicitThrowsOnly: false }] } },
  { files: ['**/*.ts'], extends: [tseslint.configs.recommendedTypeChecked, workqueue.configs['strict-type-checked']] },
);

export default defineConfig([
  workqueue.configs.all,
  { plugins: { workqueue } },
  { files: ['**/*.js'], extends: [workqueue.configs.strict] },
  { files: ['**/*.ts'], extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']] },
  { files: ['**/*.cjs'], extends: [tseslint.configs.disableTypeChecked, workqueue.configs['disable-type-checked']] },
]);
`;

/** The package by its subpaths, resolved the way \`moduleResolution: node10\` does (through \`typesVersions\`). */
const NODE10 = {
  'node10/tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'es2022',
      lib: ['es2023', 'esnext.disposable'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    },
    files: ['uses.ts'],
  }),
  'node10/uses.ts': `import workqueue from 'eslint-plugin-workqueue';
import { newRateLimitingQueue, type RateLimitingQueue } from 'eslint-plugin-workqueue/queue';
import type * as promClient from 'eslint-plugin-workqueue/queue/prom-client';

export const queue: RateLimitingQueue<string> = newRateLimitingQueue<string>();
export const namespace: string = workqueue.meta.namespace;
export type Adapter = typeof promClient;
`,
};

/** A JavaScript project's worker with one leak (the early return), and its config: the untyped \`recommended\`. */
const JS_PROJECT = {
  'eslint.config.js': `import workqueue from 'eslint-plugin-workqueue';

export default [{ files: ['**/*.js'], ...workqueue.configs.recommended }];
`,
  'src/worker.js': `export async function worker(queue, sync) {
  const [key, shutdown] = await queue.get();
  if (shutdown) return;
  if (queue.numRequeues(key) > 10) {
    queue.forget(key);
    return;
  }
  try {
    await sync(key);
  } finally {
    queue.done(key);
  }
}
`,
};

let tarball: string;
/** The k8s-workqueue tarball: the plugin depends on it (its `/queue` exports re-export it), and it is not on npm yet. */
let queueTarball: string;
let packedFiles: string[];
/** The installs run at once (they mostly wait on npm's cache and the registry); each describe awaits its own. */
let installs: { eslint10: Promise<string>; eslint9: Promise<string>; noTypescript: Promise<string> };

beforeAll(async () => {
  ({ tarball, files: packedFiles, queueTarball } = await packPlugin());
  installs = {
    eslint10: installProject('eslint10', {
      eslint: version('eslint'),
      typescript: version('typescript'),
      'typescript-eslint': version('typescript-eslint'),
      '@types/node': version('@types/node'),
      jiti: '^2.4.0',
    }),
    eslint9: installProject('eslint9', {
      eslint: '^9.39.0',
      typescript: version('typescript'),
      'typescript-eslint': version('typescript-eslint'),
    }),
    // Only ESLint and the plugin; `--omit=peer` keeps out the typescript that @typescript-eslint/utils asks for as a
    // (required) peer, as pnpm without auto-install-peers or yarn would.
    noTypescript: installProject('no-typescript', { eslint: version('eslint') }, JS_PROJECT, ['--omit=peer']),
  };
  // Awaited (and their errors reported) by the describe blocks below; never an unhandled rejection meanwhile.
  for (const install of Object.values(installs)) install.catch(() => undefined);
}, 180_000);

afterAll(() => {
  killChildren();
  removeTempDirs();
});

/**
 * A project with `dependencies` and the tarball installed by npm (by default the TypeScript files below). The
 * dependencies are installed once and kept (helpers.ts `installedProject`); the plugin is installed on every run.
 */
async function installProject(
  prefix: string,
  dependencies: Record<string, string>,
  files: Readonly<Record<string, string>> = { 'tsconfig.json': TSCONFIG, 'src/leaky.ts': WORKER_TS, 'config-types.ts': CONFIG_TYPES_TS, ...NODE10, ...CONFIGS },
  flags: readonly string[] = [],
): Promise<string> {
  const { dir, install } = await installedProject(`package-${prefix}`, dependencies, [tarball, queueTarball], files, flags);
  if (install.code !== 0) throw new Error(`npm install failed (${install.code ?? install.signal ?? ''}):\n${install.stderr}`);
  return dir;
}

/** Lints src/ with `config`; returns the one result, its messages narrowed to require-done (other rules may join). */
async function lintWith(dir: string, config: string) {
  const result = await runNode([path.join(dir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--config', config, '--format', 'json', 'src'], {
    cwd: dir,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  const results = parseJsonOutput(result.stdout, dir);
  expect(results.map((r) => r.filePath)).toEqual(['src/leaky.ts']);
  return results[0]?.messages.filter((message) => message.ruleId === RULE) ?? [];
}

describe('npm pack', () => {
  it('ships the build, the type declarations, the rule docs and the README, and nothing of the repo besides', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/configs/index.js',
      'dist/rules/require-done.js',
      'dist/src/reexports/queue.js',
      'dist/src/reexports/queue.d.ts',
      'dist/src/reexports/queue-prom-client.js',
      'docs/rules/require-done.md',
    ]) {
      expect(packedFiles).toContain(file);
    }
    // The queue itself is the k8s-workqueue package: the plugin ships only its re-exports.
    expect(packedFiles.filter((file) => file.startsWith('src/queue/') || file.startsWith('dist/src/queue/'))).toEqual([]);
    const outside = packedFiles.filter(
      (file) => !/^(?:dist\/(?:src|rules)\/|src\/|rules\/|docs\/rules\/|docs\/queue\.md$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(file),
    );
    expect(outside).toEqual([]);
    expect(packedFiles.filter((file) => /^(?:tests|examples|bench|scripts|tmp)\//.test(file) || file.includes('.build-lock'))).toEqual([]);
  });
});

describe('installed from the tarball with ESLint 10', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await installs.eslint10;
  }, INSTALL_TIMEOUT + 30_000);

  it.each(Object.keys(CONFIGS))('lints with typed linting from %s', async (config) => {
    const messages = await lintWith(dir, config);
    expect(messages).toMatchObject([{ ruleId: RULE, messageId: 'leakOnReturn', ...LEAK }]);
    // The queue type came from the installed package: the advice names its `done`.
    expect(messages[0]?.message).toContain('queue.done(key)');
  });

  it('the plugin, its meta and its configs load by package name, from ESM and from CommonJS', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const esm = (await import('eslint-plugin-workqueue')).default;
      const cjs = createRequire(import.meta.url)('eslint-plugin-workqueue');
      const queue = await import('eslint-plugin-workqueue/queue');
      const k8s = await import('k8s-workqueue');
      console.log(JSON.stringify({
        same: esm === cjs,
        meta: esm.meta,
        configs: Object.fromEntries(Object.entries(esm.configs).map(([name, config]) => [name, config.rules])),
        queue: typeof queue.newRateLimitingQueue,
        sameQueue: queue.newRateLimitingQueue === k8s.newRateLimitingQueue && queue.QueueMisuseError === k8s.QueueMisuseError,
        promClient: import.meta.resolve('eslint-plugin-workqueue/queue/prom-client').endsWith('/dist/src/reexports/queue-prom-client.js'),
      }));`;
    const result = await runNode(['--input-type=module', '-e', script], { cwd: dir });
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(result.stdout) as Record<string, unknown>;
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(loaded).toMatchObject({
      same: true,
      meta: { name: 'eslint-plugin-workqueue', version: manifest.version, namespace: 'workqueue' },
      queue: 'function',
      sameQueue: true,
      promClient: true,
    });
    // require-done uses types when present and falls back to names: it is in every config and off in none.
    expect(loaded.configs).toMatchObject({
      recommended: { [RULE]: 'error' },
      'recommended-type-checked': { [RULE]: 'error' },
      strict: { [RULE]: 'error' },
      'strict-type-checked': { [RULE]: 'error' },
      all: { [RULE]: 'error' },
    });
    expect(loaded.configs).not.toMatchObject({ 'disable-type-checked': { [RULE]: 'off' } });
  });

  it('eslint.config.ts, and the plugin and configs as ESLint and typescript-eslint type them, type-check against the published declarations', async () => {
    const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await runNode(
      [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node', 'eslint.config.ts', 'config-types.ts', 'src/leaky.ts'],
      { cwd: dir },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('the subpaths resolve under moduleResolution node10 (typesVersions)', async () => {
    const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await runNode([tsc, '-p', 'node10'], { cwd: dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('ships the Apache-2.0 license text and the changelog', () => {
    const installed = path.join(dir, 'node_modules', 'eslint-plugin-workqueue');
    const license = fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect((JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { license: string }).license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(installed, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog\n/);
  });
});

describe('installed without TypeScript (a JavaScript project)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await installs.noTypescript;
  }, INSTALL_TIMEOUT + 30_000);

  it('has no typescript to load', async () => {
    const result = await runNode(['--input-type=module', '-e', "import('typescript').then(() => console.log('found'), (e) => console.log(e.code))"], { cwd: dir });
    expect(result.stdout.trim()).toBe('ERR_MODULE_NOT_FOUND');
    expect(fs.existsSync(path.join(dir, 'node_modules', '@typescript-eslint', 'utils'))).toBe(true);
  });

  it('lints a JavaScript file and finds its leak', async () => {
    const result = await runNode([path.join(dir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'src'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const [worker] = parseJsonOutput(result.stdout, dir);
    expect(worker?.filePath).toBe('src/worker.js');
    expect(worker?.messages).toMatchObject([{ ruleId: RULE, messageId: 'leakOnReturn', line: 6, column: 5 }]);
  });
});

describe('installed from the tarball with ESLint 9', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await installs.eslint9;
  }, INSTALL_TIMEOUT + 30_000);

  it('runs ESLint 9', async () => {
    const result = await runNode([path.join(dir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--version'], { cwd: dir });
    expect(result.stdout.trim()).toMatch(/^v9\./);
  });

  it.each(['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs'])('lints with typed linting from %s', async (config) => {
    expect(await lintWith(dir, config)).toMatchObject([{ ruleId: RULE, messageId: 'leakOnReturn', ...LEAK }]);
  });
});
