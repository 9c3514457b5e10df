/**
 * The executed fixture corpus: every worker in `tests/fixtures/workers/` is linted (typed) with `require-done`,
 * `no-double-done` and `bounded-retries` and run under every scenario, twice — as vitest imports it, and
 * instrumented with statement probes — and each rule's verdict is compared with the runtime's. `renderDoc()` turns
 * the result into `docs/fixtures.md`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type FindingClaim, type FixtureMeta, type FixtureModule, SCENARIOS, type Scenario } from '../fixtures/contract.js';
import {
  DRAIN_TIMEOUT_MS,
  FAULT_KEY,
  MAX_RETRIES,
  POISON_SPAN_MS,
  RETRY_BOUND,
  runScenario,
  type ScenarioOutcome,
} from './drive.js';
import { type Hits, loadInstrumented, withProbes } from './instrument.js';
import { DOUBLE_DONE_RULE_ID, type LintOutcome, type LintReport, lintTyped, RETRIES_RULE_ID, RULE_ID } from './lint.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WORKERS_DIR = path.join(ROOT, 'tests/fixtures/workers');
export const DOC_PATH = path.join(ROOT, 'docs/fixtures.md');

/** What is checked: require-done's leak, and the three companion findings. */
export type CheckId = 'leak' | Finding;
/** The companion findings, each a `FixtureMeta` field. */
export type Finding = 'doubleDone' | 'unboundedRetry' | 'missingForget';
export const FINDINGS: readonly Finding[] = ['doubleDone', 'unboundedRetry', 'missingForget'];

export interface FindingSpec {
  /** The rule, and the message that reports this finding (the first; a pair of listeners has its own, the second). */
  rule: string;
  messageId: string;
  alsoMessageId?: string;
  /** The trailing comment that marks the finding's line in a fixture. */
  marker: RegExp;
  markerText: string;
  /** How the fixture's header states it: a line starting with this. */
  header: RegExp;
  headerText: string;
  /** The scenarios a claim may name. */
  scenarios: readonly Scenario[];
}

export const FINDING_SPECS: Readonly<Record<Finding, FindingSpec>> = {
  doubleDone: {
    rule: DOUBLE_DONE_RULE_ID,
    messageId: 'doubleDone',
    alsoMessageId: 'doubleDoneListeners',
    marker: /\/\/ double-done:/,
    markerText: '// double-done:',
    header: /^Double done\b/m,
    headerText: 'Double done',
    scenarios: SCENARIOS,
  },
  unboundedRetry: {
    rule: RETRIES_RULE_ID,
    messageId: 'unboundedRetry',
    marker: /\/\/ unbounded-retry:/,
    markerText: '// unbounded-retry:',
    header: /^Unbounded retries\b/m,
    headerText: 'Unbounded retries',
    scenarios: ['poison', 'retry-cap'],
  },
  missingForget: {
    rule: RETRIES_RULE_ID,
    messageId: 'missingForget',
    marker: /\/\/ missing-forget:/,
    markerText: '// missing-forget:',
    header: /^Missing forget\b/m,
    headerText: 'Missing forget',
    scenarios: ['poison'],
  },
};

/**
 * Fixtures on which a rule and the execution disagree although the fixture is right, with the evidence, per check.
 * The harness asserts that they still disagree, so a fix of the rule shows up as a failing test that asks to move
 * the fixture back to the agreeing majority.
 */
