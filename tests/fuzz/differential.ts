/**
 * Differential fuzzing: generated workers (./generator.ts) are judged by the path-enumerating
 * oracle (./oracle.ts) and by two ESLint rules, linted together in one pass over the same program:
 *
 *  - leak dimension:   "can the item leak?"        oracle `leaks`      vs `workqueue/require-done` reported
 *  - double dimension: "can a done run twice?"     oracle `doubleDone` vs `workqueue/no-double-done` reported
 *
 * Any disagreement is reported with the program, the oracle's path (leaking path / double-done
 * path), the rules' messages, and fast-check's shrunk counterexample (one per dimension).
 *
 * Report lines are compared too, as hints (not disagreements): the leak reports against the oracle's
 * `reportLines` (every explicit leaking exit, else the first implicit one), the double-done reports
 * against its `doubleDoneLines`. `gen.forms` picks the model (`v1` / `v2` / `v3`, see ./ir.ts).
 *
 * The linter is injected (`lint`), so this module works with stand-in linters;
 * `createWorkqueueLinter()` / `lintWithRules()` build the real one on ESLint's `Linter`.
 */
import fc from 'fast-check';
import ts from 'typescript';
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { programArb, type GenOptions } from './generator.js';
import { layout, QUEUE_TYPES_SOURCE, type Program } from './ir.js';
import { analyze, type LeakExit, type OracleResult } from './oracle.js';

export const RULE_ID = 'workqueue/require-done';
export const DOUBLE_RULE_ID = 'workqueue/no-double-done';
/** the rules every fuzz case is linted with (plugin rule names, without the `workqueue/` prefix) */
export const FUZZED_RULES = ['require-done', 'no-double-done'] as const;
export type FuzzedRule = (typeof FUZZED_RULES)[number];

export interface LintMessage {
  line: number;
  messageId: string;
  message?: string;
  /** `workqueue/require-done` / `workqueue/no-double-done`; stand-in linters may leave it out */
  ruleId?: string;
}

/** lint one generated file; return the messages of the fuzzed rules (and only those) */
export type LintFn = (source: string) => LintMessage[] | Promise<LintMessage[]>;

/** the two verdicts compared per program */
export type Dimension = 'leak' | 'double';
export const DIMENSIONS: readonly Dimension[] = ['leak', 'double'];

export interface DifferentialOptions {
  numRuns: number;
  seed: number;
  /** `null`: no linter — oracle statistics only (the rules are taken to agree) */
  lint: LintFn | null;
  /** which messages mean "the item can leak" (default `defaultIsLeakMessage`) */
  isLeakMessage?: (m: LintMessage) => boolean;
  /** which messages mean "a done can run twice" (default `defaultIsDoubleMessage`) */
  isDoubleMessage?: (m: LintMessage) => boolean;
  gen?: GenOptions;
  /** cap on the number of disagreements kept in the report, per dimension (all are counted); default 50 */
  keep?: number;
  /** skip shrinking (default false) */
  noShrink?: boolean;
  /** the linter is typed: the oracle takes a promise-typed call to reject, never to throw (see OracleOptions) */
  typed?: boolean;
}

export type DisagreementKind = 'missed-leak' | 'false-positive' | 'missed-double-done' | 'false-double-done';

export interface Disagreement {
  dimension: Dimension;
  kind: DisagreementKind;
  /** 0-based index of the run in the fast-check sequence for (seed, numRuns) */
  run: number;
  source: string;
  program: Program;
  oracle: Pick<
    OracleResult,
    'leaks' | 'exit' | 'leakExits' | 'reportLines' | 'doubleDone' | 'doubleDoneLine' | 'doubleDonePath' | 'doubleDoneLines'
  >;
  /** the messages of both rules */
  messages: LintMessage[];
  /** for a shrunk counterexample: how many shrink steps fast-check took */
  shrinks?: number;
}

