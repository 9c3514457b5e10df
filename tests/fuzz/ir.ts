/**
 * A tiny IR for generated work-queue workers, and a printer that lays the IR out as TypeScript
 * source with known line numbers.
 *
 * Two generations of forms (`Forms`): `v1` is the first model (every call may throw, a done in any
 * callback never counts); `v2` (the default) adds the non-throwing calls (`safe`), the callback
 * releases that count (`setTimeout`, `.then` / `.catch` / `.finally` handlers) and the listener
 * hand-off (`emitter.once`); `v3` adds session 13's model: a flag that guards the get and is tested again
 * (`Program.flag`, `ifFlag`, `setFlag`) and a key chosen by `??` (`keyDone`). A program says which model it is judged
 * under (`Program.forms`): the printer's preamble, the oracle's semantics of `setTimeout` / `.then` and the
 * executor's stubs follow it (v3 judges every v2 form as v2 does).
 *
 * The IR is deliberately small: every statement kind maps to exactly one source shape, each simple
 * statement occupies exactly one line, and block statements put their header / separators /
 * closing brace on lines of their own. `layout()` returns the source together with a *located*
 * copy of the tree (same shape, plus `line` / `endLine` on every node) which is what the oracle
 * walks. The oracle never looks at the source text.
 */

/** Extra fields carried by every statement node (nothing for the generated IR, lines once laid out). */
// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- no extra fields at all
type NoLoc = Record<never, never>;

