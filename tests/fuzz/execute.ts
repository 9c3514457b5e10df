/**
 * A second, independent judge used only to validate the oracle: run the generated program for
 * real (TypeScript → JavaScript → the JS engine) with stub functions that follow a choice vector,
 * and enumerate every choice vector depth-first. Completion semantics (finally, labels, switch
 * fall-through, rethrow, …) then come from the engine itself rather than from the oracle's
 * interpreter.
 *
 * The source is adapted textually for execution, preserving semantics under the contract:
 *  - v1: every `() => q.done(item)` callback calls a no-op (a done in a callback never counts) and
 *    `setTimeout` is a stub that may throw;
 *  - v2: the runtime itself: `setTimeout` queues its callback, which runs after the worker has
 *    settled (its synchronous part and every promise job); `work(item).then/catch/finally(…)` get a
 *    real promise that fulfils or rejects by choice (after `work(item)` may throw synchronously), the
 *    handlers run as the engine runs them, and the rejections left unhandled by `.then(done)` /
 *    detached `.finally(done)` are swallowed deliberately; `emitter.once('drained', …)` records the hand-off,
 *    and 'drained' comes after the worker has settled: its listeners run, and a second one's done is a double (the
 *    only dones judged after a hand-off); `emitter.once('finish', …)` is a stream that finishes by choice (its listener runs after
 *    the worker has settled, as a timer) or is destroyed first (the listener never runs: 'close', never 'finish'); `console.log`, `logger.info` and the error sinks (`captureException`, `hooks.exceptionLogger`) are silent stubs,
 *    `Date.now()`, `Number` / `parseInt` / `parseFloat`, `Object.entries` and the preamble's helpers (`note`, the
 *    finishing helpers `finish` / `settle` / `relay`, whose done is placed at their call's line) are real. A done
 *    that runs in a callback is placed, for double-done purposes, at the point its callback was
 *    registered (program order: the rule reports there), and counts only if it really ran; dones
 *    registered after a hand-off are not judged, and a handed-off item is never a leak. The
 *    `forEach` callback stays a no-op in both models (the model never counts it);
 *  - v2: an errback call (`fetchObject(item, (err) => {…})`, `io.read(item, (err) => {…})`) never throws and calls
 *    its callback exactly once, asynchronously — by choice on a microtask (while the worker may still be awaiting)
 *    or after the worker has settled, as a timer — with an `Error` or with `null` (a choice). An exception the
 *    callback throws is its own exit: nobody catches it for the worker (in Node it would reach `uncaughtException`),
 *    so the stub swallows it. A synchronous call-back is not modelled: a callback's exception would then reach the
 *    worker's own `catch`, and the model's claim that the call is no throw point would not hold (Node's convention is
 *    never to call back synchronously). The dones the callback runs are placed at its registration, in the order
 *    they ran (program order, as for the other deferred dones);
 *  - v2: `signal.aborted` is a choice at each read, and `signal.throwIfAborted()` throws when the last read
 *    said aborted (each abort block reads once, and its call is its own last statement);
 *  - `while (check(n)) {` becomes `for (let $i = 0; $loopTest($i++); ) {` so the stub knows the
 *    iteration number (≤ 2 iterations, like the oracle);
 *  - the second `q.get()` (next worker-loop iteration) ends the run: "iteration end";
 *  - each direct `q.done(item);` passes its own line number, so double dones are located, and so does v3's
 *    `q.done(key);` (the key chosen by `item ?? '-'`) and `q.done(item ?? '-');`;
 *  - v3: a `flag: boolean` parameter is a choice made when the worker is called (a `const` / `let` flag reads
 *    `check(0)`, a choice like any other; `flag = check(n)` another); a run whose flag skipped the get took nothing,
 *    and nothing in it is judged.
 */
import ts from 'typescript';
import { hasV2Forms, type Forms } from './ir.js';