/**
 * both say "double done", but the rule's report lines differ from the oracle's `doubleDoneLines`; or both say
 * "leak", but the rule's report lines differ from the oracle's `reportLines` (not a disagreement)
 */
export interface LineMismatch {
  run: number;
  source: string;
  oracleLines: number[];
  ruleLines: number[];
}

export interface DifferentialReport {
  seed: number;
  numRuns: number;
  checked: number;
  // -- leak dimension (workqueue/require-done)
  oracleLeaks: number;
  oracleSafe: number;
  /** runs where the rule and the oracle both say "leak" */
  bothLeak: number;
  /** … and the rule reported on one of the oracle's leaking exit lines */
  bothLeakSameLine: number;
  /**
   * … and the rule's report lines are exactly the oracle's `reportLines` (every explicit leaking exit — return,
   * break, continue, throw statement, iteration end, function end, rejection — or, when there is none, the first
   * implicit one)
   */
  bothLeakSameLines: number;
  /** the other `bothLeak` runs (at most `keep` kept): worth a look, not a disagreement */
  leakLineMismatches: LineMismatch[];
  missedLeaks: number;
  falsePositives: number;
  leakDisagreements: number;
  // -- double dimension (workqueue/no-double-done)
  oracleDoubleDone: number;
  oracleNoDoubleDone: number;
  /** runs where the rule and the oracle both say "double done" */
  bothDouble: number;
  /** … and the rule's report lines are exactly the oracle's `doubleDoneLines` */
  bothDoubleSameLines: number;
  /** the other `bothDouble` runs (at most `keep` kept): a hint, since a wrong line can be a wrong verdict elsewhere */
  doubleLineMismatches: LineMismatch[];
  missedDoubleDones: number;
  falseDoubleDones: number;
  doubleDisagreements: number;
  /** oracle cross-tab: leaking and double-done at once */
  oracleLeakAndDouble: number;
  // -- both
  /** kept disagreements, at most `keep` per dimension, in run order */
  disagreements: Disagreement[];
  /** all disagreements, both dimensions (a case disagreeing on both counts twice) */
  disagreementCount: number;
  /** cases with at least one disagreement */
  disagreeingCases: number;
  /** fast-check's shrunk counterexample for the first disagreement of each dimension */
  counterexample: Record<Dimension, Disagreement | null>;
  ms: number;
  oracleMs: number;
  lintMs: number;
}

const ruleOf = (m: LintMessage, id: string): boolean | undefined => (m.ruleId === undefined ? undefined : m.ruleId === id);

/** `workqueue/require-done`'s messages; without a ruleId, every messageId not mentioning "double" */
export const defaultIsLeakMessage = (m: LintMessage): boolean => ruleOf(m, RULE_ID) ?? !/double/i.test(m.messageId);
/** `workqueue/no-double-done`'s messages; without a ruleId, every messageId mentioning "double" */
export const defaultIsDoubleMessage = (m: LintMessage): boolean => ruleOf(m, DOUBLE_RULE_ID) ?? /double/i.test(m.messageId);

interface Judged {
  source: string;
  oracle: OracleResult;
  messages: LintMessage[];
  rule: Record<Dimension, boolean>;
  oracleMs: number;
  lintMs: number;
}

interface Classifiers {
  isLeak: (m: LintMessage) => boolean;
  isDouble: (m: LintMessage) => boolean;
}

async function judge(p: Program, lint: LintFn | null, cls: Classifiers, typed = false): Promise<Judged> {
  const t0 = performance.now();
  const { source, program } = layout(p);
  const oracle = analyze(program, { promisesReject: typed });
  const t1 = performance.now();
  if (!lint) {
    return { source, oracle, messages: [], rule: { leak: oracle.leaks, double: oracle.doubleDone }, oracleMs: t1 - t0, lintMs: 0 };
  }
  const messages = await lint(source);
  const t2 = performance.now();
  return {
    source,
    oracle,
    messages,
    rule: { leak: messages.some(cls.isLeak), double: messages.some(cls.isDouble) },
    oracleMs: t1 - t0,
    lintMs: t2 - t1,
  };
}

