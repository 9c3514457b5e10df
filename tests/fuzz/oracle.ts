/**
 * The independent oracle: decides whether a generated worker can leak its work-queue item by
 * exhaustively enumerating the program's execution paths over the IR (never the source, never
 * the rule's code). It is a small-step interpreter in continuation-passing style: every
 * nondeterministic choice (a condition's outcome, a switch entry, an inner loop's iteration
 * count, "this call throws / returns") forks the path, and every path is followed to an exit.
 *
 * Contract (see tests/fuzz/README.md for the full text):
 *  - the obligation starts when `const [item, shutdown] = await q.get()` completes;
 *  - on a path where `shutdown` is known true it is dropped;
 *  - `q.done(item)` executed directly in the worker discharges it, and so does (v2) a call of a same-file helper that
 *    marks its parameter done on every path with no throw point before (`finish(q, item)`, `settle({ queue: q, key:
 *    item })`, `relay(q, item)` passing both on to `finish`): a done at the call; so does, in the v2 model, a
 *    callback that runs exactly once later (`setTimeout`, a `.then` / `.catch` / `.finally` handler on
 *    the outcome it runs on: the promise outcome is a fork), counted at the statement that registers it;
 *    `emitter.once('drained', () => q.done(item))` hands the item off (nothing is judged after it on that path but
 *    another such listener: both run when 'drained' comes, a double done at the second registration);
 *    `emitter.once('finish', () => q.done(item))` is a stream's 'finish': a fork, it finishes (a done, counted
 *    there) or it is destroyed first and never emits 'finish' (still owed);
 *    a done in a `forEach` callback never counts; in v1 no callback counts;
 *  - every call / `new` / `await` / `throw` except `q.done(item)` and `q.get()` may throw — and, in
 *    v2, except the calls the model says never throw (`console.log`, `Date.now`, a same-file helper
 *    without a throw point, `setTimeout`, `emitter.once`, an error sink `captureException(item)` also called as
 *    tsc's down-levelled optional call, `Number` / `parseInt` / `parseFloat`, destructuring an `Object.entries`
 *    element); the exception goes to the innermost
 *    enclosing `catch` whose try-block contains the point, running every `finally` it crosses, JS
 *    completion semantics (a finally's abrupt completion wins);
 *  - `return` / `break` / `continue` run the `finally` blocks they cross;
 *  - a pending obligation at an exit is a leak: return, exception leaving the worker, falling off
 *    the end, and — with the get inside a worker loop — the end of an iteration (falling to the end
 *    of the body, `continue`, reaching a do-while test) or `break` out of the worker loop;
 *    (v2) a path still owing the item after a rejected `work(item).then(() => q.done(item))` leaks
 *    at that `.then` line (exit kind `rejection`), whatever exit it then takes; so does a path still owing it
 *    after a destroyed stream's `'finish'` registration, at that line (exit kind `unfinished`);
 *  - inner loops run 0, 1 or 2 iterations; the worker loop one iteration;
 *  - (v3) a flag (`Program.flag`) is chosen once per run, both values enumerated (after `check(0)`, which may throw,
 *    for a `const` / `let` flag); the get runs only where the test around it passes (elsewhere nothing is taken and
 *    nothing is judged), every `if (flag)` reads the run's value, and `flag = check(n)` is a fresh choice from there on
 *    (a settled flag's, before the get's test, is the run's choice);
 *  - the rule's expected report lines (`reportLines`): every explicit leaking exit (return, break,
 *    continue, throw statement, iteration end, function end, rejection); only when there is none, the
 *    first implicit one (an exception from a throw point); and in each `finally` with a top-level
 *    `q.done(item);`, the first leaking throw point before it.
 */
import { formsOf, hasV2Forms, layout, type LProgram, type LStmt, type Program } from './ir.js';

export type ExitKind =
  | 'return'
  | 'throw'
  | 'fall-off-end'
  | 'iteration-end'
  | 'continue'
  | 'break'
  | 'rejection'
  | 'unfinished'
  /** (v2) an errback's own exits that left the item owed: its `return`, its end, a throw statement, a throw point */
  | 'callback-return'
  | 'callback-end'
  | 'callback-throw'
  | 'callback-may-throw';