export const KNOWN_DISAGREEMENTS: Readonly<Record<CheckId, Readonly<Record<string, string>>>> = {
  // The throw model trusts a promise-returning function to reject rather than throw (docs/analysis.md); a plain
  // function typed as returning a promise can still throw synchronously. `promiseFunctionsMayThrow: true` is the
  // strict view that reports it (tests/rules/require-done.test.ts asserts that report).
  // Likewise a logger's level method is taken not to throw; log-before-try's `log-throws` scenario is the sink that
  // fails synchronously, and `loggersMayThrow: true` reports it (tests/rules/require-done.test.ts).
  leak: {
    'log-before-try':
      'rule false negative (documented model choice): by default a level method of a receiver named for a logger (`this.deps.log.info(…)`) does not throw; in `log-throws` the log sink throws synchronously (EPIPE) before the `try`. With `loggersMayThrow: true` the rule reports it.',
    'promise-finally-sync-throw':
      'rule false negative (documented model choice): `reconcile` is typed `(key) => Promise<void>`, so by default the rule takes it to reject, not throw; in `throw` it throws synchronously before `.finally` is attached. With `promiseFunctionsMayThrow: true` the rule reports it.',
  },
  doubleDone: {
  },
  // bounded-retries follows the key from its `get()` into callbacks and same-file helpers, but not into another
  // function that receives it by `yield`, `return` or a collection (a documented limit of the rule). The runtime
  // evidence is in the table (and in the fixture's `poison` / `retry-cap` run).
  unboundedRetry: {
    'async-generator-finally':
      'rule false negative (documented limit): the `get()` is in the generator `workItems`, the uncapped `addRateLimited` in its consumer `run`, which receives the key from `for await`; the rule follows a key into callbacks and helpers of the function that took it, not into the consumer of a generator.',
    'async-generator-yield-before-done':
      'rule false negative (documented limit): as in `async-generator-finally`, the uncapped `addRateLimited` is in the consumer `run`, not in the generator that calls `get()`.',
    'batch-collect-flush':
      'rule false negative (documented limit): the `get()` is in `collect`, which stores keys in a batch; the uncapped `addRateLimited` is in `flush`, which reads them back from the batch.',
    'take-returns-item':
      'rule false negative (documented limit): `run` gets its key from `nextKey(queue)`, which returns what `get()` took; the rule starts its check at a `get()` call only, so the uncapped `addRateLimited` in `run` is never checked (require-done does follow the returned key).',
  },
  missingForget: {},
};

const MARKER = /\/\/ leak:/;

export interface PathEvidence {
  /** The line marked `// leak:`. */
  line: number;
  /** The probe that proves the line ran (`line:column`), or undefined if none ran. */
  probe: string | undefined;
}

export interface FixtureResult {
  /** Path relative to the repository root, with `/`. */
  file: string;
  name: string;
  meta: FixtureMeta;
  header: string;
  markerLines: number[];
  lint: LintOutcome;
  outcomes: ScenarioOutcome[];
  /** Scenarios in which an item was left processing (or the drain timed out). */
  leakingScenarios: Scenario[];
  lintLeaks: boolean;
  runtimeLeaks: boolean;
  agree: boolean;
  /** For a leaking fixture: the `leakScenario` run executed the marked line and left an item processing. */
  path: PathEvidence | undefined;
  pathDriven: boolean;
  /** The instrumented run gave the same outcome as the plain one, in every scenario. */
  instrumentedMatches: boolean;
  /** Scenario outcomes of the plain run that differ from the instrumented one (for diagnostics). */
  mismatches: string[];
  /** The companion rules' findings, lint and runtime. */
  findings: Record<Finding, FindingResult>;
}

export interface FindingResult {
  finding: Finding;
  /** What the fixture's `meta` claims. */
  claim: FindingClaim | undefined;
  /** The rule's reports with this finding's message. */
  reports: LintReport[];
  /** Lines marked with the finding's marker comment. */
  markerLines: number[];
  lintFlags: boolean;
  runtimeFlags: boolean;
  /** The runtime's verdict in words. */
  runtimeEvidence: string;
  agree: boolean;
  /** For a claim: the marked line ran in the claim's scenario (probe), or undefined. */
  path: PathEvidence | undefined;
  /** For a claim: the marked line ran in the claim's scenario and that scenario shows the finding. */
  pathDriven: boolean;
}

export function fixtureFiles(): string[] {
  return readdirSync(WORKERS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(WORKERS_DIR, f));
}

