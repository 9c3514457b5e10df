/**
 * The k8s-workqueue package (the src/queue/ workspace) as users get it: packed with npm, installed alone from the
 * tarball into a fresh project (offline: it has no dependencies to fetch), where it must bring nothing else, and a small
 * controller runs on it — several workers, a key that fails and is retried with rate limiting, a poison key dropped at
 * the retry cap, then shutDownWithDrain.
 */
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, ROOT_MODULES, ensureBuild, killChildren, makeTempDir, removeTempDirs, run, runNode, writeFiles } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'queue', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** The controller: 3 workers; `flaky` fails twice then succeeds; `poison` always fails and is dropped after 3 retries. */
const CONTROLLER = `
import { ItemExponentialFailureRateLimiter, newRateLimitingQueue, runWorkers } from 'k8s-workqueue';

const queue = newRateLimitingQueue(new ItemExponentialFailureRateLimiter(1, 20), { name: 'pods' });
const attempts = {};
const retries = [];
const drops = [];
let running = 0;
let maxRunning = 0;

async function reconcile(key) {
  attempts[key] = (attempts[key] ?? 0) + 1;
  running++;
  maxRunning = Math.max(maxRunning, running);
  try {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (key === 'poison') throw new Error('poison: 409 Conflict');
    if (key === 'flaky' && attempts[key] <= 2) throw new Error('flaky: try again');
  } finally {
    running--;
  }
}

for (const key of ['default/a', 'default/b', 'flaky', 'poison', 'default/c', 'default/d']) queue.add(key);
queue.add('default/a'); // collapses with the queued copy

const workers = runWorkers(queue, reconcile, {
  workers: 3,
  maxRetries: 3,
  onRetry: (key, _error, n) => retries.push(key + '#' + n),
  onDrop: (key, error, n) => drops.push({ key, error: error.message, n }),
});
await queue.onIdle();
await queue.shutDownWithDrain({ timeoutMs: 10_000 });
await workers;

let promClient;
try {
  await import('k8s-workqueue/prom-client');
  promClient = 'loaded';
} catch (error) {
  promClient = error.code + ': ' + /'([^']+)'/.exec(error.message)?.[1];
}

console.log(JSON.stringify({
  attempts, retries, drops, maxRunning,
  stats: queue.stats(),
  requeues: { flaky: queue.numRequeues('flaky'), poison: queue.numRequeues('poison') },
  shuttingDown: queue.shuttingDown(),
  promClient,
}));
`;

let tarball: string;
let packedFiles: string[];
let project: string;