/**
 * Obligation: before the get / outstanding / discharged by done / dropped by shutdown / handed off
 * (v2 `emitter.once`: nothing is judged after it).
 */
type Obl = 'none' | 'pending' | 'done' | 'dropped' | 'handed';

/**
 * The obligation, and (v2, while pending) the lines of the `.then(done)` statements whose rejection left it owed and
 * of the `'finish'` registrations whose stream was destroyed.
 */
interface St {
  readonly o: Obl;
  readonly rej: readonly number[];
  /** inside an errback's body: whether it was called with an error */
  readonly err?: boolean;
  /** (v3) the flag's value on this path (absent: the program has none) */
  readonly flag?: boolean;
}

const st0 = (o: Obl): St => ({ o, rej: [] });

type Completion =
  | { type: 'normal' }
  | { type: 'return'; line: number }
  /** `explicit`: a throw statement (`throw new Error`, `throw e`); otherwise an exception from a throw point */
  | { type: 'throw'; line: number; explicit: boolean }
  | { type: 'break'; label: string | null; line: number }
  | { type: 'continue'; label: string | null; line: number };

const NORMAL: Completion = { type: 'normal' };

/** Persistent (shared-tail) list of path steps, newest first. */
interface Trace {
  readonly step: string;
  readonly prev: Trace | null;
}

type K = (st: St, c: Completion, tr: Trace | null) => void;

export interface LeakExit {
  kind: ExitKind;
  line: number;
}

export interface OracleResult {
  leaks: boolean;
  /** the first leaking exit in source order (lowest line; ties: first enumerated) with its path */
  exit: (LeakExit & { path: string[] }) | null;
  /** every distinct leaking exit, sorted by line then kind */
  leakExits: LeakExit[];
  /** the lines of the explicit leaking exits (everything but exceptions from throw points), ascending */
  explicitLeakLines: number[];
  /**
   * the lines the rule is expected to report: `explicitLeakLines`, or when there is none the first
   * (lowest) implicit leaking exit's line; [] when nothing leaks
   */
  reportLines: number[];
  /** `q.done(item)` executed on some path after the item was already marked done since the get */
  doubleDone: boolean;
  doubleDoneLine: number | null;
  doubleDonePath: string[] | null;
  /** every line of a `q.done(item)` that runs as a double done on some path, ascending */
  doubleDoneLines: number[];
  /** number of complete paths enumerated / of those that leak */
  paths: number;
  leakingPaths: number;
}

export class PathExplosionError extends Error {}

export interface OracleOptions {
  /** abort (PathExplosionError) after this many complete paths; default 1e6 */
  maxPaths?: number;
  /** inner-loop iteration bound; default 2 (so 0, 1 and 2 iterations are explored) */
  innerIterations?: number;
  /**
   * Typed: `work(item)` is typed `Promise<void>`, and such a call rejects; it does not throw (the executor's
   * `work` then rejects instead of throwing). Its `.then` / `.catch` / `.finally` forms fork only on the outcome.
   */
  promisesReject?: boolean;
}

const push = (tr: Trace | null, step: string): Trace => ({ step, prev: tr });

function toList(tr: Trace | null): string[] {
  const out: string[] = [];
  for (let t = tr; t; t = t.prev) out.push(t.step);
  return out.reverse();
}

