/**
 * fast-check arbitraries for small async workers (see ./ir.ts).
 *
 * Only syntactically valid programs are produced: `continue` only inside a loop, bare `break`
 * only inside a loop or switch, labelled jumps only to enclosing labelled loops, `throw e` only
 * inside a `catch (e)`, labels unique along every nesting chain. Statements after an
 * unconditional jump in the same block are dropped (no dead code). Programs are kept small
 * (nesting depth ≤ 3, ≤ MAX_STMTS statements) so the oracle's exhaustive enumeration is cheap.
 *
 * The top-level body is drawn from a few "shapes" (plain random statement lists, and lists with
 * done-in-finally / catch-done-rethrow guards) so that roughly half the programs leak.
 *
 * `forms` picks the model (see ./ir.ts): `v1` generates exactly the first model's programs (the same
 * programs for a given seed as before v2 existed, marked `forms: 'v1'`); `v2` (the default) adds the non-throwing calls
 * (`console.log(item)`, `Date.now()`, `note(item)`, the error sinks, `Number` / `parseInt` / `parseFloat`, the
 * `Object.entries` loop), the promise-handler and timer releases, the `emitter.once` hand-off and the same-file
 * finishing helpers (`finish(q, item)`, `settle({ queue: q, key: item })`, `relay(q, item)`) (marked `forms: 'v2'`);
 * `v3` adds, to every v2 form, session 13's: in about a third of the programs a flag (a parameter, a `const` or a `let`)
 * whose `if` guards the get and which `if (flag)` / `if (!flag)` blocks test again, or (a parameter or a `let`) which
 * is rewritten (`flag = check(n);`) before its one test in the body, and the key chosen by `??` (`{ const key = item ?? '-'; q.done(key); }`, or written in the argument:
 * `q.done(item ?? '-');`)
 * (marked `forms: 'v3'`).
 */
import fc from 'fast-check';
import {
  CALLBACKS_V1,
  CALLBACKS_V2,
  countStmts,
  type ErrbackVia,
  FINISH_VIAS,
  type Flag,
  type Forms,
  type Header,
  type Program,
  SAFE_VIAS,
  type Stmt,
  type SwitchCase,
  type WorkerLoop,
} from './ir.js';

export const MAX_DEPTH = 3;
export const MAX_STMTS = 12;
/** v2 weights (v1 keeps its own: 1 for the three callback forms, no safe statements) */
const CALLBACK_WEIGHT_V2 = 4;
const SAFE_WEIGHT_V2 = 5;
/** `finish(q, item);` and the other same-file helpers that mark the item done (v2) */
const FINISH_WEIGHT_V2 = 3;
/** `if (signal.aborted) { …; signal.throwIfAborted(); }` (v2) */
const ABORT_WEIGHT_V2 = 1;
/** `fetchObject(item, (err) => { … });` (v2), and `if (err) { … }` inside its body */
const ERRBACK_WEIGHT_V2 = 5;
const IF_ERR_WEIGHT = 16;
/** v3: `if (flag) { … }` where the program has a flag that is never rewritten, and the `??` key */
const IF_FLAG_WEIGHT_V3 = 5;
const KEY_DONE_WEIGHT_V3 = 2;

interface Ctx {
  /** nesting level of the list being generated (0 = the worker body) */
  depth: number;
  /** labels of enclosing labelled loops (including `outer`, the worker loop's label) */
  labels: readonly string[];
  /** inside any loop (the worker loop counts) → `continue` / `break` are allowed */
  inLoop: boolean;
  /** inside a switch → bare `break` allowed (targets the switch) */
  inSwitch: boolean;
  /** inside an `abort` block → no other one (its call must answer its own test) */
  inAbort?: boolean;
  /** a `catch (e)` encloses us → `throw e` allowed */
  eInScope: boolean;
  /** number of enclosing inner loops (to name labels uniquely: inner1, inner2, …) */
  innerLoops: number;
  /** inside an errback's body: synchronous (no `await`), no callback forms, no abort block, no further errback */
  inCallback?: boolean;
  /**
   * (v3) the program has a flag that is never rewritten: `if (flag)` allowed. Not in a program that rewrites it (see
   * `bodyArb`), and never inside an errback's body (which runs later: kept out of the flag's business).
   */
  flag?: Flag['decl'];
  /**
   * (v3) inside an `if (flag)` block: no errback. The rule judges a callback's body on its own, also where the flag
   * test around its registration can never pass with an item taken (a double done inside it is still reported).
   */
  inFlagTest?: boolean;
}