export type StmtOf<X> =
  /** `q.done(item);` — discharges the obligation; not a may-throw point. */
  | ({ kind: 'done' } & X)
  /** `q.forget(item);` — a call (may throw); does NOT discharge. */
  | ({ kind: 'forget' } & X)
  /** `await work(item);` (await: true) or `work2(item);` (await: false) — may throw. */
  | ({ kind: 'work'; await: boolean } & X)
  /**
   * `q.done(item)` inside a callback (see `CallbackVia` for the forms and their meaning per model).
   */
  | ({ kind: 'callback'; via: CallbackVia } & X)
  /**
   * v2 only — a call the model says never throws, with no effect on the item:
   *   console: `console.log(item);`   date: `Date.now();`   note: `note(item);` (a same-file helper
   *   whose body has no throw point, printed in the preamble);  assign: `Object.assign(state, { seen: true });`
   *   find: `KEYS.find((key) => key > 1);`   tally: `tally(item);` (a preamble helper that iterates a const array);
   *   text: `state.label = item.toString();` (a conversion to a string, as a template literal does);
   *   caught: `quiet(item);` (a preamble helper whose only throw point, `JSON.parse`, sits in a `try` whose `catch`
   *   takes it: every item is a non-JSON string, so it really throws there, and is caught);
   *   sink: `captureException(item);` (a function named for an error sink: it records, as a logger does);
   *   sinkCall: tsc's down-levelled optional call of one, `(_a = hooks.exceptionLogger) === null || _a === void 0 ?
   *   void 0 : _a.call(hooks, item);`;  number: `Number(item);`  parse: `parseInt(item, 10);`  float: `parseFloat(item);`
   *   (a conversion that answers `NaN` on text it cannot read);  entries: `for (const [key, value] of
   *   Object.entries(state)) console.log(key, value);` (destructuring an element of `Object.entries`: a new array).
   */
  | ({ kind: 'safe'; via: SafeVia } & X)
  /**
   * v2 only — the item handed to a same-file helper (printed in the preamble) that marks it done on every path, with
   * no throw point before the done: a done at this statement (and a double done where it follows one).
   *   direct: `finish(q, item);`         — `function finish(queue: Q, key: string): void { queue.done(key); }`
   *   object: `settle({ queue: q, key: item });` — the helper destructures its parameter: `function settle({ queue,
   *           key }: …): void { queue.done(key); }`
   *   relay:  `relay(q, item);`          — a helper that passes both on to `finish`: the passing helper's release.
   */
  | ({ kind: 'finish'; via: FinishVia } & X)
  /**
   * v2 only — `if (signal.aborted) { …body…; signal.throwIfAborted(); }`: the test is a property read (no throw
   * point); when the signal is aborted the body runs and the call then always throws (line `throwLine`). Bodies hold
   * no further `abort` block, so the call always answers the test of its own block.
   */
  | ({ kind: 'abort'; body: StmtOf<X>[]; throwLine?: number } & X)
  /**
   * v2 only — a call given a Node completion callback (an errback), written in place as its last argument:
   *   fn:     `fetchObject(item, (err) => {` …body… `});`
   *   method: `io.read(item, (err) => {` …body… `});`
   * The callee never throws and calls the callback exactly once, later (asynchronously, Node's convention), with an
   * error or without one (a fork). The body is a function of its own: `return` leaves the callback, an exception
   * thrown in it leaves the callback (it never reaches the worker, which has moved on), and neither jump nor
   * exception of the worker crosses it. Bodies are synchronous (no `await`), hold no callback forms, no abort block
   * and no further errback, and mark the item done somewhere (`q.done(item);`: a callback that never does hands it
   * on, as the model says of one, and is not generated). `line`: the call; `endLine`: its `});`.
   */
  | ({ kind: 'errback'; via: ErrbackVia; body: StmtOf<X>[] } & X)
  /** `if (err) { … } else { … }` — only inside an errback's body: the callback's error, a parameter read (no throw point). */
  | ({ kind: 'ifErr'; then: StmtOf<X>[]; else: StmtOf<X>[] | null } & X)
  /**
   * v3 only — `if (flag) { … } [else { … }]` (or `if (!flag)`, negated): a test of the worker's flag (`Program.flag`),
   * a variable read (no throw point). The flag has one value per run unless a `setFlag` rewrote it.
   */
  | ({ kind: 'ifFlag'; negated: boolean; then: StmtOf<X>[]; else: StmtOf<X>[] | null } & X)
  /** v3 only — `flag = check(n);`: the flag rewritten (a fresh choice; `check(n)` may throw). Never for a `const` flag. */
  | ({ kind: 'setFlag'; n: number } & X)
  /**
   * v3 only — `{ const key = item ?? '-'; q.done(key); }` (or, `inline`, `q.done(item ?? '-');`): the key chosen by
   * `??` is the item wherever the item is set, so this is a done at this statement (no throw point), as `q.done(item);` is.
   */
  | ({ kind: 'keyDone'; inline?: boolean } & X)
  /** `if (check(n)) { … } else { … }` — `check(n)` may throw; both branches possible. */
  | ({ kind: 'if'; n: number; then: StmtOf<X>[]; else: StmtOf<X>[] | null } & X)
  /** `switch (k()) { case 1: … default: … }` — `k()` may throw; any case (or none without default) may be entered; fall-through is real. */
  | ({ kind: 'switch'; cases: SwitchCaseOf<X>[] } & X)
  /** `try { … } catch (e) { … } finally { … }` — at least one of handler / finalizer. */
  | ({
      kind: 'try';
      block: StmtOf<X>[];
      handler: { param: boolean; body: StmtOf<X>[] } | null;
      finalizer: StmtOf<X>[] | null;
    } & X)
  /** `throw new Error("x");` */
  | ({ kind: 'throw' } & X)
  /** `throw e;` — only inside a `catch (e)` (possibly nested deeper). */
  | ({ kind: 'rethrow' } & X)
  /** `return;` */
  | ({ kind: 'return' } & X)
  /** `break;` / `break label;` (bare break targets the innermost loop OR switch). */
  | ({ kind: 'break'; label: string | null } & X)
  /** `continue;` / `continue label;` (bare continue targets the innermost loop). */
  | ({ kind: 'continue'; label: string | null } & X)
  /**
   * An inner loop: `label: for (const x of xs()) { … }` (forOf, `xs()` may throw once) or
   * `label: while (check(n)) { … }` (while, the test may throw on every evaluation).
   */
  | ({ kind: 'loop'; loop: 'forOf' | 'while'; n: number; label: string | null; body: StmtOf<X>[] } & X);

