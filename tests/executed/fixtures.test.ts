/**
 * The executed fixture corpus (see docs/fixtures.md): for every worker in tests/fixtures/workers/, the typed lint
 * verdict of `workqueue/require-done` must equal the runtime verdict of the reference queue under fault injection,
 * a leaking fixture's named scenario must run its `// leak:` line and leave the item processing, and a correct
 * fixture must end every scenario with nothing processing and the drain resolved.
 *
 * `FIXTURES_DOC=write` (what `npm run fixtures:doc` sets) rewrites docs/fixtures.md instead of comparing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { SCENARIOS } from '../fixtures/contract.js';
import { DOC_PATH, evaluateCorpus, type FixtureResult, fixtureFiles, KNOWN_DISAGREEMENTS, renderDoc } from './corpus.js';
import { lintUntyped } from './lint.js';

const files = fixtureFiles();
let results: FixtureResult[] = [];
const byName = new Map<string, FixtureResult>();
const names = files.map((f) => f.slice(f.lastIndexOf('/') + 1, -'.ts'.length));

beforeAll(async () => {
  results = await evaluateCorpus();
  for (const r of results) byName.set(r.name, r);
}, 300_000);

const result = (name: string): FixtureResult => {
  const r = byName.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};

describe('the corpus', () => {
  it('has at least 40 fixtures, about half of them leaking', () => {
    expect(results.length).toBe(files.length);
    expect(results.length).toBeGreaterThanOrEqual(40);
    const leaking = results.filter((r) => r.meta.leaks).length;
    expect(leaking / results.length).toBeGreaterThanOrEqual(0.4);
    expect(leaking / results.length).toBeLessThanOrEqual(0.6);
  });

  it('is linted with type information, through the project tsconfig', () => {
    for (const r of results) expect(r.lint.typed, r.file).toBe(true);
    // A queue named nothing like one is only found through its type: the untyped rule misses this leak.
    const typedOnly = result('typed-only-backlog-continue');
    expect(typedOnly.lint.reports.length).toBeGreaterThan(0);
    expect(lintUntyped(readFileSync(typedOnly.file, 'utf8'), typedOnly.file)).toEqual([]);
  });

  it("contains Volcano's processResyncTask before and after the fix", () => {
    const before = result('volcano-process-resync-task-before-fix');
    expect(before.lint.reports.map((m) => [m.line, m.messageId])).toEqual([[before.markerLines[0], 'leakOnReturn']]);
    expect(before.leakingScenarios).toContain('retry-cap');
    expect(before.pathDriven).toBe(true);
    const after = result('volcano-process-resync-task-after-fix');
    expect(after.lint.reports).toEqual([]);
    expect(after.leakingScenarios).toEqual([]);
  });

  it('lists only real disagreements as known', () => {
    for (const name of Object.keys(KNOWN_DISAGREEMENTS)) expect(result(name).agree, name).toBe(false);
  });
});

describe.each(names)('%s', (name) => {
  it('states what it demonstrates and follows the contract', () => {
    const r = result(name);
    expect(r.header.length, 'header comment').toBeGreaterThan(40);
    expect(typeof r.meta.leaks).toBe('boolean');
    if (r.meta.leaks) {
      expect(r.header).toMatch(/^Leaks\b/m);
      expect(r.meta.leakPath).not.toBe('');
      expect(SCENARIOS).toContain(r.meta.leakScenario);
      expect(r.markerLines, 'exactly one `// leak:` line').toHaveLength(1);
    } else {
      expect(r.header).toMatch(/^Correct\b/m);
      expect(r.meta.leakPath).toBe('');
      expect(r.meta.leakScenario).toBeUndefined();
      expect(r.markerLines).toEqual([]);
    }
  });

  it('runs the same instrumented and plain', () => {
    expect(result(name).mismatches).toEqual([]);
  });

  it('behaves as its header says at runtime', () => {
    const r = result(name);
    expect(r.runtimeLeaks, `leaking scenarios: ${r.leakingScenarios.join(', ')}`).toBe(r.meta.leaks);
    for (const o of r.outcomes) expect(o.run, `${o.scenario}: the worker must stop after the shutdown`).not.toBe('pending');
    if (r.meta.leaks) {
      // The named scenario ran the marked line and left the item processing.
      expect(r.leakingScenarios).toContain(r.meta.leakScenario);
      expect(r.path?.probe, `line ${r.markerLines[0]} ran in ${r.meta.leakScenario}`).toBeDefined();
      expect(r.pathDriven).toBe(true);
    } else {
      for (const o of r.outcomes) {
        expect(o.leaked, o.scenario).toEqual([]);
        expect(o.drain, o.scenario).toBe('resolved');
        expect(o.misuses, o.scenario).toBe(0);
      }
    }
  });

  it('gets the same verdict from the rule', () => {
    const r = result(name);
    const report = r.lint.reports.map((m) => `${m.line}:${m.column} ${m.messageId}`).join(', ') || 'no report';
    if (name in KNOWN_DISAGREEMENTS) {
      expect(r.agree, `known disagreement (${report})`).toBe(false);
    } else {
      expect(r.lintLeaks, `rule: ${report}; runtime leaks in: ${r.leakingScenarios.join(', ') || 'none'}`).toBe(r.runtimeLeaks);
    }
  });
});

describe('docs/fixtures.md', () => {
  it('is current', () => {
    const text = renderDoc(results);
    if (process.env.FIXTURES_DOC === 'write') {
      writeFileSync(DOC_PATH, text);
      return;
    }
    let committed = '';
    try {
      committed = readFileSync(DOC_PATH, 'utf8');
    } catch {
      // missing: reported below
    }
    expect(committed, 'docs/fixtures.md is out of date: run `npm run fixtures:doc`').toBe(text);
  });
});