const oracleSays = (j: Judged, dim: Dimension): boolean => (dim === 'leak' ? j.oracle.leaks : j.oracle.doubleDone);
const agrees = (j: Judged, dim: Dimension): boolean => oracleSays(j, dim) === j.rule[dim];

function kindOf(dim: Dimension, oracleYes: boolean): DisagreementKind {
  if (dim === 'leak') return oracleYes ? 'missed-leak' : 'false-positive';
  return oracleYes ? 'missed-double-done' : 'false-double-done';
}

function toDisagreement(dim: Dimension, run: number, p: Program, j: Judged): Disagreement {
  const { leaks, exit, leakExits, reportLines, doubleDone, doubleDoneLine, doubleDonePath, doubleDoneLines } = j.oracle;
  return {
    dimension: dim,
    kind: kindOf(dim, oracleSays(j, dim)),
    run,
    source: j.source,
    program: p,
    oracle: { leaks, exit, leakExits, reportLines, doubleDone, doubleDoneLine, doubleDonePath, doubleDoneLines },
    messages: j.messages,
  };
}

const sameSet = (a: readonly number[], b: ReadonlySet<number>): boolean => a.length === b.size && a.every((x) => b.has(x));

export async function runDifferential(opts: DifferentialOptions): Promise<DifferentialReport> {
  const { numRuns, seed, lint } = opts;
  const cls: Classifiers = {
    isLeak: opts.isLeakMessage ?? defaultIsLeakMessage,
    isDouble: opts.isDoubleMessage ?? defaultIsDoubleMessage,
  };
  const keep = opts.keep ?? 50;
  const arb = programArb(opts.gen);
  const start = performance.now();
  const report: DifferentialReport = {
    seed,
    numRuns,
    checked: 0,
    oracleLeaks: 0,
    oracleSafe: 0,
    bothLeak: 0,
    bothLeakSameLine: 0,
    bothLeakSameLines: 0,
    leakLineMismatches: [],
    missedLeaks: 0,
    falsePositives: 0,
    leakDisagreements: 0,
    oracleDoubleDone: 0,
    oracleNoDoubleDone: 0,
    bothDouble: 0,
    bothDoubleSameLines: 0,
    doubleLineMismatches: [],
    missedDoubleDones: 0,
    falseDoubleDones: 0,
    doubleDisagreements: 0,
    oracleLeakAndDouble: 0,
    disagreements: [],
    disagreementCount: 0,
    disagreeingCases: 0,
    counterexample: { leak: null, double: null },
    ms: 0,
    oracleMs: 0,
    lintMs: 0,
  };
  const firstBadRun: Record<Dimension, number> = { leak: -1, double: -1 };
  const kept: Record<Dimension, number> = { leak: 0, double: 0 };
  const count: Record<DisagreementKind, 'missedLeaks' | 'falsePositives' | 'missedDoubleDones' | 'falseDoubleDones'> = {
    'missed-leak': 'missedLeaks',
    'false-positive': 'falsePositives',
    'missed-double-done': 'missedDoubleDones',
    'false-double-done': 'falseDoubleDones',
  };

  // Pass 1: every run, never failing, so every disagreement is counted.
  const pass1 = await fc.check(
    fc.asyncProperty(arb, async (p) => {
      const run = report.checked++;
      const j = await judge(p, lint, cls, opts.typed);
      report.oracleMs += j.oracleMs;
      report.lintMs += j.lintMs;
      const { oracle } = j;
      if (oracle.leaks) report.oracleLeaks++;
      else report.oracleSafe++;
      if (oracle.doubleDone) report.oracleDoubleDone++;
      else report.oracleNoDoubleDone++;
      if (oracle.leaks && oracle.doubleDone) report.oracleLeakAndDouble++;
      if (oracle.leaks && j.rule.leak) {
        report.bothLeak++;
        const lines = new Set(oracle.leakExits.map((e: LeakExit) => e.line));
        if (j.messages.some((m) => cls.isLeak(m) && lines.has(m.line))) report.bothLeakSameLine++;
        const ruleLines = new Set(j.messages.filter(cls.isLeak).map((m) => m.line));
        if (sameSet(oracle.reportLines, ruleLines)) report.bothLeakSameLines++;
        else if (report.leakLineMismatches.length < keep) {
          const sorted = [...ruleLines].sort((a, b) => a - b);
          report.leakLineMismatches.push({ run, source: j.source, oracleLines: oracle.reportLines, ruleLines: sorted });
        }
      }
      if (oracle.doubleDone && j.rule.double) {
        report.bothDouble++;
        const ruleLines = new Set(j.messages.filter(cls.isDouble).map((m) => m.line));
        if (sameSet(oracle.doubleDoneLines, ruleLines)) report.bothDoubleSameLines++;
        else if (report.doubleLineMismatches.length < keep) {
          const sorted = [...ruleLines].sort((a, b) => a - b);
          report.doubleLineMismatches.push({ run, source: j.source, oracleLines: oracle.doubleDoneLines, ruleLines: sorted });
        }
      }
      let disagreed = false;
      for (const dim of DIMENSIONS) {
        if (agrees(j, dim)) continue;
        disagreed = true;
        report.disagreementCount++;
        if (dim === 'leak') report.leakDisagreements++;
        else report.doubleDisagreements++;
        const d = toDisagreement(dim, run, p, j);
        report[count[d.kind]]++;
        if (firstBadRun[dim] < 0) firstBadRun[dim] = run;
        if (kept[dim] < keep) {
          kept[dim]++;
          report.disagreements.push(d);
        }
      }
      if (disagreed) report.disagreeingCases++;
      return true;
    }),
    { numRuns, seed },
  );
  if (pass1.failed) throw pass1.errorInstance instanceof Error ? pass1.errorInstance : new Error(String(pass1.errorInstance));

  // Pass 2, per dimension: replay its first disagreement (fast-check `path` = its run index) and
  // shrink it, keeping only that dimension's verdicts in the property.
  if (!opts.noShrink) {
    for (const dim of DIMENSIONS) {
      if (firstBadRun[dim] < 0) continue;
      let last: { p: Program; j: Judged } | null = null;
      const pass2 = await fc.check(
        fc.asyncProperty(arb, async (p) => {
          const j = await judge(p, lint, cls, opts.typed);
          const ok = agrees(j, dim);
          if (!ok) last = { p, j };
          return ok;
        }),
        { numRuns, seed, path: String(firstBadRun[dim]) },
      );
      if (pass2.failed && pass2.counterexample) {
        const p = pass2.counterexample[0];
        const found = last as { p: Program; j: Judged } | null;
        const j = found && found.p === p ? found.j : await judge(p, lint, cls, opts.typed);
        report.counterexample[dim] = { ...toDisagreement(dim, firstBadRun[dim], p, j), shrinks: pass2.numShrinks };
      }
    }
  }

  report.ms = performance.now() - start;
  return report;
}