/**
 * The callback forms. v1 forms: `setTimeout`, `then`, `forEach`; the others are v2 only.
 *
 *   setTimeout:   `setTimeout(() => q.done(item), 0);`
 *                 v1: the call may throw, the done never counts.
 *                 v2: never throws; the timer runs exactly once, later: a done at this point.
 *   then:         `work(item).then(() => q.done(item));`
 *                 v1: may throw, the done never counts.
 *                 v2: `work(item)` may throw (sync); else fulfilled → a done here, rejected → still owed,
 *                 and owed at an exit means a leak reported at this line (`rejection`).
 *   thenBoth:     `work(item).then(() => q.done(item), () => q.done(item));` — may throw; else a done.
 *   catch:        `work(item).catch(() => q.done(item));` — may throw; else rejected → a done, fulfilled → owed.
 *   finally:      `work(item).finally(() => q.done(item));` — may throw; else a done (the rejection after it is unhandled).
 *   voidFinally:  `void work(item).finally(() => q.done(item));` — the same.
 *   awaitFinally: `await work(item).finally(() => q.done(item));` — may throw; else a done, then the await
 *                 throws on the rejected outcome (a throw point after the done).
 *   once:         `emitter.once('drained', () => q.done(item));` — a hand-off: never throws, and from here on
 *                 nothing is judged for the item on this path (no leak, no double) but another `'drained'`
 *                 listener: both run when 'drained' comes, a double done at the second registration.
 *   finish:       `emitter.once('finish', () => q.done(item));` — never throws; a stream's 'finish': it
 *                 finishes → a done here (it runs later), it is destroyed first ('close', never 'finish')
 *                 → still owed, and owed at an exit means a leak reported at this line (`unfinished`).
 *   removed:      `{ const end = (() => q.done(item)); emitter.once('end', end); emitter.once('close', () =>
 *                 emitter.removeListener('end', end)); }` — never throws; as `finish`: 'end' comes → a done here (it
 *                 runs later), 'close' comes first → its listener removes `end`, still owed (`unfinished` here).
 *   forEach:      `xs().forEach(() => q.done(item));` — may throw; the done never counts (both models).
 */
export type CallbackVia =
  | 'setTimeout'
  | 'then'
  | 'forEach'
  | 'thenBoth'
  | 'catch'
  | 'finally'
  | 'voidFinally'
  | 'awaitFinally'
  | 'once'
  | 'finish'
  | 'removed';
export const CALLBACKS_V1: readonly CallbackVia[] = ['setTimeout', 'then', 'forEach'];
export const CALLBACKS_V2: readonly CallbackVia[] = [
  'setTimeout',
  'then',
  'forEach',
  'thenBoth',
  'catch',
  'finally',
  'voidFinally',
  'awaitFinally',
  'once',
  'finish',
  'removed',
];

/** The callee of an errback call (see `errback`). */
export type ErrbackVia = 'fn' | 'method';

export type SafeVia =
  | 'console'
  | 'date'
  | 'note'
  | 'assign'
  | 'find'
  | 'tally'
  | 'text'
  | 'slot'
  | 'logger'
  | 'caught'
  | 'sink'
  | 'sinkCall'
  | 'number'
  | 'parse'
  | 'float'
  | 'entries';
export const SAFE_VIAS: readonly SafeVia[] = [
  'console',
  'date',
  'note',
  'assign',
  'find',
  'tally',
  'text',
  'slot',
  'logger',
  'caught',
  'sink',
  'sinkCall',
  'number',
  'parse',
  'float',
  'entries',
];

/** The same-file finishing helpers (see `finish`). */
export type FinishVia = 'direct' | 'object' | 'relay';
export const FINISH_VIAS: readonly FinishVia[] = ['direct', 'object', 'relay'];

/** Which model a program is generated for and judged under (see the file comment); absent = `v2`. */
export type Forms = 'v1' | 'v2' | 'v3';

export const formsOf = (p: { forms?: Forms }): Forms => p.forms ?? 'v2';

/** The model has the v2 forms (v2 and every later level). */
export const hasV2Forms = (forms: Forms): boolean => forms !== 'v1';

/**
 * v3 — the worker's flag, tested around the get and again by `ifFlag` statements:
 *   param: `export async function worker(q: Q, flag: boolean)` (the caller's choice);
 *   const: `const flag = check(0);`   let: `let flag = check(0);` (first statement of the worker; `check` may throw).
 * The get becomes `let item…; let shutdown…; if (flag) { [item, shutdown] = await q.get(); }` (`if (!flag)` when
 * `negated`): where the test fails nothing is taken, `item` and `shutdown` stay `undefined`. No worker loop (a run
 * whose flag skips the get would spin in it).
 */
export interface Flag {
  decl: 'param' | 'const' | 'let';
  negated: boolean;
  /**
   * (param / let) `flag = check(n);` right after its declaration, before the test around the get: the flag is
   * written twice, but settled from that test on, so the correlation still applies (`check(n)` may throw there).
   */
  settledBy?: number;
}