/** The leading comment block of a fixture, without comment markers. */
export function headerOf(text: string): string {
  const match = /^\/\*\*?([\s\S]*?)\*\//.exec(text);
  if (!match?.[1]) return '';
  return match[1]
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trimEnd())
    .join('\n')
    .trim();
}

const leaked = (o: ScenarioOutcome): boolean => o.leaked.length > 0 || o.drain !== 'resolved';

function comparable(o: ScenarioOutcome): string {
  return JSON.stringify({ ...o });
}

const byScenario = (outcomes: readonly ScenarioOutcome[], scenario: Scenario): ScenarioOutcome => {
  const o = outcomes.find((x) => x.scenario === scenario);
  if (!o) throw new Error(`no outcome for ${scenario}`);
  return o;
};

/**
 * Whether `scenario`'s outcome shows `finding` at runtime:
 * - double done: a `done(item)` ran for an item that had already been marked done on that queue (a misuse);
 * - unbounded retry: in `poison`, the key's failure count climbed past {@link RETRY_BOUND} (3 × the cap); in
 *   `retry-cap`, the key — already past the cap — was re-queued again, and the `poison` run could not show the
 *   climb because the key stayed processing after its first re-queue (a leak stopped the loop);
 * - missing forget: in `poison`, the key ended dropped (nothing queued, waiting or processing) with the rate
 *   limiter still counting its failures.
 */
export function showsFinding(finding: Finding, scenario: Scenario, outcomes: readonly ScenarioOutcome[]): boolean {
  const o = byScenario(outcomes, scenario);
  switch (finding) {
    case 'doubleDone':
      return o.doubleDones > 0;
    case 'unboundedRetry':
      if (scenario === 'poison') return o.retry.maxRequeues > RETRY_BOUND;
      if (scenario === 'retry-cap') {
        return o.retry.requeuesPastCap > 0 && byScenario(outcomes, 'poison').retry.keyState === 'processing';
      }
      return false;
    case 'missingForget':
      return scenario === 'poison' && o.retry.keyState === 'dropped' && o.retry.endRequeues > 0;
  }
}

/** The poison run's retries, in words. */
export function retriesInWords(outcomes: readonly ScenarioOutcome[]): string {
  const { retry } = byScenario(outcomes, 'poison');
  const metric = retry.retriesMetric === undefined ? '' : `, \`workqueue_retries_total\` ${retry.retriesMetric}`;
  if (retry.requeues === 0 && retry.maxRequeues === 0) {
    return `\`poison\`: never re-queued, ${retry.keyState === 'processing' ? 'stuck processing' : retry.keyState}${retry.forgets > 0 ? ', forgotten' : ''}`;
  }
  const head = `\`poison\`: re-queued ${retry.requeues}× (count up to ${retry.maxRequeues}${metric})`;
  if (retry.maxRequeues > RETRY_BOUND) return `${head}, still ${retry.keyState} after ${POISON_SPAN_MS / 1000} s: past ${RETRY_BOUND}`;
  if (retry.keyState === 'processing') {
    const capped = byScenario(outcomes, 'retry-cap').retry.requeuesPastCap;
    return `${head}, then stuck processing; \`retry-cap\`: ${capped > 0 ? `re-queued ${capped}× past the cap` : 'not re-queued past the cap'}`;
  }
  if (retry.keyState === 'dropped') {
    const forgot = retry.forgets > 0 ? `forgotten ${retry.forgets}×` : 'never forgotten';
    return `${head}, then dropped with count ${retry.endRequeues} (${forgot})`;
  }
  return `${head}, ${retry.keyState}`;
}