const JUMPS = new Set<Stmt['kind']>(['return', 'throw', 'rethrow', 'break', 'continue']);

const hasDone = (list: readonly Stmt[]): boolean =>
  list.some((s) => {
    if (s.kind === 'done' || s.kind === 'finish' || s.kind === 'keyDone') return true;
    if (s.kind === 'if' || s.kind === 'ifErr' || s.kind === 'ifFlag') return hasDone(s.then) || (s.else !== null && hasDone(s.else));
    if (s.kind === 'switch') return s.cases.some((c) => hasDone(c.body));
    if (s.kind === 'try') return hasDone(s.block) || (s.handler !== null && hasDone(s.handler.body)) || (s.finalizer !== null && hasDone(s.finalizer));
    if (s.kind === 'loop' || s.kind === 'abort' || s.kind === 'errback') return hasDone(s.body);
    return false;
  });

/**
 * The statement always completes abruptly, as far as `withDone` needs to know (a switch or a loop is taken to complete
 * normally: a done after one that always jumps is dead code, which the oracle and the rules both judge as never run).
 */
function alwaysAbrupt(s: Stmt): boolean {
  switch (s.kind) {
    case 'return':
    case 'throw':
    case 'rethrow':
    case 'break':
    case 'continue':
      return true;
    case 'if':
    case 'ifErr':
    case 'ifFlag':
      return s.else !== null && s.then.some(alwaysAbrupt) && s.else.some(alwaysAbrupt);
    case 'try':
      if (s.finalizer?.some(alwaysAbrupt)) return true;
      return s.block.some(alwaysAbrupt) && (s.handler === null || s.handler.body.some(alwaysAbrupt));
    default:
      return false;
  }
}

/**
 * One `if (err)` per errback: the analysis does not correlate conditions (docs/rules/no-double-done.md), so a second
 * test of the same error would be a path it cannot rule out. Later ones become `if (check(9))`.
 */
function oneErrTest(list: Stmt[]): Stmt[] {
  let seen = false;
  const visit = (xs: Stmt[]): Stmt[] =>
    xs.map((s): Stmt => {
      switch (s.kind) {
        case 'ifErr': {
          const first = !seen;
          seen = true;
          const then = visit(s.then);
          const els = s.else && visit(s.else);
          return first ? { ...s, then, else: els } : { kind: 'if', n: 9, then, else: els };
        }
        case 'if':
          return { ...s, then: visit(s.then), else: s.else && visit(s.else) };
        case 'try':
          return {
            ...s,
            block: visit(s.block),
            handler: s.handler && { ...s.handler, body: visit(s.handler.body) },
            finalizer: s.finalizer && visit(s.finalizer),
          };
        case 'loop':
          return { ...s, body: visit(s.body) };
        default:
          return s;
      }
    });
  return visit(list);
}

/** an errback's body marks the item done somewhere: a `q.done(item);` before its final abrupt statement (or at its end) if not */
function withDone(body: Stmt[]): Stmt[] {
  if (hasDone(body)) return body;
  const last = body[body.length - 1];
  return last && alwaysAbrupt(last) ? [...body.slice(0, -1), { kind: 'done' }, last] : [...body, { kind: 'done' }];
}

/** drop statements after the first unconditional jump of a block */
export function truncateAfterJump(list: Stmt[]): Stmt[] {
  const i = list.findIndex((s) => JUMPS.has(s.kind));
  return i < 0 ? list : list.slice(0, i + 1);
}

const ctxKey = (c: Ctx): string =>
  `${c.depth}|${c.labels.join(',')}|${c.inLoop ? 1 : 0}${c.inSwitch ? 1 : 0}${c.eInScope ? 1 : 0}${c.inAbort ? 1 : 0}${c.inCallback ? 1 : 0}|${c.innerLoops}|${c.flag ?? ''}${c.inFlagTest ? 1 : 0}`;

export interface GenOptions {
  /** allow a worker loop around the get (default true) */
  workerLoops?: boolean;
  /** allow `import type { Queue as Q }` preambles (default true) */
  importPreamble?: boolean;
  /** the model the programs are generated for (default `v2`; `v1`: the first model's forms only) */
  forms?: Forms;
}