export function analyze(p: LProgram, opts: OracleOptions = {}): OracleResult {
  const maxPaths = opts.maxPaths ?? 1_000_000;
  const maxIter = opts.innerIterations ?? 2;
  const v2 = hasV2Forms(formsOf(p));
  const promisesReject = opts.promisesReject ?? false;

  let paths = 0;
  let leakingPaths = 0;
  let first: { kind: ExitKind; line: number; tr: Trace | null } | null = null;
  const leakSet = new Map<string, LeakExit>();
  const explicitLines = new Set<number>();
  let firstImplicit: number | null = null;
  const implicitLines = new Set<number>();
  let dd: { line: number; tr: Trace | null } | null = null;
  const ddLines = new Set<number>();
  /** the lines of the `'finish'` registrations: an owed line among them leaks as `unfinished` */
  const finishLines = new Set<number>();

  const leakAt = (kind: ExitKind, line: number, explicit: boolean, tr: Trace | null): void => {
    const key = `${line}:${kind}`;
    if (!leakSet.has(key)) leakSet.set(key, { kind, line });
    if (explicit) explicitLines.add(line);
    else {
      implicitLines.add(line);
      if (firstImplicit === null || line < firstImplicit) firstImplicit = line;
    }
    if (!first || line < first.line) first = { kind, line, tr: push(tr, `L${line}: ${kind} with the item pending — LEAK`) };
  };

  const exit = (kind: ExitKind, line: number, st: St, tr: Trace | null, explicit = true): void => {
    if (++paths > maxPaths) throw new PathExplosionError(`more than ${maxPaths} paths`);
    if (st.o !== 'pending') return;
    leakingPaths++;
    if (st.rej.length) {
      // owed because a `.then(done)` was rejected (or a 'finish' stream destroyed): the leak is at that line
      for (const line of st.rej) {
        const cb = callbackExits.get(line);
        if (cb) {
          // Owed because the errback left that way: reported at the callback's exit, per callback (every explicit
          // one, else its first throw point), as the rule reads a closure run once.
          let leaks = callbackLeaks.get(cb.errback);
          if (!leaks) callbackLeaks.set(cb.errback, (leaks = { explicit: new Set(), implicit: new Set() }));
          (cb.explicit ? leaks.explicit : leaks.implicit).add(line);
          const key = `${line}:${cb.kind}`;
          if (!leakSet.has(key)) leakSet.set(key, { kind: cb.kind, line });
          if (cb.explicit) explicitLines.add(line);
          if (!first || line < first.line) first = { kind: cb.kind, line, tr: push(tr, `L${line}: (the callback's ${cb.kind} there left the item owed) — LEAK`) };
          continue;
        }
        const kind = finishLines.has(line) ? 'unfinished' : 'rejection';
        leakAt(kind, line, true, push(tr, `L${line}: (the ${kind === 'unfinished' ? 'destroyed stream' : 'rejection'} there left the item owed)`));
      }
      return;
    }
    leakAt(kind, line, explicit, tr);
  };

  /** a done at line L — direct, or a callback that runs exactly once (counted at its registration) */
  const doneAt = (L: number, st: St, tr: Trace | null): St => {
    if (st.o === 'done') {
      if (!dd) dd = { line: L, tr };
      ddLines.add(L);
    }
    return st.o === 'pending' ? { ...st, o: 'done', rej: [] } : st;
  };

  /** the exits of errback bodies that left the item owed (lines in `St.rej`), by line */
  const callbackExits = new Map<number, { kind: ExitKind; explicit: boolean; errback: number }>();
  /** per errback (by its call's line): the lines of its leaking exits, explicit and from throw points */
  const callbackLeaks = new Map<number, { explicit: Set<number>; implicit: Set<number> }>();
  const addMark = (st: St, line: number): St =>
    st.o === 'pending' ? { ...st, rej: [...new Set([...st.rej, line])].sort((a, b) => a - b) } : st;

  // ---- statements -----------------------------------------------------------------------------

  const execList = (list: readonly LStmt[], i: number, st: St, tr: Trace | null, k: K): void => {
    if (i >= list.length) return k(st, NORMAL, tr);
    const s = list[i]!;
    exec(s, st, tr, (st1, c1, tr1) => {
      if (c1.type === 'normal') execList(list, i + 1, st1, tr1, k);
      else k(st1, c1, tr1);
    });
  };

  /** a may-throw point at `line`: fork an exceptional completion, then continue normally */
  const mayThrow = (line: number, what: string, st: St, tr: Trace | null, k: K, cont: () => void): void => {
    k(st, { type: 'throw', line, explicit: false }, push(tr, `L${line}: ${what} throws`));
    cont();
  };

  /** `work(item)` before a promise handler: a throw point unless promise-typed calls only reject */
  const promiseCall = (line: number, st: St, tr: Trace | null, k: K, cont: () => void): void =>
    promisesReject ? cont() : mayThrow(line, 'work(item)', st, tr, k, cont);

  const exec = (s: LStmt, st: St, tr: Trace | null, k: K): void => {
    const L = s.line;
    switch (s.kind) {
      case 'done':
        return k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: q.done(item)`));
      case 'safe':
        return k(st, NORMAL, push(tr, `L${L}: ${s.via} (never throws)`));
      case 'keyDone':
        // `item ?? '-'` is the item wherever one was taken: the same done as `q.done(item)`.
        return k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: q.done(key), key = item ?? '-'`));
      case 'setFlag':
        return mayThrow(L, `check(${s.n})`, st, tr, k, () => {
          for (const flag of [true, false]) k({ ...st, flag }, NORMAL, push(tr, `L${L}: flag = check(${s.n}) → ${String(flag)}`));
        });
      case 'ifFlag': {
        if (st.flag === undefined) throw new Error(`oracle: if (flag) at L${L} in a program without a flag`);
        const taken = st.flag !== s.negated;
        return execList(taken ? s.then : (s.else ?? []), 0, st, push(tr, `L${L}: ${s.negated ? '!' : ''}flag → ${String(taken)}`), k);
      }
      case 'finish':
        // The helper runs now and marks the item done on its every path, with nothing before that may throw.
        return k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: ${s.via} helper marks the item done`));
      case 'forget':
        return mayThrow(L, 'q.forget(item)', st, tr, k, () => k(st, NORMAL, push(tr, `L${L}: q.forget(item)`)));
      case 'work': {
        const what = s.await ? 'await work(item)' : 'work2(item)';
        return mayThrow(L, what, st, tr, k, () => k(st, NORMAL, push(tr, `L${L}: ${what}`)));
      }
      case 'callback':
        if (!v2 || s.via === 'forEach') {
          return mayThrow(L, `${s.via}(…) call`, st, tr, k, () =>
            k(st, NORMAL, push(tr, `L${L}: ${s.via} callback registered (its done does not count)`)),
          );
        }
        switch (s.via) {
          case 'setTimeout': {
            const t = push(tr, `L${L}: setTimeout: the timer runs once, later — a done`);
            return k(doneAt(L, st, tr), NORMAL, t);
          }
          case 'once': {
            // Handed to a 'drained' listener already: when 'drained' comes, both listeners run and mark it done.
            if (st.o === 'handed') {
              if (!dd) dd = { line: L, tr };
              ddLines.add(L);
              return k(st, NORMAL, push(tr, `L${L}: emitter.once: a second 'drained' listener — DOUBLE DONE when 'drained' comes`));
            }
            const handed: St = st.o === 'pending' || st.o === 'done' ? { ...st, o: 'handed', rej: [] } : st;
            return k(handed, NORMAL, push(tr, `L${L}: emitter.once: the item is handed off`));
          }
          case 'finish':
          case 'removed': {
            finishLines.add(L);
            k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: the stream finishes → the 'finish' done runs`));
            const owed: St = addMark(st, L);
            return k(owed, NORMAL, push(tr, `L${L}: the stream is destroyed → 'close', never 'finish'`));
          }
          case 'then':
            return promiseCall(L, st, tr, k, () => {
              k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: work(item) fulfils → the .then done runs`));
              const owed: St = addMark(st, L);
              k(owed, NORMAL, push(tr, `L${L}: work(item) rejects → the .then done does not run`));
            });
          case 'catch':
            return promiseCall(L, st, tr, k, () => {
              k(st, NORMAL, push(tr, `L${L}: work(item) fulfils → the .catch done does not run`));
              k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: work(item) rejects → the .catch done runs`));
            });
          case 'thenBoth':
          case 'finally':
          case 'voidFinally':
            return promiseCall(L, st, tr, k, () =>
              k(doneAt(L, st, tr), NORMAL, push(tr, `L${L}: ${s.via}: the done runs on either outcome`)),
            );
          case 'awaitFinally':
            return promiseCall(L, st, tr, k, () => {
              const d = doneAt(L, st, tr);
              k(d, NORMAL, push(tr, `L${L}: work(item) fulfils → finally done, await returns`));
              k(d, { type: 'throw', line: L, explicit: false }, push(tr, `L${L}: work(item) rejects → finally done, await throws`));
            });
        }
        throw new Error(`oracle: unknown callback ${String(s.via)}`);
      case 'throw':
        return k(st, { type: 'throw', line: L, explicit: true }, push(tr, `L${L}: throw new Error`));
      case 'rethrow':
        return k(st, { type: 'throw', line: L, explicit: true }, push(tr, `L${L}: throw e`));
      case 'return':
        return k(st, { type: 'return', line: L }, push(tr, `L${L}: return`));
      case 'break':
        return k(st, { type: 'break', label: s.label, line: L }, push(tr, `L${L}: break${s.label ? ' ' + s.label : ''}`));
      case 'continue':
        return k(st, { type: 'continue', label: s.label, line: L }, push(tr, `L${L}: continue${s.label ? ' ' + s.label : ''}`));
      case 'errback': {
        // The callee never throws and calls back once, later, with an error or without: the body runs once per outcome,
        // its exits are its own (counted here, at the call, in program order), and the worker goes on from the call.
        if (!v2 || st.err !== undefined) throw new Error(`oracle: an errback at L${L} needs v2 and a worker around it`);
        for (const err of [false, true]) {
          const t = push(tr, `L${L}: the callback runs (later) ${err ? 'with an error' : 'without an error'}`);
          execList(s.body, 0, { ...st, err }, t, (st1, c1, tr1) => {
            const after: St = { o: st1.o, rej: st1.rej, ...(st.flag === undefined ? {} : { flag: st.flag }) };
            let line: number;
            let kind: ExitKind;
            let explicit = true;
            if (c1.type === 'normal') [line, kind] = [s.endLine, 'callback-end'];
            else if (c1.type === 'return') [line, kind] = [c1.line, 'callback-return'];
            else if (c1.type === 'throw') [line, kind, explicit] = [c1.line, c1.explicit ? 'callback-throw' : 'callback-may-throw', c1.explicit];
            else throw new Error(`oracle: stray ${c1.type} at L${c1.line} in the errback at L${L}`);
            if (after.o === 'pending') callbackExits.set(line, { kind, explicit, errback: L });
            k(addMark(after, line), NORMAL, push(tr1, `L${line}: the callback leaves (${kind}); the worker went on after L${L}`));
          });
        }
        return;
      }
      case 'ifErr': {
        if (st.err === undefined) throw new Error(`oracle: if (err) at L${L} outside an errback`);
        return execList(st.err ? s.then : (s.else ?? []), 0, st, push(tr, `L${L}: err → ${String(st.err)}`), k);
      }
      case 'abort':
        k(st, NORMAL, push(tr, `L${L}: signal not aborted`));
        return execList(s.body, 0, st, push(tr, `L${L}: signal aborted`), (st1, c1, tr1) => {
          if (c1.type !== 'normal') return k(st1, c1, tr1);
          k(st1, { type: 'throw', line: s.throwLine!, explicit: false }, push(tr1, `L${s.throwLine}: signal.throwIfAborted() throws`));
        });
      case 'if':
        return mayThrow(L, `check(${s.n})`, st, tr, k, () => {
          execList(s.then, 0, st, push(tr, `L${L}: check(${s.n}) → true`), k);
          execList(s.else ?? [], 0, st, push(tr, `L${L}: check(${s.n}) → false`), k);
        });
      case 'switch':
        return mayThrow(L, 'k()', st, tr, k, () => {
          const kk: K = (st1, c1, tr1) => {
            if (c1.type === 'break' && c1.label === null) k(st1, NORMAL, push(tr1, `L${s.endLine}: leave switch`));
            else k(st1, c1, tr1);
          };
          for (let i = 0; i < s.cases.length; i++) {
            const c = s.cases[i]!;
            // entering at case i runs the bodies of cases i, i+1, … (fall-through) until a jump
            const run = s.cases.slice(i).flatMap((cc) => cc.body);
            execList(run, 0, st, push(tr, `L${c.line ?? L}: enter ${c.test === null ? 'default' : `case ${String(c.test)}`}`), kk);
          }
          if (!s.cases.some((c) => c.test === null)) k(st, NORMAL, push(tr, `L${L}: no case matches`));
        });
      case 'try': {
        const { handler, finalizer } = s;
        const afterCatch: K = (st2, c2, tr2) => {
          if (!finalizer) return k(st2, c2, tr2);
          execList(finalizer, 0, st2, push(tr2, `L${L}: run finally (${c2.type})`), (st3, c3, tr3) =>
            k(st3, c3.type === 'normal' ? c2 : c3, tr3),
          );
        };
        return execList(s.block, 0, st, tr, (st1, c1, tr1) => {
          if (c1.type === 'throw' && handler) execList(handler.body, 0, st1, push(tr1, `L${L}: caught`), afterCatch);
          else afterCatch(st1, c1, tr1);
        });
      }
      case 'loop': {
        const label = s.label;
        const iterate = (iter: number, st0: St, tr0: Trace | null): void => {
          const body = (): void =>
            execList(s.body, 0, st0, push(tr0, `L${L}: iteration ${iter + 1}`), (st1, c1, tr1) => {
              if (c1.type === 'normal' || (c1.type === 'continue' && (c1.label === null || c1.label === label))) {
                iterate(iter + 1, st1, tr1);
              } else if (c1.type === 'break' && (c1.label === null || c1.label === label)) {
                k(st1, NORMAL, push(tr1, `L${s.endLine}: leave loop`));
              } else {
                k(st1, c1, tr1);
              }
            });
          if (s.loop === 'while') {
            // the test is evaluated before every iteration
            mayThrow(L, `check(${s.n})`, st0, tr0, k, () => {
              k(st0, NORMAL, push(tr0, `L${L}: check(${s.n}) → false, loop done after ${iter}`));
              if (iter < maxIter) body();
            });
          } else {
            k(st0, NORMAL, push(tr0, `L${L}: iterator done after ${iter}`));
            if (iter < maxIter) body();
          }
        };
        if (s.loop === 'forOf') return mayThrow(L, 'xs()', st, tr, k, () => iterate(0, st, tr));
        return iterate(0, st, tr);
      }
    }
  };

  // ---- the worker -------------------------------------------------------------------------------

  const wl = p.workerLoop;
  const G = p.getLine;

  /** completion of the get + header + body (one iteration of the worker loop, or the whole worker) */
  const finish: K = (st, c, tr) => {
    switch (c.type) {
      case 'return':
        return exit('return', c.line, st, tr);
      case 'throw':
        return exit('throw', c.line, st, push(tr, `L${c.line}: exception leaves the worker`), c.explicit);
      case 'normal':
        if (!wl) return exit('fall-off-end', p.fnEndLine, st, push(tr, `L${p.fnEndLine}: fall off the end`));
        if (st.o === 'pending') return exit('iteration-end', p.loopEndLine!, st, tr);
        return afterIteration(st, tr);
      case 'continue':
        if (!wl || (c.label !== null && c.label !== wl.label)) throw new Error(`oracle: stray continue at L${c.line}`);
        if (st.o === 'pending') return exit('continue', c.line, st, tr);
        return afterIteration(st, tr);
      case 'break':
        if (!wl || (c.label !== null && c.label !== wl.label)) throw new Error(`oracle: stray break at L${c.line}`);
        if (st.o === 'pending') return exit('break', c.line, st, tr);
        return exit('fall-off-end', p.fnEndLine, st, push(tr, `L${c.line}: leave the worker loop`));
    }
  };

  /** end of one worker-loop iteration with nothing pending: the do-while test may throw; otherwise next get / leave the loop */
  const afterIteration = (st: St, tr: Trace | null): void => {
    if (wl!.kind === 'doWhile') exit('throw', p.loopEndLine!, st, push(tr, `L${p.loopEndLine}: cond() throws`), false);
    exit('iteration-end', p.loopEndLine!, st, push(tr, `L${p.loopEndLine}: next iteration / leave loop`));
  };

  const unconditionalGet = push(null, `L${G}: const [item, shutdown] = await q.get()`);
  const h = p.header;
  const H = p.headerLine;
  const exitStmt = (exitKind: 'return' | 'break' | 'continue'): Completion =>
    exitKind === 'return' ? { type: 'return', line: H! } : { type: exitKind, label: null, line: H! };
  const flag = p.flag;
  // (v3) the flag's value for the run: the get runs where its test passes; where it fails nothing is taken
  const runs: { flag?: boolean; start: Trace }[] = [];
  if (!flag) runs.push({ start: unconditionalGet });
  else {
    let before: Trace | null = null;
    if (p.flagLine !== null) {
      const F = p.flagLine;
      exit('throw', F, st0('none'), push(before, `L${F}: check(0) throws`), false);
      before = push(before, `L${F}: flag = check(0)`);
    }
    // A settled flag: rewritten before the get's test, so the value chosen below is the one from there on.
    if (p.settleLine !== null) {
      const S = p.settleLine;
      exit('throw', S, st0('none'), push(before, `L${S}: check(${String(flag.settledBy)}) throws`), false);
      before = push(before, `L${S}: flag = check(${String(flag.settledBy)})`);
    }
    for (const value of [true, false]) {
      const chosen = push(before, `flag → ${String(value)}`);
      if (value === flag.negated) exit('fall-off-end', p.fnEndLine, st0('none'), push(chosen, `L${G - 1}: the get does not run (nothing taken)`));
      else runs.push({ flag: value, start: push(chosen, `L${G}: [item, shutdown] = await q.get()`) });
    }
  }
  /** one run from the get: the shutdown header, then the body (with the run's flag, if any) */
  const judgeRun = (flagValue: boolean | undefined, start: Trace): void => {
    const withFlag = (st: St): St => (flagValue === undefined ? st : { ...st, flag: flagValue });
    const PENDING = withFlag(st0('pending'));
    const DROPPED = withFlag(st0('dropped'));
    if (h.kind === 'none') {
      execList(p.body, 0, PENDING, start, finish);
    } else if (h.kind === 'ifNot') {
      finish(DROPPED, NORMAL, push(start, `L${H}: !shutdown → false (shutdown; obligation dropped)`));
      execList(p.body, 0, PENDING, push(start, `L${H}: !shutdown → true`), finish);
    } else {
      finish(DROPPED, exitStmt(h.exit), push(start, `L${H}: shutdown → true (obligation dropped); ${h.exit}`));
      const notShut = push(start, `L${H}: shutdown → false`);
      if (h.or === null) {
        execList(p.body, 0, PENDING, notShut, finish);
      } else {
        finish(PENDING, { type: 'throw', line: H!, explicit: false }, push(notShut, `L${H}: check(${h.or}) throws`));
        finish(PENDING, exitStmt(h.exit), push(notShut, `L${H}: check(${h.or}) → true; ${h.exit}`));
        execList(p.body, 0, PENDING, push(notShut, `L${H}: check(${h.or}) → false`), finish);
      }
    }
  };
  for (const run of runs) judgeRun(run.flag, run.start);

  const leakExits = [...leakSet.values()].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  const explicitLeakLines = [...explicitLines].sort((a, b) => a - b);
  const fi = firstImplicit as number | null;
  const reportLines = explicitLeakLines.length ? [...explicitLeakLines] : fi !== null ? [fi] : [];
  // A throw point in a `finally` that skips a `q.done(item);` written later in that `finally`: the first one of each
  // such block is reported too (a defect of its own, whatever else leaks).
  for (const lines of finallySkipLines(p.body)) {
    const skipped = [...lines].filter((line) => implicitLines.has(line)).sort((a, b) => a - b)[0];
    if (skipped !== undefined && !reportLines.includes(skipped)) reportLines.push(skipped);
  }
  // Each errback with a leaking exit but no explicit one: its first throw point.
  for (const leaks of callbackLeaks.values()) {
    const firstPoint = [...leaks.implicit].sort((a, b) => a - b)[0];
    if (leaks.explicit.size === 0 && firstPoint !== undefined && !reportLines.includes(firstPoint)) reportLines.push(firstPoint);
  }
  reportLines.sort((a, b) => a - b);
  const f = first as { kind: ExitKind; line: number; tr: Trace | null } | null;
  const d = dd as { line: number; tr: Trace | null } | null;
  return {
    leaks: f !== null,
    exit: f ? { kind: f.kind, line: f.line, path: toList(f.tr) } : null,
    leakExits,
    explicitLeakLines,
    reportLines,
    doubleDone: d !== null,
    doubleDoneLine: d ? d.line : null,
    doubleDonePath: d ? [...toList(d.tr), `L${d.line}: q.done(item) again — DOUBLE DONE`] : null,
    doubleDoneLines: [...ddLines].sort((a, b) => a - b),
    paths,
    leakingPaths,
  };
}

