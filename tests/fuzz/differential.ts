/**
 * Differential fuzzing: generated workers (./generator.ts) are judged by the path-enumerating
 * oracle (./oracle.ts) and by the ESLint rule `workqueue/require-done`; any disagreement on
 * "can the item leak?" is reported with the program, the oracle's leaking path, the rule's
 * messages, and fast-check's shrunk counterexample.
 *
 * The linter is injected (`lint`), so this module works before the rule exists;
 * `createRequireDoneLinter()` / `lintWithRequireDone()` build the real one on ESLint's `Linter`.
 */
import fc from 'fast-check';
import ts from 'typescript';
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { programArb, type GenOptions } from './generator.js';
import { layout, QUEUE_TYPES_SOURCE, type Program } from './ir.js';
import { analyze, type LeakExit, type OracleResult } from './oracle.js';

export const RULE_ID = 'workqueue/require-done';

export interface LintMessage {
  line: number;
  messageId: string;
  message?: string;
}

/** lint one generated file; return the messages of `workqueue/require-done` only */
export type LintFn = (source: string) => LintMessage[] | Promise<LintMessage[]>;

export interface DifferentialOptions {
  numRuns: number;
  seed: number;
  /** `null`: no linter — oracle statistics only (the "rule" is taken to agree) */
  lint: LintFn | null;
  /** which of the rule's messages mean "the item can leak" (default: every messageId not mentioning "double") */
  isLeakMessage?: (m: LintMessage) => boolean;
  gen?: GenOptions;
  /** cap on the number of disagreements kept in the report (all are counted); default 50 */
  keep?: number;
  /** skip shrinking the first disagreement (default false) */
  noShrink?: boolean;
}

export type DisagreementKind = 'missed-leak' | 'false-positive';

export interface Disagreement {
  kind: DisagreementKind;
  /** 0-based index of the run in the fast-check sequence for (seed, numRuns) */
  run: number;
  source: string;
  program: Program;
  oracle: Pick<OracleResult, 'leaks' | 'exit' | 'leakExits' | 'doubleDone'>;
  messages: LintMessage[];
}

export interface DifferentialReport {
  seed: number;
  numRuns: number;
  checked: number;
  oracleLeaks: number;
  oracleSafe: number;
  oracleDoubleDone: number;
  /** runs where the rule and the oracle both say "leak" and the rule reported on one of the oracle's leaking exit lines */
  bothLeak: number;
  bothLeakSameLine: number;
  disagreements: Disagreement[];
  disagreementCount: number;
  missedLeaks: number;
  falsePositives: number;
  /** fast-check's shrunk counterexample for the first disagreement */
  counterexample: Disagreement | null;
  shrinks: number;
  ms: number;
  oracleMs: number;
  lintMs: number;
}

export const defaultIsLeakMessage = (m: LintMessage): boolean => !/double/i.test(m.messageId);

interface Judged {
  source: string;
  oracle: OracleResult;
  messages: LintMessage[];
  ruleLeaks: boolean;
  oracleMs: number;
  lintMs: number;
}

async function judge(p: Program, lint: LintFn | null, isLeak: (m: LintMessage) => boolean): Promise<Judged> {
  const t0 = performance.now();
  const { source, program } = layout(p);
  const oracle = analyze(program);
  const t1 = performance.now();
  if (!lint) return { source, oracle, messages: [], ruleLeaks: oracle.leaks, oracleMs: t1 - t0, lintMs: 0 };
  const messages = await lint(source);
  const t2 = performance.now();
  return { source, oracle, messages, ruleLeaks: messages.some(isLeak), oracleMs: t1 - t0, lintMs: t2 - t1 };
}

function toDisagreement(run: number, p: Program, j: Judged): Disagreement {
  const { leaks, exit, leakExits, doubleDone } = j.oracle;
  return {
    kind: j.oracle.leaks ? 'missed-leak' : 'false-positive',
    run,
    source: j.source,
    program: p,
    oracle: { leaks, exit, leakExits, doubleDone },
    messages: j.messages,
  };
}

