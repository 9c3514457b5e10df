#!/usr/bin/env node
// Regenerates docs/fixtures.md from the executed fixture corpus (tests/executed/, tests/fixtures/workers/).
//
//   npm run fixtures:doc
//
// The corpus is TypeScript run under vitest (no tsx here): this runs the doc test of tests/executed/fixtures.test.ts
// with FIXTURES_DOC=write, which lints and executes every fixture and writes the file instead of comparing it.
// `npx vitest run tests/executed` (part of `npm test`) fails when the committed file differs from what it generates.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
const child = spawnSync(
  process.execPath,
  [vitest, 'run', 'tests/executed/fixtures.test.ts', '--testNamePattern', 'docs/fixtures.md', '--reporter=dot'],
  { cwd: root, env: { ...process.env, FIXTURES_DOC: 'write' }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
if (child.status !== 0) {
  process.stdout.write(child.stdout ?? '');
  process.stderr.write(child.stderr ?? '');
  console.error(`fixtures:doc: FAILED (vitest exited with ${child.status ?? child.signal})`);
  process.exit(1);
}
const doc = readFileSync(join(root, 'docs/fixtures.md'), 'utf8');
// Totals rows: | `rule` | finding | fixtures | positive | negative | reported | reported and positive | agreeing | disagreeing |
const rows = [...doc.matchAll(/^\| `(workqueue\/[a-z-]+)` \| ([^|]+?) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)];
console.log(
  rows.length > 0
    ? `fixtures:doc: wrote docs/fixtures.md — ${rows[0][3]} fixtures\n` +
        rows
          .map(
            ([, rule, finding, , positive, , reported, confirmed, agreeing, disagreeing]) =>
              `  ${rule} ${finding.replaceAll('`', '')}: ${positive} positive at runtime, ${reported} reported ` +
              `(${confirmed} of them positive), ${agreeing} agreeing, ${disagreeing} disagreeing`,
          )
          .join('\n')
    : 'fixtures:doc: wrote docs/fixtures.md',
);