beforeAll(async () => {
  await ensureBuild();
  const destination = makeTempDir('pack-queue');
  // src/queue/dist is fresh (ensureBuild): pack it as is, without the prepack build.
  const packed = await run(NPM, ['pack', '--json', '--ignore-scripts', '--workspace', manifest.name, '--pack-destination', destination], {
    cwd: ROOT,
    timeoutMs: 120_000,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed nothing:\n${packed.stdout}`);
  tarball = path.join(destination, info.filename);
  packedFiles = info.files.map((file) => file.path).sort();

  project = makeTempDir('queue-user');
  writeFiles(project, {
    'package.json': JSON.stringify({ name: 'queue-user', private: true, type: 'module' }, null, 2),
    'controller.mjs': CONTROLLER,
  });
  fs.copyFileSync(tarball, path.join(project, path.basename(tarball)));
  const installed = await run(
    NPM,
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `./${path.basename(tarball)}`],
    { cwd: project, timeoutMs: 180_000 },
  );
  if (installed.code !== 0) throw new Error(`npm install failed (${installed.code ?? installed.signal ?? ''}):\n${installed.stderr}`);
}, 360_000);

afterAll(() => {
  killChildren();
  removeTempDirs();
});

describe('k8s-workqueue, packed', () => {
  it('ships the built JavaScript, its declarations, the README and package.json, and no dependencies', () => {
    expect(path.basename(tarball)).toBe(`${manifest.name}-${manifest.version}.tgz`);
    for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/prom-client.js', 'dist/prom-client.d.ts', 'dist/workers.js']) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((file) => !/^(?:dist\/[\w-]+\.(?:js|d\.ts)|README\.md|package\.json)$/.test(file))).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'queue', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependenciesMeta).toEqual({ 'prom-client': { optional: true } });
  });
});

describe('k8s-workqueue, installed alone from the tarball', () => {
  it('brings nothing else: npm ls --prod lists only k8s-workqueue, with no dependencies of its own', async () => {
    const ls = await run(NPM, ['ls', '--prod', '--all', '--json'], { cwd: project, timeoutMs: 60_000 });
    expect(ls.code).toBe(0);
    type Tree = { version?: string; dependencies?: Record<string, Tree> };
    const tree = JSON.parse(ls.stdout) as Tree;
    expect(Object.keys(tree.dependencies ?? {})).toEqual([manifest.name]);
    expect(tree.dependencies?.[manifest.name]).toMatchObject({ version: manifest.version });
    // npm lists the optional peer it did not install as an empty entry: nothing under it is installed.
    expect(tree.dependencies?.[manifest.name]?.dependencies ?? {}).toEqual({ 'prom-client': {} });
    expect(fs.readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([manifest.name]);
  });

  it('runs a controller: workers process every key once, the flaky key is retried with rate limiting, the poison key is dropped at the cap, the drain completes', async () => {
    const result = await runNode(['controller.mjs'], { cwd: project, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toEqual({
      attempts: { 'default/a': 1, 'default/b': 1, flaky: 3, poison: 4, 'default/c': 1, 'default/d': 1 },
      retries: expect.arrayContaining(['flaky#1', 'flaky#2', 'poison#1', 'poison#2', 'poison#3']) as unknown,
      drops: [{ key: 'poison', error: 'poison: 409 Conflict', n: 3 }],
      maxRunning: 3,
      // adds: 7 add() calls and 5 rate-limited retries falling due; gets: 6 keys + 5 retries.
      stats: { adds: 12, ignoredAdds: 0, gets: 11, dones: 11, misuses: 0, depth: 0, processing: 0, waitingGets: 0, metricsErrors: 0 },
      requeues: { flaky: 0, poison: 0 }, // forgotten on success and when dropped
      shuttingDown: true,
      promClient: "ERR_MODULE_NOT_FOUND: prom-client", // the optional peer is not installed: only that subpath needs it
    });
    expect(out.retries).toHaveLength(5);
  });
});

/** A worker in TypeScript with `await using` on `lease()`: type-checked against the published declarations, compiled, run. */
const TYPED_WORKER = `import { newQueue, type Lease } from 'k8s-workqueue';

const queue = newQueue<string>();
const seen: string[] = [];

async function worker(): Promise<void> {
  for (;;) {
    await using lease: Lease<string> = await queue.lease();
    if (lease.shutdown) return;
    const key: string = lease.item; // narrowed by the shutdown check
    seen.push(key);
    if (key === 'b') throw new Error('b failed'); // the lease is still disposed: done('b')
  }
}

queue.add('a');
queue.add('b');
queue.add('c');
const first = await worker().catch((error: unknown) => (error as Error).message);
queue.shutDown();
await worker();
console.log(JSON.stringify({ first, seen, stats: queue.stats() }));
`;

describe('k8s-workqueue from TypeScript', () => {
  it('type-checks (skipLibCheck off) with TypeScript and @types/node, compiles await using for Node 20, and runs', async () => {
    // Inside the project (so that k8s-workqueue resolves to the installed copy), with this repository's TypeScript and
    // @types/node reached through typeRoots: nothing is added to the project's node_modules.
    const dir = path.join(project, 'typed');
    writeFiles(dir, {
      'package.json': JSON.stringify({ type: 'module' }),
      'src/worker.ts': TYPED_WORKER,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(ROOT_MODULES, '@types')],
          rootDir: 'src',
          outDir: 'out',
        },
        include: ['src'],
      }),
    });
    const tsc = await runNode([path.join(ROOT_MODULES, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    const result = await runNode(['out/worker.js'], { cwd: dir, timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      first: 'b failed',
      seen: ['a', 'b', 'c'],
      stats: { gets: 3, dones: 3, misuses: 0, processing: 0 },
    });
  });
});