/** `test: null` is `default:`. Case bodies fall through unless they end in a jump (the generator appends `break;`). */
export interface SwitchCaseOf<X> {
  test: number | null;
  body: StmtOf<X>[];
  /** line of the `case N:` / `default:` label (only in located trees) */
  line?: number;
}

export type Stmt = StmtOf<NoLoc>;
export type SwitchCase = SwitchCaseOf<NoLoc>;

/** How the worker deals with `shutdown` right after the get. */
export type Header =
  /** no shutdown check at all */
  | { kind: 'none' }
  /** `if (shutdown) <exit>;` or, with `or: n`, `if (shutdown || check(n)) <exit>;` */
  | { kind: 'if'; or: number | null; exit: 'return' | 'break' | 'continue' }
  /** `if (!shutdown) { …body… }` — the body is nested inside */
  | { kind: 'ifNot' };

export interface WorkerLoop {
  kind: 'for' | 'while' | 'doWhile';
  /** `outer:` when set */
  label: string | null;
}

export interface ProgramOf<X> {
  /** the model (absent: `v2`) */
  forms?: Forms;
  /** v3: the flag that guards the get (absent: the get is unconditional) */
  flag?: Flag;
  /** `inline`: declare `interface Q` in the file; `import`: `import type { Queue as Q } from './queue-types.js'` */
  preamble: 'inline' | 'import';
  /** `null`: the get is straight-line code in the worker; otherwise the get is the first statement of this loop's body */
  workerLoop: WorkerLoop | null;
  header: Header;
  body: StmtOf<X>[];
}

export type Program = ProgramOf<NoLoc>;

export interface Loc {
  /** 1-based line of the statement (the header line for block statements) */
  line: number;
  /** 1-based line of the closing `}` for block statements, = line otherwise */
  endLine: number;
}

export type LStmt = StmtOf<Loc>;
export type LSwitchCase = SwitchCaseOf<Loc>;

export interface LProgram extends ProgramOf<Loc> {
  /** line of `const [item, shutdown] = await q.get();` (with a flag: `[item, shutdown] = await q.get();`) */
  getLine: number;
  /** with a `const` / `let` flag: the line of its declaration (`check(0)` may throw there); otherwise null */
  flagLine: number | null;
  /** with a settled flag (`Flag.settledBy`): the line of `flag = check(n);` before the get's test; otherwise null */
  settleLine: number | null;
  /** line of the shutdown check (`if (shutdown) …` / `if (!shutdown) {`), or null for header 'none' */
  headerLine: number | null;
  /** line of the `}` closing `if (!shutdown) {` */
  headerEndLine: number | null;
  /** worker loop header line (`for (;;) {`, `do {`) */
  loopLine: number | null;
  /** line of the worker loop's closing `}` (or `} while (cond());`) — the iteration-end / loop test line */
  loopEndLine: number | null;
  /** line of the worker function's closing `}` — the fall-off-end line */
  fnEndLine: number;
}

export const QUEUE_TYPES_SOURCE = `export interface Queue {
  get(): Promise<[item: string, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: string): void;
  forget(item: string): void;
}
`;

