/**
 * Helpers for the integration tests: temporary projects on disk, and child processes with time limits that are always
 * cleaned up. These tests drive the real clients (the ESLint CLI, npm, an LSP server) against the built plugin in dist/.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ROOT_MODULES = path.join(ROOT, 'node_modules');
export const ESLINT_BIN = path.join(ROOT_MODULES, 'eslint', 'bin', 'eslint.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const children = new Set<ChildProcess>();

/** Runs a command to completion (or kills it at the time limit), capturing its output. Never rejects. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        children.delete(child);
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, signal: child.signalCode, stdout, stderr, ms: performance.now() - started });
      },
    );
    children.add(child);
  });
}

/** Runs `node <args>`. */
export function runNode(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, args, options);
}

/** Runs the ESLint CLI of this repository's node_modules (ESLint 10) in `cwd`. */
export function runESLint(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return runNode([ESLINT_BIN, ...args], options);
}

/** Starts a long-lived child process; `killChildren()` (or the exit of this process) ends it. */
export function start(command: string, args: readonly string[], cwd: string): ChildProcess {
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
process.once('exit', killChildren);

/** Builds dist/ if it is missing or stale (shared with `npm run demo`; parallel callers build once). */
export async function ensureBuild(): Promise<void> {
  const result = await runNode([path.join(ROOT, 'scripts', 'ensure-build.mjs')], { cwd: ROOT, timeoutMs: 240_000 });
  if (result.code !== 0) throw new Error(`building dist/ failed:\n${result.stdout}${result.stderr}`);
}

/** A fresh directory under the system's temp dir; `removeTempDirs()` deletes them all. */
const tempDirs: string[] = [];
export function makeTempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `wq-${prefix}-`)));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Writes `files` (relative path → contents) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
const INSTALL_TIMEOUT = 300_000;

/** `npm pack` of this repository (dist/ built first, then packed as is) into a temp dir: the tarball and its files. */
export async function packPlugin(): Promise<{ tarball: string; files: string[]; queueTarball: string }> {
  await ensureBuild();
  const destination = makeTempDir('pack');
  // dist/ is fresh (ensureBuild): pack it as is, without `prepare` rebuilding it under other tests' feet.
  const pack = async (workspace: string[]): Promise<{ filename: string; files: { path: string }[] }> => {
    const packed = await run(NPM, ['pack', '--json', '--ignore-scripts', ...workspace, '--pack-destination', destination], { cwd: ROOT, timeoutMs: 120_000 });
    if (packed.code !== 0) throw new Error(`npm pack ${workspace.join(' ')} failed:\n${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error(`npm pack printed nothing:\n${packed.stdout}`);
    return info;
  };
  const plugin = await pack([]);
  // The reference queue is its own package, k8s-workqueue, which the plugin depends on; it is not in the registry yet.
  const queue = await pack(['--workspace', 'k8s-workqueue']);
  return {
    tarball: path.join(destination, plugin.filename),
    files: plugin.files.map((file) => file.path).sort(),
    queueTarball: path.join(destination, queue.filename),
  };
}

/**
 * A user's project with the packed plugin added by `npm install`, as a user adds a plugin to a project that has its
 * tools already. The project lives under os.tmpdir()/wq-projects, keyed by this checkout, its dependencies and the
 * npm flags, and its dependencies are installed once; every call then installs these `tarballs` (under names of their
 * content, so npm sees a new plugin whenever it changed) and writes `files`. A later run costs seconds, not an install.
 */
export async function installedProject(
  prefix: string,
  dependencies: Readonly<Record<string, string>>,
  tarballs: readonly string[],
  files: Readonly<Record<string, string>>,
  flags: readonly string[] = [],
): Promise<{ dir: string; install: RunResult }> {
  const key = createHash('sha256')
    .update(JSON.stringify({ root: ROOT, dependencies, flags, node: process.versions.node.split('.')[0] }))
    .digest('hex')
    .slice(0, 12);
  const dir = path.join(os.tmpdir(), 'wq-projects', `${prefix}-${key}`);
  const stamp = path.join(dir, '.dependencies-installed');
  if (!fs.existsSync(stamp)) {
    fs.rmSync(dir, { recursive: true, force: true });
    writeFiles(dir, {
      'package.json': JSON.stringify({ name: `wq-${prefix}`, private: true, type: 'module', devDependencies: dependencies }, null, 2),
    });
    const installed = await run(NPM, ['install', ...NPM_FLAGS, ...flags], { cwd: dir, timeoutMs: INSTALL_TIMEOUT });
    if (installed.code !== 0) throw new Error(`installing ${JSON.stringify(dependencies)} failed:\n${installed.stderr}`);
    fs.writeFileSync(stamp, '');
  }
  for (const old of fs.readdirSync(dir).filter((name) => name.endsWith('.tgz'))) fs.rmSync(path.join(dir, old));
  const locals = tarballs.map((tarball) => {
    const digest = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 12);
    const local = `${path.basename(tarball, '.tgz')}-${digest}.tgz`;
    fs.copyFileSync(tarball, path.join(dir, local));
    return `./${local}`;
  });
  writeFiles(dir, files);
  const install = await run(NPM, ['install', '--save-dev', ...locals, ...NPM_FLAGS, ...flags], { cwd: dir, timeoutMs: INSTALL_TIMEOUT });
  return { dir, install };
}

/** The packages a linked project sees in its node_modules: symlinks into this repository's (one copy of each). */
const LINKED_PACKAGES = ['eslint', 'typescript', 'typescript-eslint', '@typescript-eslint', '@microsoft', 'jiti'];

/**
 * A temporary project whose node_modules links to this repository's packages, with `eslint-plugin-workqueue` linked
 * to this repository itself (so Node resolves it through package.json `exports` to dist/, as a user's install does).
 * Fast: no install. The npm-installed variant is in package.test.ts.
 */
export function linkedProject(prefix: string, files: Readonly<Record<string, string>>): string {
  const dir = makeTempDir(prefix);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of LINKED_PACKAGES) {
    const target = path.join(ROOT_MODULES, name);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(modules, name), 'dir');
  }
  fs.symlinkSync(ROOT, path.join(modules, 'eslint-plugin-workqueue'), 'dir');
  writeFiles(dir, { 'package.json': JSON.stringify({ name: path.basename(dir), private: true, type: 'module' }), ...files });
  return dir;
}

/** tsconfig.json for a temporary project: strict, NodeNext, `src/**` only. */
export const TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      jsx: 'preserve',
      types: [],
    },
    include: ['src'],
  },
  null,
  2,
);

