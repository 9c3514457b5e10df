// The known-leak corpus's accounting (bench/lib/known-leaks.js): when a known leak counts as found, how reports on it
// and other reports are scored, and the committed known-leaks.json's shape. Pure functions; no install, no lint.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  checkKnownLeaks,
  classifyKnown,
  leakLines,
  matchKnownLeaks,
  packageId,
  recall,
  reportHitsLeak,
  splitVerdicts,
} from '../../bench/lib/known-leaks.js';
import type { KnownLeak } from '../../bench/lib/known-leaks.js';
import { indexVerdicts } from '../../bench/lib/precision.js';
import type { Report } from '../../bench/lib/precision.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const leak = (extra: Partial<KnownLeak> = {}): KnownLeak => ({
  id: 'pool-commit',
  package: 'pgx',
  version: '1.2.3',
  file: 'lib/tx.js',
  acquire: 10,
  exits: [20, 24],
  rule: 'require-release',
  fixedIn: { version: '1.2.4', url: 'https://github.com/o/pgx/pull/1' },
  what: 'the client',
  path: 'the commit throws',
  why: 'pool exhaustion',
  ...extra,
});
const report = (line: number, extra: Partial<Report> = {}): Report => ({
  package: 'pgx@1.2.3',
  file: 'lib/tx.js',
  line,
  rule: 'require-release',
  message: 'The client acquired by `pool.connect()` …',
  ...extra,
});

describe('when a known leak is found', () => {
  it('names reports of the corpus name@version', () => {
    expect(packageId('@scope/p', '0.1.0')).toBe('@scope/p@0.1.0');
  });

  it('takes the acquire and exit lines, one or many, sorted and without repeats', () => {
    expect(leakLines(leak())).toEqual([10, 20, 24]);
    expect(leakLines({ acquire: [7, 10], exits: [37, 10] })).toEqual([7, 10, 37]);
    expect(leakLines({ acquire: 5 })).toEqual([5]);
  });

  it('counts a report of the leak rule on an acquire or exit line, and nothing else', () => {
    for (const line of [10, 20, 24]) expect(reportHitsLeak(report(line), leak())).toBe(true);
    // A line between the acquire and the exit is another exception point, not this leak's.
    expect(reportHitsLeak(report(15), leak())).toBe(false);
    expect(reportHitsLeak(report(20, { rule: 'require-done' }), leak())).toBe(false);
    expect(reportHitsLeak(report(20, { file: 'lib/other.js' }), leak())).toBe(false);
    // The same package at another version (e.g. the main corpus's pin) is other code.
    expect(reportHitsLeak(report(20, { package: 'pgx@2.0.0' }), leak())).toBe(false);
    expect(reportHitsLeak(report(20, { package: 'pgx' }), leak())).toBe(false);
  });

  it('matches per leak and computes recall = found / total', () => {
    const second = leak({ id: 'span-cb', file: 'lib/span.js', acquire: 3, exits: [5] });
    const matches = matchKnownLeaks([leak(), second], [report(24), report(15), report(4, { file: 'lib/span.js' })]);
    expect(matches.map((m) => [m.leak.id, m.found, m.hits.map((h) => h.line)])).toEqual([
      ['pool-commit', true, [24]],
      ['span-cb', false, []],
    ]);
    expect(recall(matches)).toEqual({ found: 1, total: 2, recall: 0.5 });
    expect(recall([])).toEqual({ found: 0, total: 0, recall: undefined });
  });
});

describe('scoring the corpus', () => {
  it('scores a report on a known leak true without a verdict, and every other report by its verdict', () => {
    const { byKey } = indexVerdicts([
      { package: 'pgx@1.2.3', file: 'lib/tx.js', line: 15, rule: 'require-release', verdict: false, why: 'cannot throw', cause: 'throw:builtin' },
    ]);
    const classified = classifyKnown([report(20), report(15), report(30)], [leak()], byKey);
    expect(classified.map((r) => [r.line, r.status, r.leak, r.cause])).toEqual([
      [20, 'true', 'pool-commit', undefined],
      [15, 'false', undefined, 'throw:builtin'],
      [30, 'unread', undefined, undefined],
    ]);
  });

  it('keeps the two corpora apart: verdicts of name@version packages go to the known-leak corpus', () => {
    const { byKey } = indexVerdicts([
      { package: 'pgx@1.2.3', file: 'a.js', line: 1, rule: 'require-release', verdict: true, why: 'leaks' },
      { package: 'pgx', file: 'a.js', line: 1, rule: 'require-release', verdict: true, why: 'leaks' },
    ]);
    const { inside, outside } = splitVerdicts(byKey, new Set(['pgx@1.2.3']));
    expect([...inside.values()].map((v) => v.package)).toEqual(['pgx@1.2.3']);
    expect([...outside.values()].map((v) => v.package)).toEqual(['pgx']);
  });
});

describe('checkKnownLeaks', () => {
  const file = { packages: [{ name: 'pgx', version: '1.2.3', files: ['lib/*.js'] }], leaks: [leak()] };

  it('accepts a well-formed file', () => {
    expect(checkKnownLeaks(file)).toEqual([]);
  });

  it('reports missing fields, bad lines, duplicate ids, unpinned packages and a fix without a URL', () => {
    const problems = checkKnownLeaks({
      packages: [...file.packages, { name: 'pgx', version: '1.2.3', files: [] }],
      leaks: [
        leak(),
        leak({ why: '' }),
        leak({ id: 'b', acquire: [0] }),
        leak({ id: 'c', version: '9.9.9' }),
        leak({ id: 'd', fixedIn: { version: '1', url: 'later' } }),
      ],
    });
    const text = problems.join('\n');
    expect(text).toMatch(/pgx@1\.2\.3 is pinned twice/);
    expect(text).toMatch(/needs files/);
    expect(text).toMatch(/duplicate id/);
    expect(text).toMatch(/needs why/);
    expect(text).toMatch(/lines must be positive integers/);
    expect(text).toMatch(/pgx@9\.9\.9 is not in packages/);
    expect(text).toMatch(/fixedIn needs a version and an https URL/);
    expect(checkKnownLeaks({})).toEqual(['packages must be an array', 'leaks must be an array']);
  });

  it('finds nothing wrong in the committed known-leaks.json, whose packages all carry a leak', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'real-world', 'known-leaks.json'), 'utf8')) as {
      packages: { name: string; version: string }[];
      leaks: KnownLeak[];
    };
    expect(checkKnownLeaks(committed)).toEqual([]);
    expect(committed.leaks.length).toBeGreaterThan(0);
    for (const pin of committed.packages) expect(committed.leaks.some((l) => l.package === pin.name && l.version === pin.version)).toBe(true);
  });
});