export function programArb(opts: GenOptions = {}): fc.Arbitrary<Program> {
  const forms: Forms = opts.forms ?? 'v3';
  const v2 = forms !== 'v1';
  const stmtMemo = new Map<string, fc.Arbitrary<Stmt>>();
  const listMemo = new Map<string, fc.Arbitrary<Stmt[]>>();

  const smallN = fc.integer({ min: 1, max: 9 });

  const list = (c: Ctx, minLength = 0, maxLength = c.depth === 0 ? 5 : 3): fc.Arbitrary<Stmt[]> => {
    const key = `${ctxKey(c)}#${minLength}-${maxLength}`;
    let a = listMemo.get(key);
    if (!a) {
      a = fc.array(stmt(c), { minLength, maxLength }).map(truncateAfterJump);
      listMemo.set(key, a);
    }
    return a;
  };

  const stmt = (c: Ctx): fc.Arbitrary<Stmt> => {
    const key = ctxKey(c);
    let a = stmtMemo.get(key);
    if (!a) {
      a = buildStmt(c);
      stmtMemo.set(key, a);
    }
    return a;
  };

  function buildStmt(c: Ctx): fc.Arbitrary<Stmt> {
    const inner: Ctx = { ...c, depth: c.depth + 1 };
    const canNest = c.depth < MAX_DEPTH;
    // (the order of the alternatives is part of what a seed generates: v1's programs stay those of the first model)
    const arbs: fc.WeightedArbitrary<Stmt>[] = [
      { weight: 9, arbitrary: fc.constant<Stmt>({ kind: 'done' }) },
      { weight: 2, arbitrary: fc.constant<Stmt>({ kind: 'forget' }) },
      c.inCallback
        ? { weight: 5, arbitrary: fc.constant<Stmt>({ kind: 'work', await: false }) }
        : { weight: 5, arbitrary: fc.boolean().map((aw): Stmt => ({ kind: 'work', await: aw })) },
      ...(c.inCallback
        ? []
        : [
            forms === 'v1'
              ? { weight: 1, arbitrary: fc.constantFrom(...CALLBACKS_V1).map((via): Stmt => ({ kind: 'callback', via })) }
              : { weight: CALLBACK_WEIGHT_V2, arbitrary: fc.constantFrom(...CALLBACKS_V2).map((via): Stmt => ({ kind: 'callback', via })) },
          ]),
      { weight: 1, arbitrary: fc.constant<Stmt>({ kind: 'throw' }) },
      { weight: 2, arbitrary: fc.constant<Stmt>({ kind: 'return' }) },
    ];
    if (v2) {
      arbs.push({
        weight: SAFE_WEIGHT_V2,
        arbitrary: fc.constantFrom(...SAFE_VIAS).map((via): Stmt => ({ kind: 'safe', via })),
      });
      arbs.push({
        weight: FINISH_WEIGHT_V2,
        arbitrary: fc.constantFrom(...FINISH_VIAS).map((via): Stmt => ({ kind: 'finish', via })),
      });
    }
    if (c.eInScope) arbs.push({ weight: 3, arbitrary: fc.constant<Stmt>({ kind: 'rethrow' }) });
    if (c.inLoop) {
      const targets: (string | null)[] = [null, ...c.labels];
      arbs.push({ weight: 2, arbitrary: fc.constantFrom(...targets).map((label): Stmt => ({ kind: 'continue', label })) });
    }
    if (c.inLoop || c.inSwitch) {
      const targets: (string | null)[] = [null, ...c.labels];
      arbs.push({ weight: 2, arbitrary: fc.constantFrom(...targets).map((label): Stmt => ({ kind: 'break', label })) });
    }
    if (canNest) {
      arbs.push({
        weight: 5,
        arbitrary: fc
          .record({ n: smallN, then: list(inner, 0), else: fc.option(list(inner, 0), { freq: 2 }) })
          .map(({ n, then, else: els }): Stmt => ({ kind: 'if', n, then, else: els })),
      });
      const swCtx: Ctx = { ...inner, inSwitch: true };
      arbs.push({
        weight: 2,
        arbitrary: fc
          .record({
            bodies: fc.array(
              fc.record({ body: list(swCtx, 0, 2), brk: fc.boolean() }).map(({ body, brk }) =>
                truncateAfterJump(brk ? [...body, { kind: 'break', label: null }] : body),
              ),
              { minLength: 1, maxLength: 3 },
            ),
            defaultAt: fc.integer({ min: -1, max: 2 }),
          })
          .map(({ bodies, defaultAt }): Stmt => {
            const cases: SwitchCase[] = bodies.map((body, i) => ({ test: i === defaultAt ? null : i + 1, body }));
            return { kind: 'switch', cases };
          }),
      });
      // try forms: catch(e) / catch / finally / catch+finally
      const catchCtx: Ctx = { ...inner, eInScope: true };
      arbs.push({
        weight: 6,
        arbitrary: fc
          .record({
            form: fc.constantFrom('catch', 'finally', 'both'),
            param: fc.boolean(),
            block: list(inner, 0),
            handlerE: list(catchCtx, 0),
            handlerNoE: list(inner, 0),
            finalizer: list(inner, 0),
          })
          .map(({ form, param, block, handlerE, handlerNoE, finalizer }): Stmt => ({
            kind: 'try',
            block,
            handler: form === 'finally' ? null : { param, body: param ? handlerE : handlerNoE },
            finalizer: form === 'catch' ? null : finalizer,
          })),
      });
      if (c.inCallback) {
        arbs.push({
          weight: IF_ERR_WEIGHT,
          arbitrary: fc
            .record({ then: list(inner, 0), else: fc.option(list(inner, 0), { freq: 2 }) })
            .map(({ then, else: els }): Stmt => ({ kind: 'ifErr', then, else: els })),
        });
      } else if (v2 && !c.inFlagTest) {
        arbs.push({ weight: ERRBACK_WEIGHT_V2, arbitrary: errbackArb(c) });
      }
      if (v2 && !c.inAbort && !c.inCallback) {
        arbs.push({
          weight: ABORT_WEIGHT_V2,
          arbitrary: list({ ...inner, inAbort: true }, 0, 2).map((body): Stmt => ({ kind: 'abort', body })),
        });
      }
      // the two guard idioms, so deep code sees them too
      arbs.push({ weight: 3, arbitrary: guardArb(c) });
      // inner loops
      const loopLabel = `inner${c.innerLoops + 1}`;
      const plainLoopCtx: Ctx = { ...inner, inLoop: true, inSwitch: false, innerLoops: c.innerLoops + 1 };
      const labelledLoopCtx: Ctx = { ...plainLoopCtx, labels: [...c.labels, loopLabel] };
      arbs.push({
        weight: 2,
        arbitrary: fc
          .record({
            loop: fc.constantFrom<'forOf' | 'while'>('forOf', 'while'),
            n: smallN,
            labelled: fc.boolean(),
            plain: list(plainLoopCtx, 0),
            labelledBody: list(labelledLoopCtx, 0),
          })
          .map(({ loop, n, labelled, plain, labelledBody }): Stmt => ({
            kind: 'loop',
            loop,
            n: loop === 'while' ? n : 0,
            label: labelled ? loopLabel : null,
            body: labelled ? labelledBody : plain,
          })),
      });
    }
    // (v3's alternatives come last, so that the v1 and v2 alternatives keep their order)
    if (forms === 'v3') {
      arbs.push({ weight: KEY_DONE_WEIGHT_V3, arbitrary: fc.boolean().map<Stmt>((inline) => ({ kind: 'keyDone', ...(inline ? { inline } : {}) })) });
      const flagTest: Ctx = { ...inner, inFlagTest: true };
      if (c.flag && canNest) arbs.push({ weight: IF_FLAG_WEIGHT_V3, arbitrary: ifFlagArb(flagTest, list(flagTest, 0)) });
    }
    return fc.oneof({ withCrossShrink: true }, ...arbs);
  }

  /** `if (flag) { then } [else { … }]` or `if (!flag) …` (v3) */
  function ifFlagArb(inner: Ctx, then: fc.Arbitrary<Stmt[]>): fc.Arbitrary<Stmt> {
    return fc
      .record({ negated: fc.boolean(), then, else: fc.option(list(inner, 0), { freq: 2 }) })
      .map(({ negated, then: t, else: els }): Stmt => ({ kind: 'ifFlag', negated, then: t, else: els }));
  }

  /**
   * `fetchObject(item, (err) => { … });` / `io.read(…)`: a function of its own — the worker's loops, switch, labels
   * and catch parameter are not its own. Its body nests at the call's level (at least 1), so that a deep call still
   * gets an `if (err)` or a `try` inside, and marks the item done somewhere (`withDone`).
   */
  function errbackArb(c: Ctx): fc.Arbitrary<Stmt> {
    const cbCtx: Ctx = {
      ...c,
      depth: Math.max(1, c.depth),
      labels: [],
      inLoop: false,
      inSwitch: false,
      eInScope: false,
      inAbort: false,
      inCallback: true,
      flag: undefined,
    };
    return fc
      .record({ via: fc.constantFrom<ErrbackVia>('fn', 'method'), body: list(cbCtx, 1) })
      .map(({ via, body }): Stmt => ({ kind: 'errback', via, body: withDone(oneErrTest(body)) }));
  }

  /** `try { … } finally { …; q.done(item); … }` or `try { …; q.done(item)? } catch (e) { q.done(item); throw e; }` */
  function guardArb(c: Ctx): fc.Arbitrary<Stmt> {
    const inner: Ctx = { ...c, depth: c.depth + 1 };
    const catchCtx: Ctx = { ...inner, eInScope: true };
    return fc.oneof(
      { withCrossShrink: true },
      fc
        .record({ block: list(inner, 0), pre: list(inner, 0, 1), post: list(inner, 0, 1) })
        .map(({ block, pre, post }): Stmt => ({
          kind: 'try',
          block,
          handler: null,
          finalizer: truncateAfterJump([...pre, { kind: 'done' }, ...post]),
        })),
      fc
        .record({ block: list(inner, 0), pre: list(catchCtx, 0, 1), rethrow: fc.boolean(), doneInTry: fc.boolean() })
        .map(({ block, pre, rethrow, doneInTry }): Stmt => ({
          kind: 'try',
          block: doneInTry ? truncateAfterJump([...block, { kind: 'done' }]) : block,
          handler: {
            param: true,
            body: truncateAfterJump([...pre, { kind: 'done' }, rethrow ? { kind: 'rethrow' } : { kind: 'return' }]),
          },
          finalizer: null,
        })),
    );
  }

  const workerLoopArb: fc.Arbitrary<WorkerLoop | null> =
    opts.workerLoops === false
      ? fc.constant(null)
      : fc.option(
          fc.record({ kind: fc.constantFrom<WorkerLoop['kind']>('for', 'while', 'doWhile'), label: fc.constantFrom(null, 'outer') }),
          { freq: 2 },
        );

  // the first alternative of each oneof is what fast-check shrinks towards (withCrossShrink)
  const headerArb = (loop: boolean): fc.Arbitrary<Header> =>
    fc.oneof(
      { withCrossShrink: true },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('if' as const),
          // `|| check(n)` always leaks (the check may throw with the item pending): keep it rare
          or: fc.oneof(
            { withCrossShrink: true },
            { weight: 6, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: fc.integer({ min: 1, max: 9 }) },
          ),
          exit: loop ? fc.constantFrom<'return' | 'break' | 'continue'>('return', 'break', 'continue') : fc.constant('return' as const),
        }),
      },
      { weight: 1, arbitrary: fc.constant<Header>({ kind: 'none' }) },
      { weight: 1, arbitrary: fc.constant<Header>({ kind: 'ifNot' }) },
    );

  /**
   * A program that rewrites its flag (v3): `flag = check(n);` then one test of it, in the worker's body, with no other
   * test of the flag anywhere. The analysis keeps no correlation for a rewritten flag at all (not even between two tests
   * after the rewrite, nor for a test before it): a program with more tests would be a false alarm of that documented
   * choice, not a defect; this one proves the correlation is not applied where it must not be.
   */
  const rewrittenFlagBody = (): fc.Arbitrary<Stmt[]> => {
    const c: Ctx = { depth: 0, labels: [], inLoop: false, inSwitch: false, eInScope: false, innerLoops: 0 };
    const flagTest: Ctx = { ...c, depth: 1, inFlagTest: true };
    return fc
      .tuple(list(c, 0, 2), smallN, ifFlagArb(flagTest, list(flagTest, 0, 2).map((then) => withDone(then))), list(c, 0, 2))
      .map(([pre, n, test, post]) => truncateAfterJump([...pre, { kind: 'setFlag', n }, test, ...post]));
  };

  const bodyArb = (wl: WorkerLoop | null, flag: Flag | null = null): fc.Arbitrary<Stmt[]> => {
    if (flag && flag.decl !== 'const') {
      return fc.oneof(
        { withCrossShrink: true },
        { weight: 3, arbitrary: stableBodyArb(wl, flag) },
        { weight: 2, arbitrary: rewrittenFlagBody() },
      );
    }
    return stableBodyArb(wl, flag);
  };

  const stableBodyArb = (wl: WorkerLoop | null, flag: Flag | null): fc.Arbitrary<Stmt[]> => {
    const c: Ctx = {
      depth: 0,
      labels: wl?.label ? [wl.label] : [],
      inLoop: wl !== null,
      inSwitch: false,
      eInScope: false,
      innerLoops: 0,
      ...(flag ? { flag: flag.decl } : {}),
    };
    const flagTest: Ctx = { ...c, depth: 1, inFlagTest: true };
    return fc.oneof(
      { withCrossShrink: true },
      // plain random statements
      { weight: 2, arbitrary: list(c, 0) },
      // a guard with random code inside, then maybe a few statements
      { weight: 4, arbitrary: fc.tuple(guardArb(c), list(c, 0, 2)).map(([g, post]) => truncateAfterJump([g, ...post])) },
      // prefix; guard; suffix — the usual production shapes, with random noise around them
      {
        weight: 2,
        arbitrary: fc
          .tuple(list(c, 0, 2), guardArb(c), list(c, 0, 2))
          .map(([pre, g, post]) => truncateAfterJump([...pre, g, ...post])),
      },
      // catch-and-rethrow guard followed by a trailing done
      {
        weight: 2,
        arbitrary: fc
          .tuple(list(c, 0, 1), guardArb(c), list(c, 0, 1))
          .map(([pre, g, post]) => truncateAfterJump([...pre, g, ...post, { kind: 'done' }])),
      },
      // v3, with a flag: a test of it that settles the item
      ...(flag
        ? [
            {
              weight: 10,
              arbitrary: fc
                .tuple(list(c, 0, 2), ifFlagArb(flagTest, list(flagTest, 0, 2).map((then) => withDone(then))), list(c, 0, 2))
                .map(([pre, test, post]) => truncateAfterJump([...pre, test, ...post])),
            },
          ]
        : []),
      // v2: an errback with random code around it
      ...(v2
        ? [
            {
              weight: 1,
              arbitrary: fc
                .tuple(list(c, 0, 2), errbackArb(c), list(c, 0, 2))
                .map(([pre, e, post]) => truncateAfterJump([...pre, e, ...post])),
            },
          ]
        : []),
    );
  };

  const preambleArb = opts.importPreamble === false ? fc.constant('inline' as const) : fc.constantFrom<'inline' | 'import'>('inline', 'import');
  const programs =
    forms === 'v3'
      ? // a flag in about a third of the programs; a flag program has no worker loop (see ir.ts `Flag`)
        fc
          .record({
            preamble: preambleArb,
            workerLoop: workerLoopArb,
            flag: fc.oneof(
              { withCrossShrink: true },
              { weight: 2, arbitrary: fc.constant(null) },
              { weight: 1, arbitrary: fc.record({ decl: fc.constantFrom<Flag['decl']>('param', 'const', 'let'), negated: fc.boolean() }) },
            ),
          })
          .chain(({ preamble, workerLoop, flag }) =>
            fc.record({
              preamble: fc.constant(preamble),
              workerLoop: fc.constant(flag ? null : workerLoop),
              header: headerArb(!flag && workerLoop !== null),
              body: bodyArb(flag ? null : workerLoop, flag),
              ...(flag ? { flag: fc.constant(flag) } : {}),
            }),
          )
      : fc
          .record({ preamble: preambleArb, workerLoop: workerLoopArb })
          .chain(({ preamble, workerLoop }) =>
            fc.record({
              preamble: fc.constant(preamble),
              workerLoop: fc.constant(workerLoop),
              header: headerArb(workerLoop !== null),
              body: bodyArb(workerLoop),
            }),
          );
  return programs.filter((p) => countStmts(p.body) <= MAX_STMTS).map((p): Program => ({ forms, ...p }));
}