export async function runDifferential(opts: DifferentialOptions): Promise<DifferentialReport> {
  const { numRuns, seed, lint } = opts;
  const isLeak = opts.isLeakMessage ?? defaultIsLeakMessage;
  const keep = opts.keep ?? 50;
  const arb = programArb(opts.gen);
  const start = performance.now();
  const report: DifferentialReport = {
    seed,
    numRuns,
    checked: 0,
    oracleLeaks: 0,
    oracleSafe: 0,
    oracleDoubleDone: 0,
    bothLeak: 0,
    bothLeakSameLine: 0,
    disagreements: [],
    disagreementCount: 0,
    missedLeaks: 0,
    falsePositives: 0,
    counterexample: null,
    shrinks: 0,
    ms: 0,
    oracleMs: 0,
    lintMs: 0,
  };
  let firstBadRun = -1;

  // Pass 1: every run, never failing, so every disagreement is counted.
  const pass1 = await fc.check(
    fc.asyncProperty(arb, async (p) => {
      const run = report.checked++;
      const j = await judge(p, lint, isLeak);
      report.oracleMs += j.oracleMs;
      report.lintMs += j.lintMs;
      if (j.oracle.leaks) report.oracleLeaks++;
      else report.oracleSafe++;
      if (j.oracle.doubleDone) report.oracleDoubleDone++;
      if (j.oracle.leaks && j.ruleLeaks) {
        report.bothLeak++;
        const lines = new Set(j.oracle.leakExits.map((e: LeakExit) => e.line));
        if (j.messages.some((m) => isLeak(m) && lines.has(m.line))) report.bothLeakSameLine++;
      }
      if (j.oracle.leaks !== j.ruleLeaks) {
        report.disagreementCount++;
        if (j.oracle.leaks) report.missedLeaks++;
        else report.falsePositives++;
        if (firstBadRun < 0) firstBadRun = run;
        if (report.disagreements.length < keep) report.disagreements.push(toDisagreement(run, p, j));
      }
      return true;
    }),
    { numRuns, seed },
  );
  if (pass1.failed) throw pass1.errorInstance instanceof Error ? pass1.errorInstance : new Error(String(pass1.errorInstance));

  // Pass 2: replay the first disagreement (fast-check `path` = its run index) and shrink it.
  if (firstBadRun >= 0 && !opts.noShrink) {
    let last: { p: Program; j: Judged } | null = null;
    const pass2 = await fc.check(
      fc.asyncProperty(arb, async (p) => {
        const j = await judge(p, lint, isLeak);
        if (j.oracle.leaks !== j.ruleLeaks) last = { p, j };
        return j.oracle.leaks === j.ruleLeaks;
      }),
      { numRuns, seed, path: String(firstBadRun) },
    );
    if (pass2.failed && pass2.counterexample) {
      const p = pass2.counterexample[0];
      const found = last as { p: Program; j: Judged } | null;
      const j = found && found.p === p ? found.j : await judge(p, lint, isLeak);
      report.counterexample = toDisagreement(firstBadRun, p, j);
      report.shrinks = pass2.numShrinks;
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

export function formatDisagreement(d: Disagreement, title = ''): string {
  const head =
    d.kind === 'missed-leak'
      ? `MISSED LEAK — the oracle finds a leak (${d.oracle.exit!.kind} at line ${d.oracle.exit!.line}), the rule reports none`
      : `FALSE POSITIVE — the oracle proves every path safe, the rule reports a leak`;
  const parts = [`${title}${head} (run #${d.run})`, numbered(d.source)];
  if (d.oracle.exit) {
    parts.push('oracle: leaking path:\n' + d.oracle.exit.path.map((s) => '    ' + s).join('\n'));
    parts.push('oracle: all leaking exits: ' + d.oracle.leakExits.map((e) => `${e.kind}@L${e.line}`).join(', '));
  }
  parts.push(
    'rule messages: ' +
      (d.messages.length ? d.messages.map((m) => `L${m.line} ${m.messageId}${m.message ? ` (${m.message})` : ''}`).join('; ') : '(none)'),
  );
  return parts.join('\n');
}

export function formatReport(r: DifferentialReport, maxShown = 3): string {
  const pct = (n: number): string => (r.checked ? ((100 * n) / r.checked).toFixed(1) : '0.0') + '%';
  const lines = [
    `differential fuzz: seed ${r.seed}, ${r.checked} cases checked in ${(r.ms / 1000).toFixed(1)}s ` +
      `(oracle ${(r.oracleMs / 1000).toFixed(2)}s, lint ${(r.lintMs / 1000).toFixed(2)}s)`,
    `oracle verdicts: ${r.oracleLeaks} leaking (${pct(r.oracleLeaks)}), ${r.oracleSafe} safe (${pct(r.oracleSafe)}); ` +
      `double done in ${r.oracleDoubleDone}`,
    r.lintMs === 0 && r.checked > 0
      ? 'no linter (oracle only)'
      : `both say leak: ${r.bothLeak} (rule on an oracle exit line in ${r.bothLeakSameLine})`,
    `disagreements: ${r.disagreementCount} (missed leaks ${r.missedLeaks}, false positives ${r.falsePositives})`,
  ];
  for (const d of r.disagreements.slice(0, maxShown)) lines.push('', formatDisagreement(d));
  if (r.counterexample) lines.push('', formatDisagreement(r.counterexample, `SHRUNK (${r.shrinks} shrinks): `));
  if (r.disagreementCount) lines.push('', `reproduce: npm run fuzz -- --runs ${r.numRuns} --seed ${r.seed}`);
  return lines.join('\n');
}

// ---- the real linter ---------------------------------------------------------------------------

export interface LinterOptions {
  /** build a TypeScript program per file and give the rule type information (default false) */
  typed?: boolean;
  /** the plugin object (default: `import('../../src/index.js')`'s default export) */
  plugin?: unknown;
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

/** Returns a synchronous `source → require-done messages` function. */
export async function createRequireDoneLinter(opts: LinterOptions = {}): Promise<(source: string) => LintMessage[]> {
  const plugin = (opts.plugin ?? (await loadPlugin())) as PluginLike;
  if (!plugin.rules || !plugin.rules['require-done']) {
    throw new RuleNotRegisteredError(
      `${RULE_ID} is not registered: src/index.ts's default export has no rules['require-done'] ` +
        `(registered: ${Object.keys(plugin.rules ?? {}).join(', ') || 'none'}). ` +
        'Write rules/require-done.ts and add it to rules/index.ts before running the differential fuzzer.',
    );
  }
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
        rules: { [RULE_ID]: 'error' },
      },
    ] as Linter.Config[];
    const messages = linter.verify(source, config, { filename: FILE });
    const fatal = messages.filter((m) => m.fatal || m.ruleId === null);
    if (fatal.length) {
      throw new Error(`linting a generated program failed: ${fatal.map((m) => `L${m.line}: ${m.message}`).join('; ')}\n${numbered(source)}`);
    }
    return messages
      .filter((m) => m.ruleId === RULE_ID)
      .map((m) => ({ line: m.line, messageId: m.messageId ?? '', message: m.message }));
  };
}

let cached: { typed: boolean; fn: Promise<(source: string) => LintMessage[]> } | null = null;

/** Lint one generated file with `workqueue/require-done` (untyped; the linter is built once). */
export async function lintWithRequireDone(source: string): Promise<LintMessage[]> {
  if (!cached || cached.typed) cached = { typed: false, fn: createRequireDoneLinter() };
  return (await cached.fn)(source);
}

/** Same, with type information from an in-memory TypeScript program. */
export async function lintWithRequireDoneTyped(source: string): Promise<LintMessage[]> {
  if (!cached || !cached.typed) cached = { typed: true, fn: createRequireDoneLinter({ typed: true }) };
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