const PREAMBLE_INLINE = [
  'interface Q {',
  '  get(): Promise<[item: string, shutdown: false] | [item: undefined, shutdown: true]>;',
  '  done(item: string): void;',
  '  forget(item: string): void;',
  '}',
];
const PREAMBLE_IMPORT = ["import type { Queue as Q } from './queue-types.js';"];
const DECLS = [
  'declare function work(x: unknown): Promise<void>;',
  'declare function work2(x: unknown): void;',
  'declare function check(n: number): boolean;',
  'declare function k(): number;',
  'declare const cond: () => boolean;',
  'declare function xs(): number[];',
  '',
];
/** v2: the emitter of the hand-off form and the same-file helper without a throw point */
const DECLS_V2 = [
  ...DECLS.slice(0, -1),
  'declare const emitter: { once(event: string, fn: () => void): void; removeListener(event: string, fn: () => void): void };',
  'function note(x: unknown): void { console.log(x); }',
  'const KEYS = [1, 2];',
  'const state: Record<string, unknown> = {};',
  'function tally(x: unknown): void { for (const key of KEYS) console.log(key, x); }',
  "const SLOT = Symbol('slot');",
  'const slots: Record<symbol, unknown[]> = { [SLOT]: [] };',
  'declare const signal: AbortSignal;',
  'declare const logger: { info(...args: unknown[]): void };',
  'function quiet(x: string): unknown { try { return JSON.parse(x); } catch { return null; } }',
  'declare function fetchObject(x: unknown, callback: (err: Error | null) => void): void;',
  'declare const io: { read(x: unknown, callback: (err: Error | null) => void): void };',
  // Error sinks, called directly and as tsc down-levels `hooks.exceptionLogger?.(item)` (its temporary is `_a`).
  'declare function captureException(error: unknown): void;',
  'declare const hooks: { exceptionLogger?: (error: unknown) => void };',
  'let _a: ((error: unknown) => void) | undefined;',
  // Helpers that take the item over and mark it done (their own names, so no preamble line reads `q.done(item);`).
  'function finish(queue: Q, key: string): void { queue.done(key); }',
  'function settle({ queue, key }: { queue: Q; key: string }): void { queue.done(key); }',
  'function relay(queue: Q, key: string): void { finish(queue, key); }',
  '',
];
const ERRBACK_TEXT: Record<ErrbackVia, string> = {
  fn: 'fetchObject(item, (err) => {',
  method: 'io.read(item, (err) => {',
};

const CALLBACK_TEXT: Record<CallbackVia, string> = {
  setTimeout: 'setTimeout(() => q.done(item), 0);',
  then: 'work(item).then(() => q.done(item));',
  forEach: 'xs().forEach(() => q.done(item));',
  thenBoth: 'work(item).then(() => q.done(item), () => q.done(item));',
  catch: 'work(item).catch(() => q.done(item));',
  finally: 'work(item).finally(() => q.done(item));',
  voidFinally: 'void work(item).finally(() => q.done(item));',
  awaitFinally: 'await work(item).finally(() => q.done(item));',
  once: "emitter.once('drained', () => q.done(item));",
  finish: "emitter.once('finish', () => q.done(item));",
  // The parentheses keep the executor's numbering of direct `q.done(item);` calls off this closure.
  removed: "{ const end = (() => q.done(item)); emitter.once('end', end); emitter.once('close', () => emitter.removeListener('end', end)); }",
};
const SAFE_TEXT: Record<SafeVia, string> = {
  console: 'console.log(item);',
  date: 'Date.now();',
  note: 'note(item);',
  // Property writes only; an array method given a function that cannot throw; a helper iterating a const array.
  assign: 'Object.assign(state, { seen: true });',
  find: 'KEYS.find((key) => key > 1);',
  tally: 'tally(item);',
  text: 'state.label = item.toString();',
  // A slot this file fills only with arrays: an array's push (of no resource: pushing the item would hand it on).
  slot: 'slots[SLOT].push(0);',
  // A logger's level method, given the item (a work-queue item is data: logging it hands nothing on).
  logger: "logger.info('processing', item);",
  // A same-file helper whose JSON.parse throws for the item and is caught there.
  caught: 'quiet(item);',
  sink: 'captureException(item);',
  sinkCall: '(_a = hooks.exceptionLogger) === null || _a === void 0 ? void 0 : _a.call(hooks, item);',
  number: 'Number(item);',
  parse: 'parseInt(item, 10);',
  float: 'parseFloat(item);',
  entries: 'for (const [key, value] of Object.entries(state)) console.log(key, value);',
};
const FINISH_TEXT: Record<FinishVia, string> = {
  direct: 'finish(q, item);',
  object: 'settle({ queue: q, key: item });',
  relay: 'relay(q, item);',
};

export interface Layout {
  source: string;
  program: LProgram;
}