/**
 * Per `finally` block that has a top-level `q.done(item);`: the lines of the statements before its last one, without
 * the lines of `finally` blocks nested in them (those belong to the innermost `finally`, as the rule reads it).
 */
function finallySkipLines(body: readonly LStmt[]): Set<number>[] {
  const found: Set<number>[] = [];
  const nestedFinallies = (s: LStmt): LStmt[][] => {
    const out: LStmt[][] = [];
    const visit = (list: readonly LStmt[]): void => {
      for (const t of list) {
        if (t.kind === 'try' && t.finalizer) out.push(t.finalizer);
        for (const child of childLists(t)) if (!(t.kind === 'try' && child === t.finalizer)) visit(child);
      }
    };
    visit([s]);
    return out;
  };
  const rangeOf = (list: readonly LStmt[]): [number, number] => [list[0]!.line, list[list.length - 1]!.endLine];
  const walk = (list: readonly LStmt[]): void => {
    for (const s of list) {
      if (s.kind === 'try' && s.finalizer && s.finalizer.length > 0) {
        const fin = s.finalizer;
        let last = -1;
        fin.forEach((t, i) => {
          if (t.kind === 'done') last = i;
        });
        if (last > 0) {
          const lines = new Set<number>();
          for (const t of fin.slice(0, last)) {
            const excluded = nestedFinallies(t).filter((l) => l.length > 0).map(rangeOf);
            for (let line = t.line; line <= t.endLine; line++) {
              if (!excluded.some(([from, to]) => line >= from && line <= to)) lines.add(line);
            }
          }
          found.push(lines);
        }
      }
      for (const child of childLists(s)) walk(child);
    }
  };
  walk(body);
  return found;
}

function childLists(s: LStmt): LStmt[][] {
  switch (s.kind) {
    case 'if':
    case 'ifErr':
    case 'ifFlag':
      return s.else ? [s.then, s.else] : [s.then];
    case 'switch':
      return s.cases.map((c) => c.body);
    case 'try':
      return [s.block, ...(s.handler ? [s.handler.body] : []), ...(s.finalizer ? [s.finalizer] : [])];
    case 'loop':
    case 'abort':
    case 'errback':
      return [s.body];
    default:
      return [];
  }
}

/** Lay out and analyze an IR program in one go. */
export function analyzeProgram(p: Program, opts: OracleOptions = {}): OracleResult & { source: string } {
  const { source, program } = layout(p);
  return { ...analyze(program, opts), source };
}
