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
 *  - `q.done(item)` executed directly in the worker discharges it (callbacks never count);
 *  - every call / `new` / `await` / `throw` except `q.done(item)` and `q.get()` may throw; the
 *    exception goes to the innermost enclosing `catch` whose try-block contains the point, running
 *    every `finally` it crosses, JS completion semantics (a finally's abrupt completion wins);
 *  - `return` / `break` / `continue` run the `finally` blocks they cross;
 *  - a pending obligation at an exit is a leak: return, exception leaving the worker, falling off
 *    the end, and — with the get inside a worker loop — the end of an iteration (falling to the end
 *    of the body, `continue`, reaching a do-while test) or `break` out of the worker loop;
 *  - inner loops run 0, 1 or 2 iterations; the worker loop one iteration.
 */
import { layout, type LProgram, type LStmt, type Program } from './ir.js';

export type ExitKind = 'return' | 'throw' | 'fall-off-end' | 'iteration-end' | 'continue' | 'break';

/** Obligation state: before the get / outstanding / discharged by done / dropped by shutdown. */
type Obl = 'none' | 'pending' | 'done' | 'dropped';

type Completion =
  | { type: 'normal' }
  | { type: 'return'; line: number }
  | { type: 'throw'; line: number }
  | { type: 'break'; label: string | null; line: number }
  | { type: 'continue'; label: string | null; line: number };

const NORMAL: Completion = { type: 'normal' };

/** Persistent (shared-tail) list of path steps, newest first. */
interface Trace {
  readonly step: string;
  readonly prev: Trace | null;
}

type K = (st: Obl, c: Completion, tr: Trace | null) => void;

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

  let paths = 0;
  let leakingPaths = 0;
  let first: { kind: ExitKind; line: number; tr: Trace | null } | null = null;
  const leakSet = new Map<string, LeakExit>();
  let dd: { line: number; tr: Trace | null } | null = null;
  const ddLines = new Set<number>();

  const exit = (kind: ExitKind, line: number, st: Obl, tr: Trace | null): void => {
    if (++paths > maxPaths) throw new PathExplosionError(`more than ${maxPaths} paths`);
    if (st !== 'pending') return;
    leakingPaths++;
    const key = `${line}:${kind}`;
    if (!leakSet.has(key)) leakSet.set(key, { kind, line });
    if (!first || line < first.line) first = { kind, line, tr: push(tr, `L${line}: ${kind} with the item pending — LEAK`) };
  };

  // ---- statements -----------------------------------------------------------------------------

  const execList = (list: readonly LStmt[], i: number, st: Obl, tr: Trace | null, k: K): void => {
    if (i >= list.length) return k(st, NORMAL, tr);
    const s = list[i]!;
    exec(s, st, tr, (st1, c1, tr1) => {
      if (c1.type === 'normal') execList(list, i + 1, st1, tr1, k);
      else k(st1, c1, tr1);
    });
  };

  /** a may-throw point at `line`: fork an exceptional completion, then continue normally */
  const mayThrow = (line: number, what: string, st: Obl, tr: Trace | null, k: K, cont: () => void): void => {
    k(st, { type: 'throw', line }, push(tr, `L${line}: ${what} throws`));
    cont();
  };

  const exec = (s: LStmt, st: Obl, tr: Trace | null, k: K): void => {
    const L = s.line;
    switch (s.kind) {
      case 'done': {
        if (st === 'done') {
          if (!dd) dd = { line: L, tr };
          ddLines.add(L);
        }
        return k(st === 'pending' ? 'done' : st, NORMAL, push(tr, `L${L}: q.done(item)`));
      }
      case 'forget':
        return mayThrow(L, 'q.forget(item)', st, tr, k, () => k(st, NORMAL, push(tr, `L${L}: q.forget(item)`)));
      case 'work': {
        const what = s.await ? 'await work(item)' : 'work2(item)';
        return mayThrow(L, what, st, tr, k, () => k(st, NORMAL, push(tr, `L${L}: ${what}`)));
      }
      case 'callback':
        return mayThrow(L, `${s.via}(…) call`, st, tr, k, () =>
          k(st, NORMAL, push(tr, `L${L}: ${s.via} callback registered (its done does not count)`)),
        );
      case 'throw':
        return k(st, { type: 'throw', line: L }, push(tr, `L${L}: throw new Error`));
      case 'rethrow':
        return k(st, { type: 'throw', line: L }, push(tr, `L${L}: throw e`));
      case 'return':
        return k(st, { type: 'return', line: L }, push(tr, `L${L}: return`));
      case 'break':
        return k(st, { type: 'break', label: s.label, line: L }, push(tr, `L${L}: break${s.label ? ' ' + s.label : ''}`));
      case 'continue':
        return k(st, { type: 'continue', label: s.label, line: L }, push(tr, `L${L}: continue${s.label ? ' ' + s.label : ''}`));
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
        const iterate = (iter: number, st0: Obl, tr0: Trace | null): void => {
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
        return exit('throw', c.line, st, push(tr, `L${c.line}: exception leaves the worker`));
      case 'normal':
        if (!wl) return exit('fall-off-end', p.fnEndLine, st, push(tr, `L${p.fnEndLine}: fall off the end`));
        if (st === 'pending') return exit('iteration-end', p.loopEndLine!, st, tr);
        return afterIteration(st, tr);
      case 'continue':
        if (!wl || (c.label !== null && c.label !== wl.label)) throw new Error(`oracle: stray continue at L${c.line}`);
        if (st === 'pending') return exit('continue', c.line, st, tr);
        return afterIteration(st, tr);
      case 'break':
        if (!wl || (c.label !== null && c.label !== wl.label)) throw new Error(`oracle: stray break at L${c.line}`);
        if (st === 'pending') return exit('break', c.line, st, tr);
        return exit('fall-off-end', p.fnEndLine, st, push(tr, `L${c.line}: leave the worker loop`));
    }
  };

  /** end of one worker-loop iteration with nothing pending: the do-while test may throw; otherwise next get / leave the loop */
  const afterIteration = (st: Obl, tr: Trace | null): void => {
    if (wl!.kind === 'doWhile') exit('throw', p.loopEndLine!, st, push(tr, `L${p.loopEndLine}: cond() throws`));
    exit('iteration-end', p.loopEndLine!, st, push(tr, `L${p.loopEndLine}: next iteration / leave loop`));
  };

  const start = push(null, `L${G}: const [item, shutdown] = await q.get()`);
  const h = p.header;
  const H = p.headerLine;
  const exitStmt = (exitKind: 'return' | 'break' | 'continue'): Completion =>
    exitKind === 'return' ? { type: 'return', line: H! } : { type: exitKind, label: null, line: H! };
  if (h.kind === 'none') {
    execList(p.body, 0, 'pending', start, finish);
  } else if (h.kind === 'ifNot') {
    finish('dropped', NORMAL, push(start, `L${H}: !shutdown → false (shutdown; obligation dropped)`));
    execList(p.body, 0, 'pending', push(start, `L${H}: !shutdown → true`), finish);
  } else {
    finish('dropped', exitStmt(h.exit), push(start, `L${H}: shutdown → true (obligation dropped); ${h.exit}`));
    const notShut = push(start, `L${H}: shutdown → false`);
    if (h.or === null) {
      execList(p.body, 0, 'pending', notShut, finish);
    } else {
      finish('pending', { type: 'throw', line: H! }, push(notShut, `L${H}: check(${h.or}) throws`));
      finish('pending', exitStmt(h.exit), push(notShut, `L${H}: check(${h.or}) → true; ${h.exit}`));
      execList(p.body, 0, 'pending', push(notShut, `L${H}: check(${h.or}) → false`), finish);
    }
  }

  const leakExits = [...leakSet.values()].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  const f = first as { kind: ExitKind; line: number; tr: Trace | null } | null;
  const d = dd as { line: number; tr: Trace | null } | null;
  return {
    leaks: f !== null,
    exit: f ? { kind: f.kind, line: f.line, path: toList(f.tr) } : null,
    leakExits,
    doubleDone: d !== null,
    doubleDoneLine: d ? d.line : null,
    doubleDonePath: d ? [...toList(d.tr), `L${d.line}: q.done(item) again — DOUBLE DONE`] : null,
    doubleDoneLines: [...ddLines].sort((a, b) => a - b),
    paths,
    leakingPaths,
  };
}

/** Lay out and analyze an IR program in one go. */
export function analyzeProgram(p: Program, opts: OracleOptions = {}): OracleResult & { source: string } {
  const { source, program } = layout(p);
  return { ...analyze(program, opts), source };
}