/** Print a program; returns the source and the located tree. */
export function layout(p: Program): Layout {
  const out: string[] = [];
  const emit = (indent: number, text: string): number => {
    out.push('  '.repeat(indent) + text);
    return out.length; // 1-based line of what we just emitted
  };

  for (const l of p.preamble === 'inline' ? PREAMBLE_INLINE : PREAMBLE_IMPORT) emit(0, l);
  const forms = formsOf(p);
  const v2 = hasV2Forms(forms);
  const flag = p.flag;
  if (flag && forms !== 'v3') throw new Error('layout: a flag needs forms v3');
  if (flag && p.workerLoop) throw new Error('layout: a flag program has no worker loop');
  for (const l of v2 ? DECLS_V2 : DECLS) emit(0, l);
  emit(0, `export async function worker(q: Q${flag?.decl === 'param' ? ', flag: boolean' : ''}): Promise<void> {`);

  let ind = 1;
  let loopLine: number | null = null;
  const wl = p.workerLoop;
  if (wl) {
    const lbl = wl.label ? `${wl.label}: ` : '';
    loopLine = emit(ind, wl.kind === 'for' ? `${lbl}for (;;) {` : wl.kind === 'while' ? `${lbl}while (true) {` : `${lbl}do {`);
    ind++;
  }
  let flagLine: number | null = null;
  let settleLine: number | null = null;
  let getLine: number;
  if (flag) {
    if (flag.decl !== 'param') flagLine = emit(ind, `${flag.decl} flag = check(0);`);
    if (flag.settledBy !== undefined) {
      if (flag.decl === 'const') throw new Error('layout: a settled flag needs a param or let flag');
      settleLine = emit(ind, `flag = check(${flag.settledBy});`);
    }
    emit(ind, 'let item: string | undefined;');
    emit(ind, 'let shutdown: boolean | undefined;');
    emit(ind, flag.negated ? 'if (!flag) {' : 'if (flag) {');
    getLine = emit(ind + 1, '[item, shutdown] = await q.get();');
    emit(ind, '}');
  } else {
    getLine = emit(ind, 'const [item, shutdown] = await q.get();');
  }
  let headerLine: number | null = null;
  let headerEndLine: number | null = null;
  let body: LStmt[];
  const h = p.header;
  if (h.kind === 'if') {
    const test = h.or === null ? 'shutdown' : `shutdown || check(${h.or})`;
    headerLine = emit(ind, `if (${test}) ${h.exit};`);
    body = printList(p.body, ind);
  } else if (h.kind === 'ifNot') {
    headerLine = emit(ind, 'if (!shutdown) {');
    body = printList(p.body, ind + 1);
    headerEndLine = emit(ind, '}');
  } else {
    body = printList(p.body, ind);
  }
  let loopEndLine: number | null = null;
  if (wl) {
    ind--;
    loopEndLine = emit(ind, wl.kind === 'doWhile' ? '} while (cond());' : '}');
  }
  const fnEndLine = emit(0, '}');

  return {
    source: out.join('\n') + '\n',
    program: { ...p, body, getLine, flagLine, settleLine, headerLine, headerEndLine, loopLine, loopEndLine, fnEndLine },
  };

  /** `header {` then-branch `} else {` else-branch `}`: the lines and the laid-out branches of an `if`. */
  function printIf(header: string, then: Stmt[], otherwise: Stmt[] | null | undefined, indent: number) {
    const line = emit(indent, `${header} {`);
    const thenOut = printList(then, indent + 1);
    let elseOut: LStmt[] | null = null;
    if (otherwise) {
      emit(indent, '} else {');
      elseOut = printList(otherwise, indent + 1);
    }
    const endLine = emit(indent, '}');
    return { then: thenOut, else: elseOut, line, endLine };
  }
  function printList(list: Stmt[], indent: number): LStmt[] {
    return list.map((s) => printStmt(s, indent));
  }

  function printStmt(s: Stmt, indent: number): LStmt {
    const simple = (text: string): Loc => {
      const line = emit(indent, text);
      return { line, endLine: line };
    };
    switch (s.kind) {
      case 'done':
        return { ...s, ...simple('q.done(item);') };
      case 'forget':
        return { ...s, ...simple('q.forget(item);') };
      case 'work':
        return { ...s, ...simple(s.await ? 'await work(item);' : 'work2(item);') };
      case 'callback':
        if (!v2 && !CALLBACKS_V1.includes(s.via)) throw new Error(`layout: callback form ${s.via} needs forms v2`);
        return { ...s, ...simple(CALLBACK_TEXT[s.via]) };
      case 'safe':
        if (!v2) throw new Error('layout: safe statements need forms v2');
        return { ...s, ...simple(SAFE_TEXT[s.via]) };
      case 'finish':
        if (!v2) throw new Error('layout: finishing helpers need forms v2');
        return { ...s, ...simple(FINISH_TEXT[s.via]) };
      case 'keyDone':
        if (forms !== 'v3') throw new Error('layout: a key chosen by ?? needs forms v3');
        return { ...s, ...simple(s.inline ? "q.done(item ?? '-');" : "{ const key = item ?? '-'; q.done(key); }") };
      case 'setFlag':
        if (!flag || flag.decl === 'const') throw new Error('layout: flag = … needs a param or let flag');
        return { ...s, ...simple(`flag = check(${s.n});`) };
      case 'ifFlag': {
        if (!flag) throw new Error('layout: if (flag) needs a flag');
        return { kind: 'ifFlag', negated: s.negated, ...printIf(s.negated ? 'if (!flag)' : 'if (flag)', s.then, s.else, indent) };
      }
      case 'throw':
        return { ...s, ...simple('throw new Error("x");') };
      case 'rethrow':
        return { ...s, ...simple('throw e;') };
      case 'return':
        return { ...s, ...simple('return;') };
      case 'break':
        return { ...s, ...simple(s.label ? `break ${s.label};` : 'break;') };
      case 'continue':
        return { ...s, ...simple(s.label ? `continue ${s.label};` : 'continue;') };
      case 'abort': {
        if (!v2) throw new Error('layout: abort blocks need forms v2');
        const line = emit(indent, 'if (signal.aborted) {');
        const body = printList(s.body, indent + 1);
        const throwLine = emit(indent + 1, 'signal.throwIfAborted();');
        const endLine = emit(indent, '}');
        return { kind: 'abort', body, throwLine, line, endLine };
      }
      case 'errback': {
        if (!v2) throw new Error('layout: errbacks need forms v2');
        const line = emit(indent, ERRBACK_TEXT[s.via]);
        const body = printList(s.body, indent + 1);
        const endLine = emit(indent, '});');
        return { kind: 'errback', via: s.via, body, line, endLine };
      }
      case 'ifErr': {
        return { kind: 'ifErr', ...printIf('if (err)', s.then, s.else, indent) };
      }
      case 'if': {
        return { kind: 'if', n: s.n, ...printIf(`if (check(${s.n}))`, s.then, s.else, indent) };
      }
      case 'switch': {
        const line = emit(indent, 'switch (k()) {');
        const cases: LSwitchCase[] = s.cases.map((c) => {
          const cl = emit(indent + 1, c.test === null ? 'default:' : `case ${c.test}:`);
          return { test: c.test, body: printList(c.body, indent + 2), line: cl };
        });
        const endLine = emit(indent, '}');
        return { kind: 'switch', cases, line, endLine };
      }
      case 'try': {
        const line = emit(indent, 'try {');
        const block = printList(s.block, indent + 1);
        let handler: { param: boolean; body: LStmt[] } | null = null;
        if (s.handler) {
          emit(indent, s.handler.param ? '} catch (e) {' : '} catch {');
          handler = { param: s.handler.param, body: printList(s.handler.body, indent + 1) };
        }
        let finalizer: LStmt[] | null = null;
        if (s.finalizer) {
          emit(indent, '} finally {');
          finalizer = printList(s.finalizer, indent + 1);
        }
        const endLine = emit(indent, '}');
        return { kind: 'try', block, handler, finalizer, line, endLine };
      }
      case 'loop': {
        const lbl = s.label ? `${s.label}: ` : '';
        const line = emit(indent, s.loop === 'forOf' ? `${lbl}for (const x of xs()) {` : `${lbl}while (check(${s.n})) {`);
        const body = printList(s.body, indent + 1);
        const endLine = emit(indent, '}');
        return { kind: 'loop', loop: s.loop, n: s.n, label: s.label, body, line, endLine };
      }
    }
  }
}

