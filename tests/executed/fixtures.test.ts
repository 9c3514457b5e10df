/**
 * The executed fixture corpus (see docs/fixtures.md): for every worker in tests/fixtures/workers/, the typed lint
 * verdict of `workqueue/require-done` must equal the runtime verdict of the reference queue under fault injection,
 * a leaking fixture's named scenario must run its `// leak:` line and leave the item processing, and a correct
 * fixture must end every scenario with nothing processing and the drain resolved. The same holds for the companion
 * rules: `workqueue/no-double-done` against a second `done` the queue counts as a misuse, `workqueue/bounded-retries`
 * against the poison key's retries (`unboundedRetry`: its failure count climbs past 3 × the cap; `missingForget`:
 * it is dropped with its failure count left in the rate limiter), each claimed finding driven through its marked line.
 *
 * `FIXTURES_DOC=write` (what `npm run fixtures:doc` sets) rewrites docs/fixtures.md instead of comparing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { SCENARIOS } from '../fixtures/contract.js';
import {
  type CheckId,
  DOC_PATH,
  evaluateCorpus,
  FINDING_SPECS,
  FINDINGS,
  type FixtureResult,
  fixtureFiles,
  KNOWN_DISAGREEMENTS,
  renderDoc,
} from './corpus.js';
import { MAX_RETRIES, RETRY_BOUND } from './drive.js';
import { DOUBLE_DONE_RULE_ID, lintUntyped, RETRIES_RULE_ID, RULE_ID } from './lint.js';

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

  it('untyped, reads a helper imported from another module: the worker that calls it before its try is clean', () => {
    // `metaNamespaceKey` (../support/cache.js) cannot throw; untyped, the rule reads its body from disk.
    const imported = result('imported-key-helper-before-try');
    expect(imported.lint.reports).toEqual([]);
    expect(imported.leakingScenarios).toEqual([]);
    expect(lintUntyped(readFileSync(imported.file, 'utf8'), imported.file)).toEqual([]);
    // The same worker calling the module's helper that throws on a malformed key is reported, untyped too.
    const throwing = readFileSync(imported.file, 'utf8')
      .replace('import { metaNamespaceKey }', 'import { splitMetaNamespaceKey }')
      .replace("metaNamespaceKey('workers', key)", 'splitMetaNamespaceKey(key).name');
    expect(lintUntyped(throwing, imported.file).map((r) => r.messageId)).toEqual(['leakOnMayThrow']);
  });

  it('untyped, reads a method inherited from a base class of another module: the worker that calls it before its try is clean', () => {
    // `BaseController#configure` (../support/base-controller.js) only writes properties; untyped, the rule reads it from disk.
    const inherited = result('inherited-configure-before-try');
    expect(inherited.lint.reports).toEqual([]);
    expect(inherited.leakingScenarios).toEqual([]);
    expect(lintUntyped(readFileSync(inherited.file, 'utf8'), inherited.file)).toEqual([]);
    // The same worker calling the inherited method that throws on a malformed key is reported, untyped too.
    const throwing = readFileSync(inherited.file, 'utf8').replace('this.configure({ lastKey: key });', 'this.validate(key);');
    expect(lintUntyped(throwing, inherited.file).map((r) => r.messageId)).toEqual(['leakOnMayThrow']);
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

  it("verifies Volcano's fixed worker clean by all three rules and at runtime: capped, forgotten at the cap", () => {
    const after = result('volcano-process-resync-task-after-fix');
    expect(after.lint.byRule).toEqual({ [RULE_ID]: [], [DOUBLE_DONE_RULE_ID]: [], [RETRIES_RULE_ID]: [] });
    for (const f of FINDINGS) expect(after.findings[f].runtimeFlags, f).toBe(false);
    const poison = after.outcomes.find((o) => o.scenario === 'poison');
    // Re-queued up to the cap (its check is `> maxRequeueNum`, so one past it), then forgotten and dropped.
    expect(poison?.retry).toMatchObject({ requeues: MAX_RETRIES + 1, forgets: 1, endRequeues: 0, keyState: 'dropped' });
    expect(poison?.retry.retriesMetric).toBe(MAX_RETRIES + 1);
  });

  it('has findings of every companion rule, each driven at runtime', () => {
    for (const f of FINDINGS) {
      const claiming = results.filter((r) => r.findings[f].claim);
      expect(claiming.length, f).toBeGreaterThanOrEqual(1);
    }
    expect(results.filter((r) => r.findings.doubleDone.claim).length).toBeGreaterThanOrEqual(2);
  });

  it('separates uncapped, capped and unforgotten retries in the poison run', () => {
    const poison = (name: string) => result(name).outcomes.find((o) => o.scenario === 'poison')?.retry;
    // No cap: the count keeps climbing, and so does workqueue_retries_total.
    const uncapped = poison('retryable-errors-requeued-forever');
    expect(uncapped?.maxRequeues).toBeGreaterThan(RETRY_BOUND);
    expect(uncapped?.retriesMetric).toBeGreaterThan(RETRY_BOUND);
    expect(uncapped?.keyState).toBe('pending');
    // client-go's handleErr: stops at the cap and forgets.
    expect(poison('retry-cap-in-catch')).toMatchObject({ requeues: MAX_RETRIES, maxRequeues: MAX_RETRIES, forgets: 1, endRequeues: 0, keyState: 'dropped' });
    // The same cap without forget: dropped with the limiter still counting.
    expect(poison('retry-cap-drop-without-forget')).toMatchObject({ requeues: MAX_RETRIES, forgets: 0, endRequeues: MAX_RETRIES, keyState: 'dropped' });
  });

  it('lists only real disagreements as known', () => {
    for (const [check, names] of Object.entries(KNOWN_DISAGREEMENTS) as Array<[CheckId, Record<string, string>]>) {
      for (const name of Object.keys(names)) {
        const r = result(name);
        expect(check === 'leak' ? r.agree : r.findings[check].agree, `${check}: ${name}`).toBe(false);
      }
    }
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
      expect(r.meta.leakPath).toBe('');
      expect(r.meta.leakScenario).toBeUndefined();
      expect(r.markerLines).toEqual([]);
    }
    // `Correct`: the get/done pairing holds (no leak, no double done).
    if (r.meta.leaks || r.meta.doubleDone) expect(r.header).not.toMatch(/^Correct\b/m);
    else expect(r.header).toMatch(/^Correct\b/m);
    for (const f of FINDINGS) {
      const spec = FINDING_SPECS[f];
      const finding = r.findings[f];
      if (finding.claim) {
        expect(r.header, `a line starting with "${spec.headerText}"`).toMatch(spec.header);
        expect(finding.claim.path).not.toBe('');
        expect(spec.scenarios).toContain(finding.claim.scenario);
        expect(finding.markerLines, `exactly one \`${spec.markerText}\` line`).toHaveLength(1);
      } else {
        expect(r.header).not.toMatch(spec.header);
        expect(finding.markerLines, `no \`${spec.markerText}\` line`).toEqual([]);
      }
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
        if (!r.meta.doubleDone) expect(o.misuses, o.scenario).toBe(0);
      }
    }
    for (const f of FINDINGS) {
      const finding = r.findings[f];
      expect(finding.runtimeFlags, `${f} at runtime: ${finding.runtimeEvidence}`).toBe(finding.claim !== undefined);
      if (finding.claim) {
        // The named scenario ran the marked line and shows the finding.
        expect(finding.path?.probe, `line ${finding.markerLines[0]} ran in ${finding.claim.scenario}`).toBeDefined();
        expect(finding.pathDriven, `${f} shown in ${finding.claim.scenario}: ${finding.runtimeEvidence}`).toBe(true);
      }
    }
    if (!r.meta.doubleDone) for (const o of r.outcomes) expect(o.doubleDones, o.scenario).toBe(0);
  });

  it('gets the same verdict from require-done', () => {
    const r = result(name);
    const report = r.lint.reports.map((m) => `${m.line}:${m.column} ${m.messageId}`).join(', ') || 'no report';
    if (name in KNOWN_DISAGREEMENTS.leak) {
      expect(r.agree, `known disagreement (${report})`).toBe(false);
    } else {
      expect(r.lintLeaks, `rule: ${report}; runtime leaks in: ${r.leakingScenarios.join(', ') || 'none'}`).toBe(r.runtimeLeaks);
    }
  });

  it.each(FINDINGS)('gets the same %s verdict from its rule', (f) => {
    const finding = result(name).findings[f];
    const report = finding.reports.map((m) => `${m.line}:${m.column} ${m.messageId}`).join(', ') || 'no report';
    if (name in KNOWN_DISAGREEMENTS[f]) {
      expect(finding.agree, `known disagreement (${report})`).toBe(false);
    } else {
      expect(finding.lintFlags, `rule: ${report}; runtime: ${finding.runtimeEvidence}`).toBe(finding.runtimeFlags);
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