function runtimeFindingEvidence(finding: Finding, outcomes: readonly ScenarioOutcome[]): { flags: boolean; words: string } {
  switch (finding) {
    case 'doubleDone': {
      const hit = outcomes.filter((o) => o.doubleDones > 0);
      return {
        flags: hit.length > 0,
        words:
          hit.length > 0
            ? `second \`done\` (misuse) in ${hit.map((o) => `\`${o.scenario}\``).join(', ')}`
            : `none in ${outcomes.length} scenarios`,
      };
    }
    case 'unboundedRetry':
    case 'missingForget':
      return {
        flags: showsFinding(finding, 'poison', outcomes) || (finding === 'unboundedRetry' && showsFinding(finding, 'retry-cap', outcomes)),
        words: retriesInWords(outcomes),
      };
  }
}

function pathEvidence(file: string, line: number, reports: readonly LintReport[], positions: Set<string>, hits: Hits): PathEvidence {
  const onLine = [...positions].filter((p) => p.startsWith(`${file}:${line}:`));
  const report = reports.find((r) => r.line === line);
  const exact = report ? `${file}:${line}:${report.column}` : undefined;
  const candidates = exact !== undefined && positions.has(exact) ? [exact] : onLine;
  const hit = candidates.find((p) => hits.has(p));
  return { line, probe: hit?.slice(file.length + 1) };
}

export async function evaluateCorpus(): Promise<FixtureResult[]> {
  const files = fixtureFiles();
  const lint = await lintTyped(ROOT, files);
  const results: FixtureResult[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const plain = (await import(pathToFileURL(file).href)) as FixtureModule;
    const loaded = loadInstrumented(file);
    const instrumented = loaded.exports as unknown as FixtureModule;
    const meta = plain.meta;
    const markerLines = text
      .split('\n')
      .map((l, i) => (MARKER.test(l) ? i + 1 : 0))
      .filter((n) => n > 0);

    const outcomes: ScenarioOutcome[] = [];
    const mismatches: string[] = [];
    const hitsBy = new Map<Scenario, Hits>();
    for (const scenario of SCENARIOS) {
      const hits: Hits = new Set();
      const probed = await withProbes(hits, () => runScenario(instrumented, scenario));
      const bare = await runScenario(plain, scenario);
      if (comparable(bare) !== comparable(probed)) mismatches.push(`${scenario}: plain ${comparable(bare)} / instrumented ${comparable(probed)}`);
      outcomes.push(bare);
      hitsBy.set(scenario, hits);
    }
    const leakHits = meta.leakScenario && hitsBy.get(meta.leakScenario);

    const lintOutcome = lint.get(file) ?? {
      reports: [],
      byRule: { [RULE_ID]: [], [DOUBLE_DONE_RULE_ID]: [], [RETRIES_RULE_ID]: [] },
      typed: false,
    };
    const leakingScenarios = outcomes.filter(leaked).map((o) => o.scenario);
    const lintLeaks = lintOutcome.reports.length > 0;
    const runtimeLeaks = leakingScenarios.length > 0;
    let evidence: PathEvidence | undefined;
    let pathDriven = false;
    const [markerLine] = markerLines;
    const leakOutcome = outcomes.find((o) => o.scenario === meta.leakScenario);
    if (meta.leaks && markerLines.length === 1 && markerLine !== undefined && leakHits && leakOutcome) {
      evidence = pathEvidence(file, markerLine, lintOutcome.reports, loaded.positions, leakHits);
      pathDriven = evidence.probe !== undefined && leaked(leakOutcome);
    }
    const lines = text.split('\n');
    const findings = Object.fromEntries(
      FINDINGS.map((finding): [Finding, FindingResult] => {
        const spec = FINDING_SPECS[finding];
        const claim = meta[finding];
        const reports = lintOutcome.byRule[spec.rule as keyof LintOutcome['byRule']].filter((m) => m.messageId === spec.messageId || m.messageId === spec.alsoMessageId);
        const marked = lines.map((l, i) => (spec.marker.test(l) ? i + 1 : 0)).filter((n) => n > 0);
        const runtime = runtimeFindingEvidence(finding, outcomes);
        let findingPath: PathEvidence | undefined;
        let driven = false;
        const [line] = marked;
        const claimHits = claim && hitsBy.get(claim.scenario);
        if (claim && marked.length === 1 && line !== undefined && claimHits) {
          findingPath = pathEvidence(file, line, reports, loaded.positions, claimHits);
          driven = findingPath.probe !== undefined && showsFinding(finding, claim.scenario, outcomes);
        }
        const lintFlags = reports.length > 0;
        return [
          finding,
          {
            finding,
            claim,
            reports,
            markerLines: marked,
            lintFlags,
            runtimeFlags: runtime.flags,
            runtimeEvidence: runtime.words,
            agree: lintFlags === runtime.flags,
            path: findingPath,
            pathDriven: driven,
          },
        ];
      }),
    ) as Record<Finding, FindingResult>;
    results.push({
      file: rel,
      name: path.basename(file, '.ts'),
      meta,
      header: headerOf(text),
      markerLines,
      lint: lintOutcome,
      outcomes,
      leakingScenarios,
      lintLeaks,
      runtimeLeaks,
      agree: lintLeaks === runtimeLeaks,
      path: evidence,
      pathDriven,
      instrumentedMatches: mismatches.length === 0,
      mismatches,
      findings,
    });
  }
  return results;
}

// ---- docs/fixtures.md ---------------------------------------------------------------------------------------------

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const reportsCell = (reports: readonly LintReport[]): string =>
  reports.length === 0 ? 'clean' : reports.map((m) => `line ${m.line}: \`${m.messageId}\``).join('<br>');

function lintCell(r: FixtureResult): string {
  return reportsCell(r.lint.reports);
}

function runtimeCell(r: FixtureResult): string {
  if (!r.runtimeLeaks) return `clean in all ${SCENARIOS.length} scenarios`;
  return `leaks in ${r.leakingScenarios.map((s) => `\`${s}\``).join(', ')}`;
}

function pathCell(r: FixtureResult): string {
  if (!r.meta.leaks) return '—';
  const where = r.path ? `line ${r.path.line}` : 'unmarked';
  const ran = r.pathDriven ? `, driven by \`${r.meta.leakScenario}\`` : ', NOT driven';
  return `${r.meta.leakPath} (${where}${ran})`;
}