export function print(p: Program): string {
  return layout(p).source;
}

// ---------------------------------------------------------------------------------------------
// Builders for hand-written programs (tests) — terse and readable.

export const b = {
  done: (): Stmt => ({ kind: 'done' }),
  forget: (): Stmt => ({ kind: 'forget' }),
  work: (): Stmt => ({ kind: 'work', await: true }),
  work2: (): Stmt => ({ kind: 'work', await: false }),
  cb: (via: CallbackVia = 'setTimeout'): Stmt => ({ kind: 'callback', via }),
  /** v2: `console.log(item);` / `Date.now();` / `note(item);` */
  safe: (via: SafeVia = 'console'): Stmt => ({ kind: 'safe', via }),
  /** v2: `emitter.once('drained', () => q.done(item));` */
  handOff: (): Stmt => ({ kind: 'callback', via: 'once' }),
  /** v2: `finish(q, item);` / `settle({ queue: q, key: item });` / `relay(q, item);` — a helper that marks it done */
  finish: (via: FinishVia = 'direct'): Stmt => ({ kind: 'finish', via }),
  if: (n: number, then: Stmt[], els: Stmt[] | null = null): Stmt => ({ kind: 'if', n, then, else: els }),
  /** v3: `if (flag) { … } [else { … }]` (`if (!flag)` with negated) */
  ifFlag: (then: Stmt[], els: Stmt[] | null = null, negated = false): Stmt => ({ kind: 'ifFlag', negated, then, else: els }),
  /** v3: `flag = check(n);` */
  setFlag: (n = 1): Stmt => ({ kind: 'setFlag', n }),
  /** v3: `{ const key = item ?? '-'; q.done(key); }`, or `q.done(item ?? '-');` inline */
  keyDone: (inline = false): Stmt => ({ kind: 'keyDone', ...(inline ? { inline } : {}) }),
  /** v2: `if (signal.aborted) { …body…; signal.throwIfAborted(); }` */
  abort: (body: Stmt[] = []): Stmt => ({ kind: 'abort', body }),
  /** v2: `fetchObject(item, (err) => { …body… });` (or `io.read(…)` with via 'method') */
  errback: (body: Stmt[], via: ErrbackVia = 'fn'): Stmt => ({ kind: 'errback', via, body }),
  /** inside an errback's body: `if (err) { … } [else { … }]` */
  ifErr: (then: Stmt[], els: Stmt[] | null = null): Stmt => ({ kind: 'ifErr', then, else: els }),
  switch: (...cases: [number | null, Stmt[]][]): Stmt => ({
    kind: 'switch',
    cases: cases.map(([test, body]) => ({ test, body })),
  }),
  tryCatch: (block: Stmt[], handler: Stmt[], param = true): Stmt => ({
    kind: 'try',
    block,
    handler: { param, body: handler },
    finalizer: null,
  }),
  tryFinally: (block: Stmt[], finalizer: Stmt[]): Stmt => ({ kind: 'try', block, handler: null, finalizer }),
  tryCatchFinally: (block: Stmt[], handler: Stmt[], finalizer: Stmt[], param = false): Stmt => ({
    kind: 'try',
    block,
    handler: { param, body: handler },
    finalizer,
  }),
  throw: (): Stmt => ({ kind: 'throw' }),
  rethrow: (): Stmt => ({ kind: 'rethrow' }),
  return: (): Stmt => ({ kind: 'return' }),
  break: (label: string | null = null): Stmt => ({ kind: 'break', label }),
  continue: (label: string | null = null): Stmt => ({ kind: 'continue', label }),
  forOf: (body: Stmt[], label: string | null = null): Stmt => ({ kind: 'loop', loop: 'forOf', n: 0, label, body }),
  while: (n: number, body: Stmt[], label: string | null = null): Stmt => ({ kind: 'loop', loop: 'while', n, label, body }),
};

export function program(body: Stmt[], opts: Partial<Omit<Program, 'body'>> = {}): Program {
  return {
    ...(opts.forms ? { forms: opts.forms } : {}),
    ...(opts.flag ? { flag: opts.flag } : {}),
    preamble: opts.preamble ?? 'inline',
    workerLoop: opts.workerLoop ?? null,
    header: opts.header ?? { kind: 'if', or: null, exit: 'return' },
    body,
  };
}

/** Count statements (for size limits / stats). */
export function countStmts(list: readonly Stmt[]): number {
  let n = 0;
  for (const s of list) {
    n++;
    if (s.kind === 'if' || s.kind === 'ifErr' || s.kind === 'ifFlag') n += countStmts(s.then) + (s.else ? countStmts(s.else) : 0);
    else if (s.kind === 'switch') for (const c of s.cases) n += countStmts(c.body);
    else if (s.kind === 'try') n += countStmts(s.block) + (s.handler ? countStmts(s.handler.body) : 0) + (s.finalizer ? countStmts(s.finalizer) : 0);
    else if (s.kind === 'loop' || s.kind === 'abort' || s.kind === 'errback') n += countStmts(s.body);
  }
  return n;
}
