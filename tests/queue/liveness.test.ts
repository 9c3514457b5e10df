// Issue 16: docs/queue.md says a running queue with waiting delayed items keeps the process alive and a shut-down one
// does not. Checked in child processes on the real clock, without timing assumptions: each child arms an unref'd
// 300 ms timer, which can only fire if something else (the queue) keeps the event loop alive; when it fires, the child
// prints "alive" and shuts the queue down, which must then let the process exit. A child the queue does not keep alive
// exits at once, without printing "alive". The queue's sources are transpiled (typescript's transpileModule) into a
// temporary directory, so this test does not depend on a build.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/queue');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wq-liveness-'));
  for (const file of fs.readdirSync(SRC)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(SRC, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    fs.writeFileSync(path.join(dir, file.replace(/\.ts$/, '.js')), outputText);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` (which has `newDelayingQueue`, `newQueue` and `q` for a fresh delaying queue in scope) in a child. */
function child(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    import { newDelayingQueue, newQueue } from './index.js';
    const q = newDelayingQueue();
    setTimeout(() => { console.log('alive'); q.shutDown(); }, 300).unref();
    ${body}
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, timeout: 30_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('process liveness on the real clock', () => {
  it.each([
    ['an item with an Infinity delay', `q.addAfter('never', Infinity);`],
    ['an item with a delay beyond 2^31-1 ms (Node would fire it after 1 ms)', `q.addAfter('late', 2 ** 31 + 5_000); q.get().then(([, shutdown]) => { if (!shutdown) console.log('fired early'); });`],
    ['an item with a delay of a day', `q.addAfter('tomorrow', 86_400_000);`],
  ])('a running queue whose only waiting item has %s keeps the process alive; shutDown() lets it exit', async (_name, body) => {
    const result = await child(body);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('alive\n');
    expect(result.code).toBe(0);
  });

  it.each([
    ['a shut-down queue whose items were waiting', `q.addAfter('x', Infinity); q.addAfter('y', 1e9); q.shutDown();`],
    ['a shut-down named queue with metrics', `const m = { inc() {}, dec() {}, set() {}, observe() {} }; const p = new Proxy({}, { get: () => () => m }); const n = newQueue({ name: 'n', metricsProvider: p }); n.add('a'); n.shutDown();`],
    ['a running queue with nothing waiting (a pending get() holds nothing)', `q.get();`],
  ])('%s does not keep the process alive', async (_name, body) => {
    const result = await child(body);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });
});