// ---- reporting ---------------------------------------------------------------------------------

const numbered = (src: string): string =>
  src
    .trimEnd()
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)} | ${l}`)
    .join('\n');

const HEADS: Record<DisagreementKind, (d: Disagreement) => string> = {
  'missed-leak': (d) =>
    `MISSED LEAK — the oracle finds a leak (${d.oracle.exit?.kind ?? '?'} at line ${d.oracle.exit?.line ?? '?'}), ${RULE_ID} reports none`,
  'false-positive': () => `FALSE POSITIVE — the oracle proves every path safe, ${RULE_ID} reports a leak`,
  'missed-double-done': (d) =>
    `MISSED DOUBLE DONE — the oracle finds a double done (line ${d.oracle.doubleDoneLine ?? '?'}), ${DOUBLE_RULE_ID} reports none`,
  'false-double-done': () => `FALSE DOUBLE DONE — the oracle finds no path with a double done, ${DOUBLE_RULE_ID} reports one`,
};

const shortRule = (m: LintMessage): string => (m.ruleId ? `${m.ruleId.replace(/^workqueue\//, '')}: ` : '');

export function formatDisagreement(d: Disagreement, title = ''): string {
  const parts = [`${title}${HEADS[d.kind](d)} (run #${d.run})`, numbered(d.source)];
  const o = d.oracle;
  if (d.dimension === 'leak') {
    if (o.exit) {
      parts.push('oracle: leaking path:\n' + o.exit.path.map((s) => '    ' + s).join('\n'));
      parts.push('oracle: all leaking exits: ' + o.leakExits.map((e) => `${e.kind}@L${e.line}`).join(', '));
      parts.push('oracle: expected report lines: ' + o.reportLines.map((l) => `L${l}`).join(', '));
    }
    parts.push(`oracle: double done: ${o.doubleDone ? `yes, at ${o.doubleDoneLines.map((l) => `L${l}`).join(', ')}` : 'no'}`);
  } else {
    if (o.doubleDonePath) {
      parts.push('oracle: double-done path:\n' + o.doubleDonePath.map((s) => '    ' + s).join('\n'));
      parts.push('oracle: every double-done line: ' + o.doubleDoneLines.map((l) => `L${l}`).join(', '));
    }
    parts.push(`oracle: leaks: ${o.leaks ? o.leakExits.map((e) => `${e.kind}@L${e.line}`).join(', ') : 'no'}`);
  }
  parts.push(
    'rule messages: ' +
      (d.messages.length
        ? d.messages.map((m) => `L${m.line} ${shortRule(m)}${m.messageId}${m.message ? ` (${m.message})` : ''}`).join('; ')
        : '(none)'),
  );
  return parts.join('\n');
}

const pctOf = (n: number, of: number): string => (of ? ((100 * n) / of).toFixed(1) : '0.0') + '%';

/** The one-screen summary (also printed by `npm run fuzz`). */
export function formatSummary(r: DifferentialReport): string {
  const pct = (n: number): string => pctOf(n, r.checked);
  const noLinter = r.lintMs === 0 && r.checked > 0;
  return [
    `differential fuzz: seed ${r.seed}, ${r.checked} cases checked in ${(r.ms / 1000).toFixed(1)}s ` +
      `(oracle ${(r.oracleMs / 1000).toFixed(2)}s, lint ${(r.lintMs / 1000).toFixed(2)}s)${noLinter ? ' — no linter (oracle only)' : ''}`,
    `leak   (${RULE_ID}): oracle ${r.oracleLeaks} leaking (${pct(r.oracleLeaks)}) / ${r.oracleSafe} safe (${pct(r.oracleSafe)}); ` +
      (noLinter
        ? ''
        : `both say leak ${r.bothLeak} (rule on an oracle exit line in ${r.bothLeakSameLine}, rule lines = oracle report lines in ${r.bothLeakSameLines}); `) +
      `disagreements ${r.leakDisagreements} (missed leaks ${r.missedLeaks}, false positives ${r.falsePositives})`,
    `double (${DOUBLE_RULE_ID}): oracle ${r.oracleDoubleDone} double (${pct(r.oracleDoubleDone)}) / ${r.oracleNoDoubleDone} no double (${pct(r.oracleNoDoubleDone)}); ` +
      (noLinter ? '' : `both say double ${r.bothDouble} (rule lines = oracle lines in ${r.bothDoubleSameLines}); `) +
      `disagreements ${r.doubleDisagreements} (missed double dones ${r.missedDoubleDones}, false double dones ${r.falseDoubleDones})`,
    `oracle cross-tab: leak+double ${r.oracleLeakAndDouble}, leak only ${r.oracleLeaks - r.oracleLeakAndDouble}, ` +
      `double only ${r.oracleDoubleDone - r.oracleLeakAndDouble}, neither ${r.oracleSafe - (r.oracleDoubleDone - r.oracleLeakAndDouble)}`,
    `disagreements: ${r.disagreementCount} in ${r.disagreeingCases} cases (leak ${r.leakDisagreements}, double ${r.doubleDisagreements})`,
  ].join('\n');
}

/** The summary, up to `maxShown` kept disagreements per dimension, and the shrunk counterexamples. */
export function formatReport(r: DifferentialReport, maxShown = 3): string {
  const lines = [formatSummary(r)];
  for (const dim of DIMENSIONS) {
    for (const d of r.disagreements.filter((x) => x.dimension === dim).slice(0, maxShown)) lines.push('', formatDisagreement(d));
  }
  const leakMismatches = r.bothLeak - r.bothLeakSameLines;
  if (leakMismatches && maxShown > 0) {
    lines.push(
      '',
      `leak report lines differ from the oracle's (every explicit leaking exit, else the first implicit one) in ${leakMismatches} runs ` +
        '(verdicts agree; not counted as disagreements) — worth a look:',
    );
    for (const m of r.leakLineMismatches.slice(0, maxShown)) {
      const L = (xs: number[]): string => xs.map((l) => `L${l}`).join(', ');
      lines.push('', `run #${m.run}: oracle leak report lines ${L(m.oracleLines)}; ${RULE_ID} lines ${L(m.ruleLines)}`, numbered(m.source));
    }
  }
  const mismatches = r.bothDouble - r.bothDoubleSameLines;
  if (mismatches && maxShown > 0) {
    lines.push('', `double-done report lines differ from the oracle's in ${mismatches} runs (verdicts agree; not counted as disagreements):`);
    for (const m of r.doubleLineMismatches.slice(0, maxShown)) {
      const L = (xs: number[]): string => xs.map((l) => `L${l}`).join(', ');
      lines.push('', `run #${m.run}: oracle double-done lines ${L(m.oracleLines)}; ${DOUBLE_RULE_ID} lines ${L(m.ruleLines)}`, numbered(m.source));
    }
  }
  for (const dim of DIMENSIONS) {
    const c = r.counterexample[dim];
    if (c) lines.push('', formatDisagreement(c, `SHRUNK ${dim.toUpperCase()} COUNTEREXAMPLE (${c.shrinks ?? 0} shrinks): `));
  }
  if (r.disagreementCount) lines.push('', `reproduce: npm run fuzz -- --runs ${r.numRuns} --seed ${r.seed}`);
  return lines.join('\n');
}

// ---- the real linter ---------------------------------------------------------------------------

export interface LinterOptions {
  /** build a TypeScript program per file and give the rules type information (default false) */
  typed?: boolean;
  /** the plugin object (default: `import('../../src/index.js')`'s default export) */
  plugin?: unknown;
  /** the plugin rules turned on (default `FUZZED_RULES`: require-done and no-double-done) */
  rules?: readonly string[];
}

interface PluginLike {
  rules?: Record<string, unknown>;
}

export class RuleNotRegisteredError extends Error {}

async function loadPlugin(): Promise<PluginLike> {
  const mod = (await import('../../src/index.js')) as { default?: PluginLike };
  return mod.default ?? {};
}

const FUZZ_DIR = '/__fuzz__';
const FILE = `${FUZZ_DIR}/worker.ts`;
const QUEUE_TYPES_FILE = `${FUZZ_DIR}/queue-types.ts`;

/**
 * Returns a synchronous `source → messages` function: one `Linter.verify` per source with all of
 * `opts.rules` on; every message carries its `ruleId` (`workqueue/…`).
 */
export async function createWorkqueueLinter(opts: LinterOptions = {}): Promise<(source: string) => LintMessage[]> {
  const plugin = (opts.plugin ?? (await loadPlugin())) as PluginLike;
  const names = opts.rules ?? FUZZED_RULES;
  const missing = names.filter((n) => !plugin.rules?.[n]);
  if (missing.length) {
    throw new RuleNotRegisteredError(
      `${missing.map((n) => `workqueue/${n}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not registered: ` +
        `src/index.ts's default export has no rules[${missing.map((n) => `'${n}'`).join(', ')}] ` +
        `(registered: ${Object.keys(plugin.rules ?? {}).join(', ') || 'none'}). ` +
        'Add the rule to rules/index.ts before running the differential fuzzer.',
    );
  }
  const ruleIds = new Set(names.map((n) => `workqueue/${n}`));
  const rules = Object.fromEntries([...ruleIds].map((id) => [id, 'error' as const]));
  const linter = new Linter({ cwd: FUZZ_DIR });
  const makeProgram = opts.typed ? typedProgramFactory() : null;

  return (source: string): LintMessage[] => {
    const parserOptions: Record<string, unknown> = { ecmaVersion: 'latest', sourceType: 'module' };
    if (makeProgram) parserOptions.programs = [makeProgram(source)];
    const config = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, parserOptions },
        plugins: { workqueue: plugin },
        rules,
      },
    ] as Linter.Config[];
    const messages = linter.verify(source, config, { filename: FILE });
    const fatal = messages.filter((m) => m.fatal === true || m.ruleId === null);
    if (fatal.length) {
      throw new Error(`linting a generated program failed: ${fatal.map((m) => `L${m.line}: ${m.message}`).join('; ')}\n${numbered(source)}`);
    }
    return messages
      .filter((m) => m.ruleId !== null && ruleIds.has(m.ruleId))
      .map((m) => ({ line: m.line, messageId: m.messageId ?? '', message: m.message, ruleId: m.ruleId ?? '' }));
  };
}