function findingPathText(f: FindingResult): string {
  if (!f.claim) return '';
  const where = f.path ? `line ${f.path.line}` : 'unmarked';
  const ran = f.pathDriven ? `, driven by \`${f.claim.scenario}\`` : ', NOT driven';
  return ` — ${f.claim.path} (${where}${ran})`;
}

/** One row per check in the totals, and its label. */
interface CheckRow {
  check: CheckId;
  rule: string;
  finding: string;
  positiveAtRuntime: (r: FixtureResult) => boolean;
  reported: (r: FixtureResult) => boolean;
  agree: (r: FixtureResult) => boolean;
}

const CHECK_ROWS: readonly CheckRow[] = [
  {
    check: 'leak',
    rule: RULE_ID,
    finding: 'leak',
    positiveAtRuntime: (r) => r.runtimeLeaks,
    reported: (r) => r.lintLeaks,
    agree: (r) => r.agree,
  },
  ...FINDINGS.map(
    (finding): CheckRow => ({
      check: finding,
      rule: FINDING_SPECS[finding].rule,
      finding: `\`${FINDING_SPECS[finding].messageId}\``,
      positiveAtRuntime: (r) => r.findings[finding].runtimeFlags,
      reported: (r) => r.findings[finding].lintFlags,
      agree: (r) => r.findings[finding].agree,
    }),
  ),
];

/** Per check: fixtures, positive at runtime, reported by the rule, agreeing. */
export function totals(results: readonly FixtureResult[]): Array<{ check: CheckId; rule: string; positive: number; reported: number; agreeing: number; confirmed: number }> {
  return CHECK_ROWS.map((row) => ({
    check: row.check,
    rule: row.rule,
    positive: results.filter(row.positiveAtRuntime).length,
    reported: results.filter(row.reported).length,
    agreeing: results.filter(row.agree).length,
    /** Reported by the rule and shown at runtime. */
    confirmed: results.filter((r) => row.reported(r) && row.positiveAtRuntime(r)).length,
  }));
}

