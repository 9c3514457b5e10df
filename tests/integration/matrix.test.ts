/**
 * The supported range, end to end: the packed plugin is added with a plain `npm install` (no --force, no
 * --legacy-peer-deps) to a project that already has ESLint, typescript-eslint and TypeScript — at the oldest versions
 * the plugin supports and at the newest — and lints there with type information: a leaking worker is reported, a
 * correct one is clean. The README's table of supported versions is this matrix.
 *
 * The projects come from the npm registry. Each is kept under the system's temp dir, keyed by its pins
 * (helpers.ts `installedProject`), so a second run only replaces the plugin (seconds); the first installs everything
 * (about half a minute a project). Not part of
 * `npm test`: `npm run test:matrix` runs it, and so does CI.
 */
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CORRECT_WORKER_TS, type RunResult, TSCONFIG, installedProject, packPlugin, removeTempDirs, runNode } from './helpers.js';

const INSTALL_TIMEOUT = 300_000;

interface Combination {
  readonly name: string;
  readonly pins: { readonly eslint: string; readonly 'typescript-eslint': string; readonly typescript: string };
}

/** Keep in step with the README's table of supported versions and package.json's ranges. */
const MATRIX: readonly Combination[] = [
  { name: 'oldest', pins: { eslint: '9.0.0', 'typescript-eslint': '8.40.0', typescript: '5.8.3' } },
  { name: 'newest', pins: { eslint: '10.15.0', 'typescript-eslint': '8.74.0', typescript: '6.0.3' } },
];

/** A queue whose receiver name (`jobs`) the untyped name fallback does not take: a report proves types were used. */
const QUEUE_TS = `export interface Queue<T> {
  get(): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: T): void;
  numRequeues(item: T): number;
  forget(item: T): void;
}
`;

const LEAKY_TS = `import type { Queue } from './queue.js';

declare function sync(key: string): Promise<void>;

export async function processNextWorkItem(jobs: Queue<string>): Promise<boolean> {
  const [key, shutdown] = await jobs.get();
  if (shutdown) {
    return false;
  }
  if (jobs.numRequeues(key) > 10) {
    jobs.forget(key);
    return true;
  }
  try {
    await sync(key);
  } finally {
    jobs.done(key);
  }
  return true;
}
`;

/** A flat config as an array (no `defineConfig`, which ESLint 9.0 lacks). */
const ESLINT_CONFIG = `import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default [
  { files: ['**/*.ts'], ...tseslint.configs.base },
  { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.ts'], ...workqueue.configs['recommended-type-checked'] },
];
`;

let tarball: string;
let queueTarball: string;

beforeAll(async () => {
  ({ tarball, queueTarball } = await packPlugin());
}, 300_000);

afterAll(removeTempDirs);

function installedVersion(dir: string, name: string): string | undefined {
  const manifest = path.join(dir, 'node_modules', name, 'package.json');
  return fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}

/** Every installed copy of `name` anywhere in the tree, as `path@version`. */
function copies(dir: string, name: string): string[] {
  const found: string[] = [];
  const visit = (modules: string): void => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? fs.readdirSync(path.join(modules, entry)).map((inner) => `${entry}/${inner}`) : [entry];
      for (const pkg of scoped) {
        const at = path.join(modules, pkg);
        if (pkg === name) {
          const { version } = JSON.parse(fs.readFileSync(path.join(at, 'package.json'), 'utf8')) as { version: string };
          found.push(`${path.relative(dir, at)}@${version}`);
        }
        visit(path.join(at, 'node_modules'));
      }
    }
  };
  visit(path.join(dir, 'node_modules'));
  return found.sort();
}

describe.each(MATRIX)('$name supported versions', (combination) => {
  let dir: string;
  let install: RunResult;

  beforeAll(async () => {
    ({ dir, install } = await installedProject(`matrix-${combination.name}`, combination.pins, [tarball, queueTarball], {
      'tsconfig.json': TSCONFIG,
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/queue.ts': QUEUE_TS,
      'src/leaky.ts': LEAKY_TS,
      'src/correct.ts': CORRECT_WORKER_TS,
    }));
  }, 2 * INSTALL_TIMEOUT);

  it(`npm install adds the plugin to ESLint ${combination.pins.eslint}, typescript-eslint ${combination.pins['typescript-eslint']}, TypeScript ${combination.pins.typescript} without a peer conflict`, () => {
    expect(install.stderr).not.toMatch(/ERESOLVE|peer dep/i);
    expect(install.code).toBe(0);
    expect({
      eslint: installedVersion(dir, 'eslint'),
      'typescript-eslint': installedVersion(dir, 'typescript-eslint'),
      typescript: installedVersion(dir, 'typescript'),
    }).toEqual(combination.pins);
  });

  it("reuses the project's typescript-eslint: one copy of @typescript-eslint/utils and type-utils", () => {
    const version = combination.pins['typescript-eslint'];
    expect(copies(dir, '@typescript-eslint/utils')).toEqual([`node_modules/@typescript-eslint/utils@${version}`]);
    expect(copies(dir, '@typescript-eslint/type-utils')).toEqual([`node_modules/@typescript-eslint/type-utils@${version}`]);
  });

  it('lints with type information: the leaking worker is reported, the correct one is clean', async () => {
    const result = await runNode([path.join(dir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'src'], { cwd: dir });
    expect(result.stderr).toBe('');
    const results = (JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; messageId?: string; line: number }[] }[])
      .map(({ filePath, messages }) => ({
        file: path.relative(dir, filePath),
        messages: messages.map(({ ruleId, messageId, line }) => ({ ruleId, messageId, line })),
      }))
      .sort((a, b) => a.file.localeCompare(b.file));
    expect(results).toEqual([
      { file: 'src/correct.ts', messages: [] },
      { file: 'src/leaky.ts', messages: [{ ruleId: 'workqueue/require-done', messageId: 'leakOnReturn', line: 12 }] },
      { file: 'src/queue.ts', messages: [] },
    ]);
    expect(result.code).toBe(1);
  });
});
