/**
 * A second, independent judge used only to validate the oracle: run the generated program for
 * real (TypeScript → JavaScript → the JS engine) with stub functions that follow a choice vector,
 * and enumerate every choice vector depth-first. Completion semantics (finally, labels, switch
 * fall-through, rethrow, …) then come from the engine itself rather than from the oracle's
 * interpreter.
 *
 * The source is adapted textually for execution, preserving semantics under the contract:
 *  - `() => q.done(item)` callbacks call a no-op (a done in a callback never counts);
 *  - `while (check(n)) {` becomes `for (let $i = 0; $loopTest($i++); ) {` so the stub knows the
 *    iteration number (≤ 2 iterations, like the oracle);
 *  - the second `q.get()` (next worker-loop iteration) ends the run: "iteration end";
 *  - each direct `q.done(item);` passes its own line number, so double dones are located.
 */
import ts from 'typescript';

export interface ExecResult {
  leaks: boolean;
  doubleDone: boolean;
  /** lines of the `q.done(item)` calls that ran as a second (or later) done in some run, ascending */
  doubleDoneLines: number[];
  runs: number;
}

/** Thrown to end a run at the next `get()`: one iteration of the worker loop is all the oracle judges. */
class Stop extends Error {}

export async function executeAll(source: string, maxRuns = 200_000): Promise<ExecResult> {
  const adapted = source
    .replace(/\(\) => q\.done\(item\)/g, '() => q.callbackDone(item)')
    .replace(/while \(check\(\d+\)\) \{/g, 'for (let $i = 0; $loopTest($i++); ) {')
    .split('\n')
    .map((l, i) => l.replace('q.done(item);', `q.done(item, ${i + 1});`))
    .join('\n');
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

  let state: { shutdown: boolean; done: number; gets: number; leakAtIterationEnd: boolean };
  const q = {
    // eslint-disable-next-line @typescript-eslint/require-await -- async like the queue's get(), so await works the same
    async get(): Promise<[string, false] | [undefined, true]> {
      state.gets++;
      if (state.gets > 1) {
        state.leakAtIterationEnd = !state.shutdown && state.done === 0;
        throw new Stop();
      }
      state.shutdown = choose(2) === 1;
      return state.shutdown ? [undefined, true] : ['item', false];
    },
    done(item: string | undefined, line?: number): void {
      if (item === undefined) return;
      if (state.done > 0 && line !== undefined) ddLines.add(line);
      state.done++;
    },
    forget(): void {
      maybeThrow();
    },
    callbackDone(): void {},
  };
  const stubs = {
    work: (): Promise<void> => {
      maybeThrow();
      return Promise.resolve();
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
    setTimeout: (): void => maybeThrow(),
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
  const factory = new Function(...names, `${js}\nreturn worker;`) as (...a: unknown[]) => (q: unknown) => Promise<void>;
  const worker = factory(...names.map((n) => stubs[n as keyof typeof stubs]));

  let leaks = false;
  let doubleDone = false;
  const ddLines = new Set<number>();
  let runs = 0;
  for (;;) {
    if (++runs > maxRuns) throw new Error(`execute: more than ${maxRuns} runs`);
    taken = [];
    state = { shutdown: false, done: 0, gets: 0, leakAtIterationEnd: false };
    let stopped = false;
    try {
      await worker(q);
    } catch (e) {
      if (e instanceof Stop) stopped = true;
    }
    if (state.done > 1) doubleDone = true;
    if (stopped ? state.leakAtIterationEnd : !state.shutdown && state.done === 0) leaks = true;
    // next choice vector: bump the last choice that has an untried alternative
    let i = taken.length - 1;
    while (i >= 0 && taken[i]!.choice + 1 >= taken[i]!.arity) i--;
    if (i < 0) break;
    prefix = [...taken.slice(0, i).map((t) => t.choice), taken[i]!.choice + 1];
  }
  return { leaks, doubleDone, doubleDoneLines: [...ddLines].sort((a, b) => a - b), runs };
}
