/**
 * `npm run demo`, as the README's "Set up" runs it: lints examples/ with typed linting, prints ESLint's stylish output
 * and a one-line summary, and exits 0. Every finding must be one of the bugs planted in the service (each marked with
 * a `// LEAK:` comment) — a finding in a correct worker is a false positive, a planted leak without one a miss.
 */
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, ensureBuild, killChildren, run, type RunResult } from './helpers.js';

const EXAMPLES = path.join(ROOT, 'examples');

/** `// LEAK:` comments per file under examples/src, by absolute path. */
function plantedLeaks(): Map<string, number> {
  const planted = new Map<string, number>();
  for (const name of fs.readdirSync(path.join(EXAMPLES, 'src'), { recursive: true, encoding: 'utf8' })) {
    const file = path.join(EXAMPLES, 'src', name);
    if (!file.endsWith('.ts')) continue;
    const count = fs.readFileSync(file, 'utf8').match(/\/\/ LEAK:/g)?.length ?? 0;
    if (count > 0) planted.set(file, count);
  }
  return planted;
}

/** Findings per file and rule, read back from the stylish output. */
function findings(stdout: string): Map<string, Map<string, number>> {
  const found = new Map<string, Map<string, number>>();
  let file: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('/')) {
      file = line.trim();
      continue;
    }
    const match = /^\s+\d+:\d+\s+(?:error|warning)\s+.*\s(\S+)$/.exec(line);
    if (!match?.[1] || file === undefined) continue;
    const rules = found.get(file) ?? new Map<string, number>();
    rules.set(match[1], (rules.get(match[1]) ?? 0) + 1);
    found.set(file, rules);
  }
  return found;
}

let demo: RunResult;

beforeAll(async () => {
  await ensureBuild();
  demo = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'demo'], { cwd: ROOT, timeoutMs: 180_000 });
}, 240_000);

afterAll(killChildren);

describe('npm run demo', () => {
  it('exits 0 and prints nothing on stderr', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
  });

  it('prints the findings in the stylish format and a one-line summary', () => {
    const planted = [...plantedLeaks().values()].reduce((a, b) => a + b, 0);
    expect(planted).toBeGreaterThanOrEqual(3);
    expect(demo.stdout).toContain(`✖ ${planted} problems (${planted} errors, 0 warnings)`);
    const lines = demo.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^workqueue demo: ${planted} problems \\(workqueue/require-done: ${planted}\\) in ${plantedLeaks().size} of \\d+ files in examples/, typed linting in \\d+\\.\\d s;`,
      ),
    );
  });

  it('finds exactly the planted leaks, file by file, and nothing in the correct workers', () => {
    const expected = new Map([...plantedLeaks()].map(([file, count]) => [file, new Map([['workqueue/require-done', count]])]));
    expect(findings(demo.stdout)).toEqual(expected);
  });
});