export interface ExecResult {
  leaks: boolean;
  doubleDone: boolean;
  /** lines of the `q.done(item)` calls that ran as a second (or later) done in some run, ascending */
  doubleDoneLines: number[];
  /**
   * v2: the lines of the `work(item).then(() => q.done(item))` statements that rejected, and of the
   * `emitter.once('finish', …)` registrations whose stream was destroyed, in some leaking run, ascending
   */
  rejectionLeakLines: number[];
  /** v2: deferred dones that ran only after the worker had returned or thrown (timers, late promise jobs) */
  lateDones: number;
  runs: number;
}

export interface ExecOptions {
  /** the model the source was printed for (default `v2`) */
  forms?: Forms;
  maxRuns?: number;
  /** typed model: `work(item)` before `.then/.catch/.finally` rejects, it never throws synchronously */
  promisesReject?: boolean;
}

/** The statements of ./ir.ts's finishing helpers (`finish` forms), as printed. */
const FINISH_CALLS = new Set(['finish(q, item);', 'settle({ queue: q, key: item });', 'relay(q, item);']);

/** Thrown to end a run at the next `get()`: one iteration of the worker loop is all the oracle judges. */
class Stop extends Error {}

export async function executeAll(source: string, opts: ExecOptions = {}): Promise<ExecResult> {
  const maxRuns = opts.maxRuns ?? 200_000;
  const v2 = hasV2Forms(opts.forms ?? 'v2');
  const flagParam = /^export async function worker\(q: Q, flag: boolean\)/m.test(source);
  const numbered = source.split('\n').map((l, i) => {
    const line = i + 1;
    let out = l.replace('q.done(item);', `q.done(item, ${line});`).replace('q.done(key);', `q.done(key, ${line});`).replace("q.done(item ?? '-');", `q.done(item ?? '-', ${line});`);
    // A finishing helper's call (the whole line is the statement): its done is placed at the call's line.
    if (v2 && FINISH_CALLS.has(l.trim())) out = out.replace(l.trim(), `q.at(${line}); ${l.trim()} q.at(null);`);
    if (v2) {
      out = out
        .replace('xs().forEach(() => q.done(item))', 'xs().forEach(() => q.callbackDone(item))')
        .replace(/work\(item\)\.(then|catch|finally)\(/, '$$work(item, ' + String(line) + ').$1(')
        .replace("emitter.once('finish', ", `emitter.$finish(${line}, `)
        // 'end' or 'close' first: the 'close' listener's removal is the destroyed branch of $finish.
        .replace("emitter.once('end', end); emitter.once('close', () => emitter.removeListener('end', end));", `emitter.$finish(${line}, end);`)
        .replace(/\(\) => q\.done\(item\)/g, `q.later(${line})`);
    }
    return out;
  });
  let adapted = numbered.join('\n').replace(/while \(check\(\d+\)\) \{/g, 'for (let $i = 0; $loopTest($i++); ) {');
  if (!v2) adapted = adapted.replace(/\(\) => q\.done\(item\)/g, '() => q.callbackDone(item)');
  const js = ts
    .transpileModule(adapted, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
    .outputText.replace(/^export /gm, '')
    .replace(/^import .*$/gm, '');

  // choice vector machinery
  let prefix: number[] = [];
  let taken: { choice: number; arity: number }[] = [];
  const choose = (arity: number): number => {
    const i = taken.length;
    const choice = i < prefix.length ? prefix[i]! : 0;
    taken.push({ choice, arity });
    return choice;
  };
  const maybeThrow = (): void => {
    if (choose(2) === 1) throw new Error('stub throws');
  };

  interface DoneEvent {
    /** registration order: a direct done's own position, a callback's registration */
    seq: number;
    line: number;
  }
  let state: {
    shutdown: boolean;
    gets: number;
    seq: number;
    dones: DoneEvent[];
    /** seq of the first hand-off, if any */
    handOff: number | null;
    /** the 'drained' listeners registered: when 'drained' comes, each runs */
    drained: (() => void)[];
    /** the worker has settled (returned, thrown, or stopped at the next get) */
    settled: boolean;
    late: number;
    rejectedThen: number[];
    timers: (() => void)[];
    aborted: boolean;
    /** while an errback runs: its registration's seq, and the dones it has run so far */
    callback: { seq: number; sub: number } | null;
    /** while a finishing helper runs: its call's line */
    at: number | null;
  };
  const q = {
    // eslint-disable-next-line @typescript-eslint/require-await -- async like the queue's get(), so await works the same
    async get(): Promise<[string, false] | [undefined, true]> {
      state.gets++;
      if (state.gets > 1) throw new Stop();
      state.shutdown = choose(2) === 1;
      return state.shutdown ? [undefined, true] : ['item', false];
    },
    done(item: string | undefined, line: number | undefined = state.at ?? undefined): void {
      if (item === undefined || line === undefined) return;
      const cb = state.callback;
      if (cb) {
        // in an errback: at its registration, in the order the callback runs them
        if (state.settled) state.late++;
        state.dones.push({ seq: cb.seq + ++cb.sub / 1000, line });
        return;
      }
      state.dones.push({ seq: state.seq++, line });
    },
    /** a callback that marks the item done when (if) it runs, placed at its registration */
    later(line: number): () => void {
      const seq = state.seq++;
      return () => {
        if (state.settled) state.late++;
        state.dones.push({ seq, line });
      };
    },
    /** the line of the finishing helper's call now running (its `queue.done(key)` has no line of its own), or none */
    at(line: number | null): void {
      state.at = line;
    },
    forget(): void {
      maybeThrow();
    },
    callbackDone(): void {},
  };
  /** a real promise with a chosen outcome, whose derived promises never count as unhandled rejections */
  const settledPromise = (line: number): Pick<Promise<void>, 'then' | 'catch' | 'finally'> => {
    const rejected = choose(2) === 1;
    if (rejected) state.rejectedThen.push(line);
    const p = rejected ? Promise.reject(new Error('work rejects')) : Promise.resolve();
    const handled = <T>(d: Promise<T>): Promise<T> => {
      d.catch(() => {}); // deliberately swallowed: the rejection after .then(done) / a detached .finally(done)
      return d;
    };
    return {
      then: (a, b) => handled(p.then(a, b)),
      catch: (b) => handled(p.catch(b)),
      finally: (f) => handled(p.finally(f)),
    };
  };
  /** a Node-style call: never throws, calls back exactly once, asynchronously, with or without an error */
  const errback = (_x: unknown, callback: (err: Error | null) => void): void => {
    const seq = state.seq++;
    const err = choose(2) === 1 ? new Error('the operation failed') : null;
    const later = choose(2) === 1;
    const runIt = (): void => {
      state.callback = { seq, sub: 0 };
      try {
        callback(err);
      } catch {
        // the callback's own exception: its exit, caught by no one of the worker's
      } finally {
        state.callback = null;
      }
    };
    if (later) state.timers.push(runIt);
    else queueMicrotask(runIt);
  };
  const stubs = {
    fetchObject: errback,
    io: { read: errback },
    work: (): Promise<void> => {
      maybeThrow();
      return Promise.resolve();
    },
    $work: (_item: unknown, line: number): Pick<Promise<void>, 'then' | 'catch' | 'finally'> => {
      if (!opts.promisesReject) maybeThrow();
      return settledPromise(line);
    },
    work2: (): void => maybeThrow(),
    check: (): boolean => {
      const c = choose(3);
      if (c === 2) throw new Error('stub throws');
      return c === 1;
    },
    k: (): number => {
      const c = choose(5);
      if (c === 4) throw new Error('stub throws');
      return [1, 2, 3, 99][c]!;
    },
    cond: (): boolean => {
      const c = choose(3);
      if (c === 2) throw new Error('stub throws');
      return c === 1;
    },
    xs: (): number[] => {
      const c = choose(4);
      if (c === 3) throw new Error('stub throws');
      return [[], [1], [1, 2]][c]!;
    },
    setTimeout: v2
      ? (fn: () => void): void => {
          state.timers.push(fn);
        }
      : (): void => maybeThrow(),
    emitter: {
      /** a hand-off to a listener of 'drained', an event that comes after the worker has settled */
      once(_event: string, fn: () => void): void {
        state.handOff ??= state.seq++;
        state.drained.push(fn);
      },
      /** a stream's 'finish' listener: the stream finishes (the listener runs later) or is destroyed first */
      $finish(line: number, fn: () => void): void {
        if (choose(2) === 1) state.rejectedThen.push(line);
        else state.timers.push(fn);
      },
    },
    console: { log(): void {} },
    // Error sinks as Sentry's captureException or an SDK's exceptionLogger hook: they record the error and return.
    captureException: (): void => {},
    hooks: { exceptionLogger(): void {} },
    // A logger as pino's or winston's: the line goes to a transport, and a level method returns.
    logger: { info(): void {} },
    // Each block reads the signal once and its own call answers that read (bodies nest no other abort block).
    signal: {
      get aborted(): boolean {
        state.aborted = choose(2) === 1;
        return state.aborted;
      },
      throwIfAborted(): void {
        if (state.aborted) throw new Error('aborted');
      },
    },
    $loopTest: (i: number): boolean => {
      // iterations 0 and 1 may continue; the third test may only be false or throw
      const c = choose(i < 2 ? 3 : 2);
      if (c === 2 || (i >= 2 && c === 1)) throw new Error('stub throws');
      return i < 2 && c === 1;
    },
  };
  const names = Object.keys(stubs);
  // Running the generated program is the point: it is this test's own output, never user input.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, `${js}\nreturn worker;`) as (...a: unknown[]) => (q: unknown, flag?: boolean) => Promise<void>;
  const worker = factory(...names.map((n) => stubs[n as keyof typeof stubs]));

  let leaks = false;
  let doubleDone = false;
  const ddLines = new Set<number>();
  const rejectionLines = new Set<number>();
  let lateDones = 0;
  let runs = 0;
  for (;;) {
    if (++runs > maxRuns) throw new Error(`execute: more than ${maxRuns} runs`);
    taken = [];
    state = { shutdown: false, gets: 0, seq: 0, dones: [], handOff: null, drained: [], settled: false, late: 0, rejectedThen: [], timers: [], aborted: false, callback: null, at: null };
    try {
      await (flagParam ? worker(q, choose(2) === 1) : worker(q));
    } catch {
      // an exception leaving the worker, or Stop at the next get: either way the iteration is over
    }
    state.settled = true;
    if (v2) {
      // every promise job the worker left behind, then the timers, then what those queue
      for (let i = 0; i < 10; i++) await Promise.resolve();
      for (const fn of state.timers.splice(0)) fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    // 'drained' comes: every listener registered for it runs. Their dones are judged among themselves only (the model
    // judges nothing else after a hand-off): a second one is a double, at its registration.
    const dones = state.dones;
    state.dones = [];
    for (const fn of state.drained) fn();
    const listenerDones = state.gets > 0 ? state.dones.sort((a, b) => a.seq - b.seq) : [];
    state.dones = dones;
    if (listenerDones.length > 1) {
      doubleDone = true;
      for (const d of listenerDones.slice(1)) ddLines.add(d.line);
    }
    lateDones += state.late;
    // (v3) the flag skipped the get: nothing was taken, nothing is judged
    if (state.gets === 0) state.dones = [];
    const handOff = state.handOff;
    const judged = state.dones.filter((d) => handOff === null || d.seq < handOff).sort((a, b) => a.seq - b.seq);
    if (judged.length > 1) {
      doubleDone = true;
      for (const d of judged.slice(1)) ddLines.add(d.line);
    }
    if (state.gets > 0 && !state.shutdown && handOff === null && judged.length === 0) {
      leaks = true;
      for (const l of state.rejectedThen) rejectionLines.add(l);
    }
    // next choice vector: bump the last choice that has an untried alternative
    let i = taken.length - 1;
    while (i >= 0 && taken[i]!.choice + 1 >= taken[i]!.arity) i--;
    if (i < 0) break;
    prefix = [...taken.slice(0, i).map((t) => t.choice), taken[i]!.choice + 1];
  }
  const asc = (xs: Set<number>): number[] => [...xs].sort((a, b) => a - b);
  return { leaks, doubleDone, doubleDoneLines: asc(ddLines), rejectionLeakLines: asc(rejectionLines), lateDones, runs };
}
