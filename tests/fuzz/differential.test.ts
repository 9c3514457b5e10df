import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createWorkqueueLinter,
  DOUBLE_RULE_ID,
  formatReport,
  lintWithRules,
  lintWithRulesTyped,
  RULE_ID,
  runDifferential,
  type LintMessage,
} from './differential.js';
import { programArb } from './generator.js';
import { b, countStmts, layout, print, program, type Forms } from './ir.js';
import { analyze, type OracleResult } from './oracle.js';

/** A fixed-seed slice of the differential fuzzer in the normal test run (the full run is `npm run fuzz`). */
const SEED = 5_000_001;
/**
 * The model the slice's programs are generated for and judged under (./ir.ts `Forms`): `v3`, session 13's flags and
 * `??` key on top of the v2 forms.
 */
const SLICE_FORMS: Forms = 'v3';
const RUNS = Number(process.env.FUZZ_SLICE_RUNS ?? 300);
/** The typed slice: each lint builds a TypeScript program, so fewer runs (~10 s). */
const TYPED_SEED = 3;
const TYPED_RUNS = Number(process.env.FUZZ_TYPED_SLICE_RUNS ?? 200);

describe('differential: oracle vs workqueue/require-done and workqueue/no-double-done', () => {
  it(`agrees on ${RUNS} generated workers (seed ${SEED}, forms ${SLICE_FORMS}), on leaks and on double dones`, async () => {
    const report = await runDifferential({ numRuns: RUNS, seed: SEED, lint: lintWithRules, gen: { forms: SLICE_FORMS } });
    const text = formatReport(report);
    if (report.disagreementCount) console.error(text);
    expect(report.checked).toBe(RUNS);
    // the slice exercises both verdicts of both dimensions
    expect(report.oracleLeaks).toBeGreaterThan(RUNS / 5);
    expect(report.oracleSafe).toBeGreaterThan(RUNS / 5);
    expect(report.oracleDoubleDone).toBeGreaterThan(RUNS / 7);
    expect(report.oracleNoDoubleDone).toBeGreaterThan(RUNS / 5);
    expect({ leak: report.leakDisagreements, double: report.doubleDisagreements }, text).toEqual({ leak: 0, double: 0 });
    expect(report.disagreementCount, text).toBe(0);
  });

  it(`typed: agrees on ${TYPED_RUNS} generated workers (seed ${TYPED_SEED}), where promise-typed work(item) rejects, never throws`, async () => {
    const report = await runDifferential({ numRuns: TYPED_RUNS, seed: TYPED_SEED, lint: lintWithRulesTyped, gen: { forms: 'v2' }, typed: true });
    const text = formatReport(report);
    if (report.disagreementCount) console.error(text);
    expect(report.checked).toBe(TYPED_RUNS);
    expect(report.oracleLeaks).toBeGreaterThan(TYPED_RUNS / 5);
    expect(report.oracleSafe).toBeGreaterThan(TYPED_RUNS / 5);
    expect({ leak: report.leakDisagreements, double: report.doubleDisagreements }, text).toEqual({ leak: 0, double: 0 });
  });

  it('the typed slice holds programs whose verdict turns on a promise rejecting rather than throwing', () => {
    let differ = 0;
    for (const p of fc.sample(programArb({ forms: 'v2' }), { numRuns: TYPED_RUNS, seed: TYPED_SEED })) {
      const { program: lp } = layout(p);
      const typed = analyze(lp, { promisesReject: true });
      const untyped = analyze(lp);
      if (typed.leaks !== untyped.leaks || typed.doubleDone !== untyped.doubleDone) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('the real plugin reports a double done on the second done and a leak on the leaking exit, in one lint', async () => {
    const { source, program: lp } = layout(program([b.tryCatchFinally([b.work()], [b.done()], [b.done()])]));
    const o = analyze(lp);
    expect(o.doubleDone).toBe(true);
    const messages = await lintWithRules(source);
    const doubles = messages.filter((m) => m.ruleId === DOUBLE_RULE_ID);
    expect(doubles.map((m) => [m.line, m.messageId])).toEqual(o.doubleDoneLines.map((l) => [l, 'doubleDone']));
    expect(messages.filter((m) => m.ruleId === RULE_ID)).toEqual([]);

    const leaking = layout(program([b.work(), b.done(), b.done()]));
    const lm = await lintWithRules(leaking.source);
    expect(new Set(lm.map((m) => m.ruleId))).toEqual(new Set([RULE_ID, DOUBLE_RULE_ID]));
  });
});

function must<T>(x: T | null | undefined): T {
  if (x == null) throw new Error('expected a value');
  return x;
}

/** oracle verdicts by printed source, for oracle-backed stand-in linters */
function oracleBySource(numRuns: number, seed: number): Map<string, OracleResult> {
  const seen = new Map<string, OracleResult>();
  for (const p of fc.sample(programArb(), { numRuns, seed })) {
    const { source, program: lp } = layout(p);
    seen.set(source, analyze(lp));
  }
  return seen;
}

/**
 * A stand-in for both rules that answers exactly what the oracle says (report lines included).
 * Programs outside the sample (shrink candidates: shrinking replays one dimension only) get no messages.
 */
function oracleLinter(seen: Map<string, OracleResult>): (src: string) => LintMessage[] {
  return (src) => {
    const o = seen.get(src);
    if (!o) return [];
    return [
      ...o.reportLines.map((line) => ({ line, messageId: 'leak', ruleId: RULE_ID })),
      ...o.doubleDoneLines.map((line) => ({ line, messageId: 'doubleDone', ruleId: DOUBLE_RULE_ID })),
    ];
  };
}

describe('differential harness (with stand-in linters)', () => {
  it('v2 forms: a never-reporting linter misses exactly the leaking and the double-done programs, shrunk to small workers', async () => {
    const r = await runDifferential({ numRuns: 200, seed: 7, lint: () => [], keep: 5 });
    expect(r.missedLeaks).toBe(r.oracleLeaks);
    expect(r.missedDoubleDones).toBe(r.oracleDoubleDone);
    expect(r.disagreementCount).toBe(r.oracleLeaks + r.oracleDoubleDone);
    // (with v2 weights, seed 7's first missed leak shrinks to `try {} catch (e) { q.done(item); return; }`)
    expect(countStmts(must(r.counterexample.leak).program.body)).toBeLessThanOrEqual(3);
    expect(countStmts(must(r.counterexample.double).program.body)).toBeLessThanOrEqual(3);
  });

  // pinned on the v1 generator, where seed 7's shrunk counterexamples are the sizes asserted below
  it('a never-reporting linter misses exactly the leaking and the double-done programs; the first of each is shrunk', async () => {
    const r = await runDifferential({ numRuns: 200, seed: 7, lint: () => [], keep: 5, gen: { forms: 'v1' } });
    expect(r.checked).toBe(200);
    expect(r.oracleLeaks + r.oracleSafe).toBe(200);
    expect(r.oracleDoubleDone + r.oracleNoDoubleDone).toBe(200);
    expect(r.missedLeaks).toBe(r.oracleLeaks);
    expect(r.falsePositives).toBe(0);
    expect(r.missedDoubleDones).toBe(r.oracleDoubleDone);
    expect(r.falseDoubleDones).toBe(0);
    expect(r.disagreementCount).toBe(r.oracleLeaks + r.oracleDoubleDone);
    // keep is per dimension
    expect(r.disagreements.filter((d) => d.dimension === 'leak')).toHaveLength(5);
    expect(r.disagreements.filter((d) => d.dimension === 'double')).toHaveLength(5);
    expect(r.counterexample.leak?.kind).toBe('missed-leak');
    expect(r.counterexample.double?.kind).toBe('missed-double-done');
    console.log(formatReport(r, 0));
    // fast-check shrinks each down to a tiny worker (`try {} finally { done } done` for the double)
    expect(countStmts(must(r.counterexample.leak).program.body)).toBeLessThanOrEqual(2);
    expect(countStmts(must(r.counterexample.double).program.body)).toBeLessThanOrEqual(3);
    expect(must(r.counterexample.double).oracle.doubleDone).toBe(true);
    const text = formatReport(r);
    expect(text).toContain('MISSED LEAK');
    expect(text).toContain('oracle: leaking path:');
    expect(text).toContain('MISSED DOUBLE DONE');
    expect(text).toContain('oracle: double-done path:');
    expect(text).toContain('DOUBLE DONE\n'); // the path's last step
    expect(text).toContain('SHRUNK DOUBLE COUNTEREXAMPLE');
  });

  it('an always-leak linter disagrees exactly on the safe programs (and misses every double done)', async () => {
    const r = await runDifferential({ numRuns: 200, seed: 8, lint: () => [{ line: 1, messageId: 'leak', ruleId: RULE_ID }] });
    expect(r.falsePositives).toBe(r.oracleSafe);
    expect(r.missedLeaks).toBe(0);
    expect(r.counterexample.leak?.kind).toBe('false-positive');
    expect(r.missedDoubleDones).toBe(r.oracleDoubleDone);
    expect(formatReport(r)).toContain('FALSE POSITIVE');
  });

  it('an always-double linter disagrees exactly on the programs without a double done', async () => {
    const seen = oracleBySource(200, 11);
    const oracle = oracleLinter(seen);
    const r = await runDifferential({
      numRuns: 200,
      seed: 11,
      lint: (src) => [...oracle(src).filter((m) => m.ruleId === RULE_ID), { line: 1, messageId: 'doubleDone', ruleId: DOUBLE_RULE_ID }],
    });
    expect(r.leakDisagreements).toBe(0);
    expect(r.falseDoubleDones).toBe(r.oracleNoDoubleDone);
    expect(r.missedDoubleDones).toBe(0);
    expect(r.counterexample.leak).toBeNull();
    const c = must(r.counterexample.double);
    expect(c.kind).toBe('false-double-done');
    expect(c.oracle.doubleDone).toBe(false);
    expect(countStmts(c.program.body)).toBeLessThanOrEqual(3);
    expect(formatReport(r)).toContain('FALSE DOUBLE DONE');
  });

  it('a syntactic "three dones in the source" double-done linter is caught both ways, classified per kind', async () => {
    const seen = oracleBySource(300, 12);
    const oracle = oracleLinter(seen);
    const r = await runDifferential({
      numRuns: 300,
      seed: 12,
      keep: 1000,
      lint: (src) => {
        const doneLines = src.split('\n').flatMap((l, i) => (l.trim() === 'q.done(item);' ? [i + 1] : []));
        const leaks = oracle(src).filter((m) => m.ruleId === RULE_ID);
        const third = doneLines[2];
        return third !== undefined ? [...leaks, { line: third, messageId: 'doubleDone', ruleId: DOUBLE_RULE_ID }] : leaks;
      },
    });
    expect(r.leakDisagreements).toBe(0);
    // `try { done } catch { done; return } … done` is a false double; `done; done` a missed one
    expect(r.falseDoubleDones).toBeGreaterThan(0);
    expect(r.missedDoubleDones).toBeGreaterThan(0);
    expect(r.doubleDisagreements).toBe(r.falseDoubleDones + r.missedDoubleDones);
    expect(r.disagreements).toHaveLength(r.doubleDisagreements);
    for (const d of r.disagreements) {
      expect(d.dimension).toBe('double');
      expect(d.kind).toBe(d.oracle.doubleDone ? 'missed-double-done' : 'false-double-done');
      expect(d.oracle.doubleDonePath !== null).toBe(d.oracle.doubleDone);
    }
    const c = must(r.counterexample.double);
    expect(c.run).toBe(r.disagreements[0]?.run);
    // (three dones: 3 statements; a counterexample may keep an errback around them, whose body does not shrink away)
    expect(countStmts(c.program.body)).toBeLessThanOrEqual(6);
    expect(formatReport(r)).toContain('SHRUNK DOUBLE COUNTEREXAMPLE');
  });

  it('an oracle-backed linter agrees everywhere, report lines included', async () => {
    const seen = oracleBySource(300, 9);
    const r = await runDifferential({ numRuns: 300, seed: 9, lint: oracleLinter(seen) });
    expect(r.checked).toBe(300);
    expect(r.disagreementCount).toBe(0);
    expect(r.disagreeingCases).toBe(0);
    expect(r.oracleLeaks + r.oracleSafe).toBe(300);
    expect(r.bothLeak).toBe(r.oracleLeaks);
    expect(r.bothLeakSameLine).toBe(r.oracleLeaks);
    expect(r.bothLeakSameLines).toBe(r.oracleLeaks);
    expect(r.leakLineMismatches).toEqual([]);
    expect(r.bothDouble).toBe(r.oracleDoubleDone);
    expect(r.bothDoubleSameLines).toBe(r.oracleDoubleDone);
    expect(r.doubleLineMismatches).toEqual([]);
  });

  it('double-done report lines that differ from the oracle are listed, but are no disagreement', async () => {
    const seen = oracleBySource(200, 14);
    const oracle = oracleLinter(seen);
    const r = await runDifferential({
      numRuns: 200,
      seed: 14,
      keep: 4,
      // right verdicts, one extra (wrong) line whenever there is a double done
      lint: (src) => {
        const ms = oracle(src);
        return ms.some((m) => m.ruleId === DOUBLE_RULE_ID) ? [...ms, { line: 1, messageId: 'doubleDone', ruleId: DOUBLE_RULE_ID }] : ms;
      },
    });
    expect(r.disagreementCount).toBe(0);
    expect(r.bothDouble).toBe(r.oracleDoubleDone);
    expect(r.bothDoubleSameLines).toBe(0);
    expect(r.doubleLineMismatches).toHaveLength(4);
    expect(r.doubleLineMismatches[0]?.ruleLines[0]).toBe(1);
    expect(formatReport(r, 2)).toContain(`report lines differ from the oracle's in ${r.bothDouble} runs`);
  });

  it('leak report lines that differ from the oracle are listed, but are no disagreement', async () => {
    const seen = oracleBySource(200, 15);
    const oracle = oracleLinter(seen);
    const r = await runDifferential({
      numRuns: 200,
      seed: 15,
      keep: 4,
      // right verdicts, but only the first expected report line (a rule that stops at the first explicit exit)
      lint: (src) => {
        const ms = oracle(src);
        const leaks = ms.filter((m) => m.ruleId === RULE_ID);
        return [...leaks.slice(0, 1), ...ms.filter((m) => m.ruleId !== RULE_ID)];
      },
    });
    expect(r.disagreementCount).toBe(0);
    expect(r.bothLeak).toBe(r.oracleLeaks);
    const multi = [...seen.values()].filter((o) => o.reportLines.length > 1).length;
    expect(multi).toBeGreaterThan(0);
    expect(r.bothLeakSameLines).toBeLessThan(r.bothLeak);
    expect(r.leakLineMismatches).toHaveLength(4);
    expect(r.leakLineMismatches[0]?.ruleLines).toHaveLength(1);
    expect(r.leakLineMismatches[0]!.oracleLines.length).toBeGreaterThan(1);
    expect(formatReport(r, 2)).toContain(`leak report lines differ from the oracle's`);
    expect(formatReport(r, 2)).toContain('worth a look');
  });

  it('messages are split by ruleId; without one, by messageId ("double" → double done, otherwise leak)', async () => {
    // a require-done message never counts as a double done, whatever its messageId
    const a = await runDifferential({ numRuns: 50, seed: 10, lint: () => [{ line: 1, messageId: 'doubleX', ruleId: RULE_ID }] });
    expect(a.falsePositives).toBe(a.oracleSafe);
    expect(a.falseDoubleDones).toBe(0);
    // and a no-double-done message never as a leak
    const b2 = await runDifferential({ numRuns: 50, seed: 10, lint: () => [{ line: 1, messageId: 'leak', ruleId: DOUBLE_RULE_ID }] });
    expect(b2.falsePositives).toBe(0);
    expect(b2.falseDoubleDones).toBe(b2.oracleNoDoubleDone);
    // stand-ins without ruleIds
    const c = await runDifferential({ numRuns: 50, seed: 10, lint: () => [{ line: 1, messageId: 'doubleDone' }] });
    expect(c.falsePositives).toBe(0);
    expect(c.falseDoubleDones).toBe(c.oracleNoDoubleDone);
  });

  it('with no linter both dimensions are oracle statistics only', async () => {
    const r = await runDifferential({ numRuns: 100, seed: 13, lint: null });
    expect(r.disagreementCount).toBe(0);
    expect(r.oracleDoubleDone).toBeGreaterThan(0);
    expect(formatReport(r)).toContain('no linter (oracle only)');
  });

  it('the real linter plumbing works with a stand-in plugin (untyped and typed), both rules in one lint', async () => {
    interface Ctx {
      sourceCode: { parserServices?: { program?: unknown } };
      report(d: { node: unknown; messageId: string; data?: Record<string, string> }): void;
    }
    const plugin = {
      rules: {
        'require-done': {
          meta: { type: 'problem', messages: { leak: 'leak', typed: 'typed {{t}}' }, schema: [] },
          create(context: Ctx) {
            return {
              'CallExpression[callee.property.name="get"]'(node: unknown) {
                if (context.sourceCode.parserServices?.program) context.report({ node, messageId: 'typed', data: { t: 'yes' } });
                else context.report({ node, messageId: 'leak' });
              },
            };
          },
        },
        'no-double-done': {
          meta: { type: 'problem', messages: { doubleDone: 'double' }, schema: [] },
          create(context: Ctx) {
            let seen = 0;
            return {
              // (the worker's `q.done(…)` only: the preamble's finishing helpers call `queue.done(key)`)
              'CallExpression[callee.object.name="q"][callee.property.name="done"]'(node: unknown) {
                if (++seen > 1) context.report({ node, messageId: 'doubleDone' });
              },
            };
          },
        },
        other: { meta: { type: 'problem', messages: { x: 'x' }, schema: [] }, create: () => ({}) },
      },
    };
    const src = print(program([b.done(), b.done()]));
    // The stand-ins report the `get` and the second `done`, wherever the preamble puts them.
    const lines = src.split('\n');
    const getLine = lines.findIndex((line) => line.includes('.get(')) + 1;
    const secondDone = lines.findLastIndex((line) => line.includes('q.done(item)')) + 1;
    expect(getLine).toBeGreaterThan(0);
    expect(secondDone).toBeGreaterThan(getLine);
    const untyped = await createWorkqueueLinter({ plugin });
    expect(untyped(src)).toEqual([
      { line: getLine, messageId: 'leak', message: 'leak', ruleId: RULE_ID },
      { line: secondDone, messageId: 'doubleDone', message: 'double', ruleId: DOUBLE_RULE_ID },
    ]);
    const typed = await createWorkqueueLinter({ plugin, typed: true });
    expect(typed(src)[0]).toEqual({ line: getLine, messageId: 'typed', message: 'typed yes', ruleId: RULE_ID });
    expect(typed(print(program([b.done()], { preamble: 'import' })))[0]?.messageId).toBe('typed');
    // a subset of the rules
    const onlyRequireDone = await createWorkqueueLinter({ plugin, rules: ['require-done'] });
    expect(onlyRequireDone(src).map((m) => m.ruleId)).toEqual([RULE_ID]);
  });

  it('fails with a clear message when a rule is not registered', async () => {
    await expect(createWorkqueueLinter({ plugin: { rules: {} } })).rejects.toThrow(
      /workqueue\/require-done, workqueue\/no-double-done are not registered/,
    );
    await expect(createWorkqueueLinter({ plugin: { rules: { 'require-done': {} } } })).rejects.toThrow(
      /workqueue\/no-double-done is not registered/,
    );
  });
});
