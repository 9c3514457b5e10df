/**
 * Disagreements the differential fuzzer found between the oracle and `workqueue/no-double-done` (and, for the
 * errback entries, `workqueue/require-done`),
 * minimised by hand from fast-check's shrunk counterexamples, and fixed in the analysis. For each:
 * the oracle's verdict is confirmed by real execution (./execute.ts), and the rule must keep
 * agreeing with it. (The same shapes are RuleTester cases in tests/rules/no-double-done.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DOUBLE_RULE_ID, lintWithRules, RULE_ID } from './differential.js';
import { executeAll } from './execute.js';
import { b, layout, program, type Program } from './ir.js';
import { analyze } from './oracle.js';

const { done, forget, tryCatch, tryFinally, tryCatchFinally, forOf } = b;
// (the errback and finishing-helper entries below: v2 programs, `fetchObject(item, (err) => { … })`, `settle({ queue:
// q, key: item })`; see ./ir.ts)

interface Known {
  name: string;
  found: string;
  program: Program;
}

const KNOWN: Known[] = [
  {
    // try { continue; } finally { try { q.forget(item); } catch { try { continue; } finally { q.done(item); } } finally { q.done(item); } }
    name: 'missed double done: a finally entered by a loop jump (continue/break) holds try/catch/finally whose catch leaves through a nested try/finally with a done',
    found: 'npm run fuzz -- --runs 10000 --seed 1, run #3831',
    program: program([tryFinally([b.continue()], [tryCatchFinally([forget()], [tryFinally([b.continue()], [done()])], [done()])])], {
      workerLoop: { kind: 'for', label: null },
    }),
  },
  {
    // try { throw new Error("x"); } finally { for (const x of xs()) { q.done(item); break; } }
    name: 'false double done: a loop that breaks after its only done, inside a finally entered by throw/return',
    found: 'line-level mismatch in npm run fuzz -- --runs 10000 --seed 1 (run #1010), minimised by hand',
    program: program([tryFinally([b.throw()], [forOf([done(), b.break()])])]),
  },
  {
    // while (check(2)) { try { q.done(item); continue; } finally { break; } }
    name: 'false double done: a break in a finally replaces the pending continue, the rule still loops back',
    found: 'line-level mismatch in npm run fuzz -- --runs 10000 --seed 1 (run #7847), minimised by hand',
    program: program([b.while(2, [tryFinally([done(), b.continue()], [b.break()])])]),
  },
  {
    // while (check(2)) { try { try { q.done(item); } catch {} break; } finally { break; } }
    name: 'false double done: try { try { done } catch {} break } finally { break } in a loop',
    found: 'line-level mismatch in npm run fuzz -- --runs 10000 --seed 2 (run #3791), minimised by hand',
    program: program([b.while(2, [tryFinally([tryCatch([done()], [], false), b.break()], [b.break()])])]),
  },
  {
    // fetchObject(item, (err) => { try { q.done(item); q.done(item); } catch {} });
    name: 'missed double done: two dones on one path of a completion callback (a closure’s own doubles were dropped)',
    found: 'npm run fuzz -- --runs 1000 --seed 1 (errbacks), run #216, shrunk',
    program: program([b.errback([tryCatch([done(), done()], [], false)])]),
  },
  {
    // try {} catch (e) { io.read(item, (err) => { q.done(item); q.done(item); }); } q.done(item);
    name: 'false double done: a callback with two dones registered where the analysis never goes (the catch of an empty try)',
    found: 'npm run fuzz -- --runs 1000 --seed 1 (errbacks), run #371, minimised by hand',
    program: program([tryCatch([], [b.errback([done(), done()], 'method')]), done()]),
  },
  {
    // q.done(item); fetchObject(item, (err) => { try { return; } catch { work2(item); } q.done(item); });
    name: 'false double done: a callback whose done sits after a try that always returns, after a done in the worker',
    found: 'npm run fuzz -- --runs 1000 --seed 2 (errbacks), run #214, minimised by hand',
    program: program([done(), b.errback([tryCatch([b.return()], [b.work2()], false), done()])]),
  },
  {
    // fetchObject(item, (err) => { try { console.log(item); } catch { q.done(item); } });
    name: 'a callback whose only done is in the catch of a block that cannot throw: a leak, at the worker’s end',
    found: 'npm run fuzz -- --runs 1000 --seed 3 (errbacks), run #511, minimised by hand',
    program: program([b.errback([tryCatch([b.safe('console')], [done()], false)])]),
  },
  {
    // try { settle({ queue: q, key: item }); Date.now(); } catch { q.done(item); }
    name: 'false double done: a destructuring finishing helper in a try whose catch marks done (its release was a throw point in it)',
    found: 'npm run fuzz -- --runs 1000 --seed 1 (finishing helpers), run #297, minimised by hand',
    program: program([tryCatch([b.finish('object'), b.safe('date')], [done()], false)]),
  },
  {
    // fetchObject(item, (err) => { if (check(1)) { settle({ queue: q, key: item }); } }); q.done(item);
    name: 'missed double done: a callback whose done is a destructuring helper’s was read as a hand-off',
    found: 'npm run fuzz -- --runs 1000 --seed 1 (finishing helpers), run #59, shrunk',
    program: program([b.errback([b.if(1, [b.finish('object')])]), done()]),
  },
  {
    // io.read(item, (err) => { work2(item); settle({ queue: q, key: item }); });
    name: 'missed leak: a throw point before a destructuring helper’s done in a callback (the callback was a hand-off)',
    found: 'npm run fuzz -- --runs 1000 --seed 1 (finishing helpers), run #638, minimised by hand',
    program: program([b.errback([b.work2(), b.finish('object')], 'method')]),
  },
  {
    // io.read(item, (err) => { try { relay(q, item); } catch (e) { finish(q, item); } finally {} relay(q, item); });
    name: 'missed double done: a callback whose only dones are finishing helpers’, called twice on one path (its doubles were never looked for)',
    found: 'npm run fuzz -- --runs 1000 --seed 7, run #518',
    program: program([
      b.errback([tryCatchFinally([b.finish('relay')], [b.finish('direct')], [], true), b.finish('relay')], 'method'),
    ]),
  },
  {
    // for (;;) { …; fetchObject(item, (err) => { finish(q, item); if (err) { finish(q, item); } }); }
    name: 'missed double done: a helper’s done, then the same helper again where the callback gets an error',
    found: 'npm run fuzz -- --typed --runs 1000 --seed 3, shrunk',
    program: program([b.errback([b.finish('direct'), b.ifErr([b.finish('direct')])])], {
      workerLoop: { kind: 'for', label: 'outer' },
    }),
  },
  {
    // { const end = (() => q.done(item)); emitter.once('end', end); emitter.once('close', () => emitter.removeListener('end', end)); } twice
    name: 'missed double done: two removable listeners of one event, each releasing (read as alternatives the remover ends together)',
    found: 'npm run fuzz -- --runs 1000 --seed 5, run #764, shrunk',
    program: program([b.cb('removed'), b.cb('removed')]),
  },
  {
    // q.done(item); then the two removable 'end' listeners above: when the stream ends, each listener's done follows
    // the plain one (the second one's whatever the first does), a double done at both registrations.
    name: "double done: a done, then two removable 'end' listeners (each a done after the plain one, not the listener pair's)",
    found: 'the listener-pair message: a plain done first must not be read as the pair',
    program: program([done(), b.cb('removed'), b.cb('removed')]),
  },
  {
    // let flag = check(0); if (flag) { [item, shutdown] = await q.get(); } …; q.done(item); if (flag) { return; }
    // fetchObject(item, (err) => { settle({ queue: q, key: item }); q.done(item); }): the callback is registered only
    // where the flag was false and nothing was taken. Its own second done was reported because another of its captures
    // (one the worker holds from its entry through its queue parameter) was held there: a closure's doubles now count
    // per capture.
    name: 'false double done: a callback with two dones registered only on the branch of a correlated flag that took nothing',
    found: 'npm run fuzz -- --runs 1000 --seed 1799981088, run #777, minimised by hand',
    program: program([done(), b.ifFlag([b.return()]), b.errback([b.finish('object'), done()])], {
      forms: 'v3',
      flag: { decl: 'let', negated: false },
    }),
  },
  {
    // emitter.once('drained', () => q.done(item)); emitter.once('drained', () => q.done(item));
    name: "missed double done: two 'drained' listeners that each mark done (each registration was a hand-off on its own)",
    found: 'the seed-5 fix: the oracle learnt that a second listener of the event fires with the first',
    program: program([b.handOff(), b.handOff()]),
  },
  {
    // for (const x of xs()) { emitter.once('drained', () => q.done(item)); }
    name: "missed double done: one 'drained' listener registered on each pass of a loop",
    found: 'the seed-5 fix, minimised by hand',
    program: program([forOf([b.handOff()])]),
  },
];

describe('the listener-pair message names the cause', () => {
  // A done on the path before the listeners is the first release each listener's done follows: the plain message.
  it("a done, then two removable 'end' listeners: doubleDone at both, never doubleDoneListeners", async () => {
    const { source } = layout(program([done(), b.cb('removed'), b.cb('removed')]));
    const ids = (await lintWithRules(source)).filter((m) => m.ruleId === DOUBLE_RULE_ID).map((m) => m.messageId);
    expect(ids, source).toEqual(['doubleDone', 'doubleDone']);
  });
  it("two removable 'end' listeners alone: the second is the pair's", async () => {
    const { source } = layout(program([b.cb('removed'), b.cb('removed')]));
    const ids = (await lintWithRules(source)).filter((m) => m.ruleId === DOUBLE_RULE_ID).map((m) => m.messageId);
    expect(ids, source).toEqual(['doubleDoneListeners']);
  });
});

describe('known oracle / no-double-done disagreements', () => {
  for (const k of KNOWN) {
    const { source, program: lp } = layout(k.program);
    const o = analyze(lp);

    it(`${k.name}: the oracle agrees with real execution`, async () => {
      const e = await executeAll(source);
      expect({ doubleDone: e.doubleDone, lines: e.doubleDoneLines, leaks: e.leaks }).toEqual({
        doubleDone: o.doubleDone,
        lines: o.doubleDoneLines,
        leaks: o.leaks,
      });
    });

    it(`${k.name}: the rule agrees with the oracle (found by ${k.found})`, async () => {
      const messages = await lintWithRules(source);
      const lines = messages.filter((m) => m.ruleId === DOUBLE_RULE_ID).map((m) => m.line);
      expect([...new Set(lines)].sort((x, y) => x - y), source).toEqual(o.doubleDoneLines);
      expect(messages.some((m) => m.ruleId === RULE_ID), source).toBe(o.leaks);
    });
  }
});