let cached: { typed: boolean; fn: Promise<(source: string) => LintMessage[]> } | null = null;

/** Lint one generated file with `workqueue/require-done` and `workqueue/no-double-done` (untyped; the linter is built once). */
export async function lintWithRules(source: string): Promise<LintMessage[]> {
  if (!cached || cached.typed) cached = { typed: false, fn: createWorkqueueLinter() };
  return (await cached.fn)(source);
}

/** Same, with type information from an in-memory TypeScript program. */
export async function lintWithRulesTyped(source: string): Promise<LintMessage[]> {
  if (!cached || !cached.typed) cached = { typed: true, fn: createWorkqueueLinter({ typed: true }) };
  return (await cached.fn)(source);
}

/** An in-memory compiler host: the generated file and queue-types.ts from memory, lib files from disk (cached). */
function typedProgramFactory(): (source: string) => ts.Program {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const base = ts.createCompilerHost(options, true);
  const libCache = new Map<string, ts.SourceFile | undefined>();
  const queueTypes = ts.createSourceFile(QUEUE_TYPES_FILE, QUEUE_TYPES_SOURCE, ts.ScriptTarget.ES2022, true);
  let old: ts.Program | undefined;
  return (source) => {
    const host: ts.CompilerHost = {
      ...base,
      fileExists: (f) => f === FILE || f === QUEUE_TYPES_FILE || base.fileExists(f),
      readFile: (f) => (f === FILE ? source : f === QUEUE_TYPES_FILE ? QUEUE_TYPES_SOURCE : base.readFile(f)),
      getSourceFile: (f, lang, onError) => {
        if (f === FILE) return ts.createSourceFile(f, source, lang, true);
        if (f === QUEUE_TYPES_FILE) return queueTypes;
        if (!libCache.has(f)) libCache.set(f, base.getSourceFile(f, lang, onError));
        return libCache.get(f);
      },
    };
    old = ts.createProgram({ rootNames: [FILE], options, host, oldProgram: old });
    return old;
  };
}