/** The README's config: typescript-eslint's parser with the project service, and recommended-type-checked. */
export const ESLINT_CONFIG_JS = `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default defineConfig([
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
]);
`;

/** A queue type and a worker with one leak: the `return` on line 14 skips `done()`. */
export const QUEUE_TS = `export interface Queue<T> {
  get(): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: T): void;
  numRequeues(item: T): number;
  forget(item: T): void;
}
`;

export const LEAKY_WORKER_TS = `import type { Queue } from './queue.js';

declare function sync(key: string): Promise<void>;

export async function processNextWorkItem(queue: Queue<string>): Promise<boolean> {
  const [key, shutdown] = await queue.get();
  if (shutdown) {
    return false;
  }

  if (queue.numRequeues(key) > 10) {
    queue.forget(key);
    return true;
  }
  try {
    await sync(key);
  } finally {
    queue.done(key);
  }
  return true;
}
`;

/** Where the leak is reported: the \`return true;\` inside the retry cap. */
export const LEAK = { line: 13, column: 5, endLine: 13, endColumn: 17 } as const;

export const CORRECT_WORKER_TS = `import type { Queue } from './queue.js';

declare function sync(key: string): Promise<void>;

export async function worker(queue: Queue<string>): Promise<void> {
  for (;;) {
    const [key, shutdown] = await queue.get();
    if (shutdown) return;
    try {
      await sync(key);
    } finally {
      queue.done(key);
    }
  }
}
`;

/** ESLint's JSON formatter output, minus what differs between runs (absolute paths, timing, source). */
export interface LintResultJson {
  filePath: string;
  messages: {
    ruleId: string | null;
    message: string;
    messageId?: string;
    line: number;
    column: number;
    endLine?: number;
    endColumn?: number;
    severity: number;
    fatal?: boolean;
    suggestions?: { desc: string; messageId?: string; fix: { range: [number, number]; text: string } }[];
  }[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
}

export function parseJsonOutput(stdout: string, cwd: string): LintResultJson[] {
  const results = JSON.parse(stdout) as (LintResultJson & { source?: string; usedDeprecatedRules?: unknown })[];
  return results
    .map(({ filePath, messages, errorCount, warningCount, fatalErrorCount }) => ({
      filePath: path.relative(cwd, filePath),
      messages,
      errorCount,
      warningCount,
      fatalErrorCount,
    }))
    .sort((a, b) => a.filePath.localeCompare(b.filePath));
}