function disagreementLines(r: FixtureResult, check: CheckId): string[] {
  const out: string[] = [`#### ${r.name}`, ''];
  if (check === 'leak') {
    out.push(
      `- rule: ${r.lintLeaks ? r.lint.reports.map((m) => `line ${m.line} \`${m.messageId}\``).join(', ') : 'no report'}`,
      `- runtime: ${runtimeCell(r)}; ${r.outcomes
        .filter(leaked)
        .map((o) => `\`${o.scenario}\`: still processing [${o.leaked.join(', ')}], drain ${o.drain}, trace: ${o.trace.join(' → ') || '—'}`)
        .join('; ')}`,
    );
    if (r.path) {
      out.push(
        `- path: ${r.path.probe !== undefined ? `the \`// leak:\` line ${r.path.line} ran in \`${r.meta.leakScenario}\` (probe at ${r.path.probe})` : `the \`// leak:\` line ${r.path.line} did not run`}`,
      );
    }
  } else {
    const f = r.findings[check];
    const spec = FINDING_SPECS[check];
    out.push(
      `- rule: ${f.lintFlags ? f.reports.map((m) => `line ${m.line} \`${m.messageId}\``).join(', ') : `no \`${spec.messageId}\` report`}`,
      `- runtime: ${f.runtimeEvidence}`,
    );
    if (f.path && f.claim) {
      out.push(
        `- path: ${f.path.probe !== undefined ? `the \`${spec.markerText}\` line ${f.path.line} ran in \`${f.claim.scenario}\` (probe at ${f.path.probe})` : `the \`${spec.markerText}\` line ${f.path.line} did not run`}`,
      );
    }
  }
  const why = KNOWN_DISAGREEMENTS[check][r.name];
  if (why) out.push(`- why: ${why}`);
  out.push('');
  return out;
}

export function renderDoc(results: readonly FixtureResult[]): string {
  const counts = totals(results);
  const lines: string[] = [
    '# Executed fixtures',
    '',
    '<!-- Generated by `npm run fixtures:doc` (scripts/fixtures-doc.mjs) from tests/executed/. Do not edit by hand:',
    '     `npx vitest run tests/executed` fails when this file is not current. -->',
    '',
    'Every worker in [`tests/fixtures/workers/`](../tests/fixtures/workers/) is a realistic controller worker written',
    'against `eslint-plugin-workqueue/queue`. Each one is judged by three rules and by execution:',
    '',
    `- **lint**: \`${RULE_ID}\`, \`${DOUBLE_DONE_RULE_ID}\` and \`${RETRIES_RULE_ID}\`, with type information from the`,
    "  project's `tsconfig.json` (one program for all files), report their findings or not;",
    `- **runtime**: the worker runs against the reference queue on a \`FakeClock\` in ${SCENARIOS.length} scenarios —`,
    `  ${SCENARIOS.map((s) => `\`${s}\``).join(', ')} — with faults aimed at \`${FAULT_KEY}\`, a retry cap of`,
    `  ${MAX_RETRIES}, then \`shutDownWithDrain({ timeoutMs: ${DRAIN_TIMEOUT_MS} })\` and the clock stepped past the timeout.`,
    `  In \`poison\` the key fails every time and the clock is stepped through the rate limiter's delays for`,
    `  ${POISON_SPAN_MS / 1000} s of fake time, with \`workqueue_retries_total\` recorded.`,
    '',
    'What each finding must look like at runtime:',
    '',
    '| rule | finding | at runtime |',
    '| --- | --- | --- |',
    `| \`${RULE_ID}\` | leak | in some scenario, the drain rejects or \`processing()\` still lists an item |`,
    `| \`${DOUBLE_DONE_RULE_ID}\` | \`doubleDone\` | in some scenario, \`done(item)\` runs for an item already marked done on that queue and not taken since (the queue throws \`QueueMisuseError\` and counts it in \`stats().misuses\`) |`,
    `| \`${RETRIES_RULE_ID}\` | \`unboundedRetry\` | in \`poison\`, the key's \`numRequeues\` climbs past ${RETRY_BOUND} (3 × the cap); or, when a leak keeps the key processing after its first re-queue, in \`retry-cap\` the key — already past the cap — is re-queued again |`,
    `| \`${RETRIES_RULE_ID}\` | \`missingForget\` | in \`poison\`, the key ends dropped (nothing queued, waiting or processing) with \`numRequeues(key) > 0\` |`,
    '',
    "Each rule's verdict must agree with the runtime's, except for the known disagreements listed at the end with their",
    "evidence. A fixture's `meta` claims its findings, each with a path and the scenario that drives it; that scenario",
    'must show the finding *and* execute the line the fixture marks (`// leak:`, `// double-done:`,',
    "`// unbounded-retry:`, `// missing-forget:`; statement probes in an instrumented copy, whose outcomes must equal",
    "the plain run's). A fixture that claims no double done must not misuse `done` as a double done in any scenario.",
    'See [`tests/fixtures/contract.ts`](../tests/fixtures/contract.ts) for the contract and the scenarios.',
    '',
    '## Totals',
    '',
    '| rule | finding | fixtures | positive at runtime | negative at runtime | reported by the rule | reported and positive | agreeing | disagreeing |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [i, t] of counts.entries()) {
    const row = CHECK_ROWS[i];
    if (!row) continue;
    lines.push(
      `| \`${t.rule}\` | ${row.finding} | ${results.length} | ${t.positive} | ${results.length - t.positive} | ${t.reported} | ${t.confirmed} | ${t.agreeing} | ${results.length - t.agreeing} |`,
    );
  }
  lines.push(
    '',
    `## Fixtures: \`${RULE_ID}\``,
    '',
    '| fixture | lint | runtime | leaking path | agree |',
    '| --- | --- | --- | --- | :---: |',
  );
  for (const r of results) {
    lines.push(
      `| [${r.name}](../${r.file}) | ${cell(lintCell(r))} | ${cell(runtimeCell(r))} | ${cell(pathCell(r))} | ${r.agree ? 'yes' : '**no**'} |`,
    );
  }
  lines.push(
    '',
    `## Fixtures: \`${DOUBLE_DONE_RULE_ID}\` and \`${RETRIES_RULE_ID}\``,
    '',
    `| fixture | \`no-double-done\` | double done at runtime | \`bounded-retries\` | retries at runtime | agree |`,
    '| --- | --- | --- | --- | --- | :---: |',
  );
  for (const r of results) {
    const { doubleDone, unboundedRetry, missingForget } = r.findings;
    const retriesLint = reportsCell([...unboundedRetry.reports, ...missingForget.reports].sort((a, b) => a.line - b.line));
    const retriesRuntime = `${retriesInWords(r.outcomes)}${findingPathText(unboundedRetry)}${findingPathText(missingForget)}`;
    const disagreeing = FINDINGS.filter((f) => !r.findings[f].agree);
    lines.push(
      `| [${r.name}](../${r.file}) | ${cell(reportsCell(doubleDone.reports))} | ${cell(doubleDone.runtimeEvidence + findingPathText(doubleDone))} | ${cell(retriesLint)} | ${cell(retriesRuntime)} | ${disagreeing.length === 0 ? 'yes' : `**no**: ${disagreeing.map((f) => `\`${f}\``).join(', ')}`} |`,
    );
  }
  lines.push('', '## Disagreements', '');
  for (const row of CHECK_ROWS) {
    const disagreeing = results.filter((r) => !row.agree(r));
    lines.push(`### \`${row.rule}\`: ${row.finding}`, '');
    if (disagreeing.length === 0) lines.push('None.', '');
    for (const r of disagreeing) lines.push(...disagreementLines(r, row.check));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
