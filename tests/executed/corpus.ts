/**
 * The executed fixture corpus: every worker in `tests/fixtures/workers/` is linted (typed) and run under every
 * scenario, twice — as vitest imports it, and instrumented with statement probes — and the verdicts are compared.
 * `renderDoc()` turns the result into `docs/fixtures.md`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type FixtureMeta, type FixtureModule, SCENARIOS, type Scenario } from '../fixtures/contract.js';
import { DRAIN_TIMEOUT_MS, FAULT_KEY, MAX_RETRIES, runScenario, type ScenarioOutcome } from './drive.js';
import { type Hits, loadInstrumented, withProbes } from './instrument.js';
import { type LintOutcome, type LintReport, lintTyped } from './lint.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WORKERS_DIR = path.join(ROOT, 'tests/fixtures/workers');
export const DOC_PATH = path.join(ROOT, 'docs/fixtures.md');

/**
 * Fixtures on which the rule and the execution disagree although the fixture is right, with the evidence. The
 * harness asserts that they still disagree, so a fix of the rule shows up as a failing test that asks to move the
 * fixture back to the agreeing majority.
 */
export const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {};

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
    let leakHits: Hits | undefined;
    for (const scenario of SCENARIOS) {
      const hits: Hits = new Set();
      const probed = await withProbes(hits, () => runScenario(instrumented, scenario));
      const bare = await runScenario(plain, scenario);
      if (comparable(bare) !== comparable(probed)) mismatches.push(`${scenario}: plain ${comparable(bare)} / instrumented ${comparable(probed)}`);
      outcomes.push(bare);
      if (scenario === meta.leakScenario) leakHits = hits;
    }

    const lintOutcome = lint.get(file) ?? { reports: [], typed: false };
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
    });
  }
  return results;
}

// ---- docs/fixtures.md ---------------------------------------------------------------------------------------------

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function lintCell(r: FixtureResult): string {
  if (!r.lintLeaks) return 'clean';
  return r.lint.reports.map((m) => `line ${m.line}: \`${m.messageId}\``).join('<br>');
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

export function renderDoc(results: readonly FixtureResult[]): string {
  const leaking = results.filter((r) => r.runtimeLeaks).length;
  const agreeing = results.filter((r) => r.agree).length;
  const lintLeaking = results.filter((r) => r.lintLeaks).length;
  const lines: string[] = [
    '# Executed fixtures',
    '',
    '<!-- Generated by `npm run fixtures:doc` (scripts/fixtures-doc.mjs) from tests/executed/. Do not edit by hand:',
    '     `npx vitest run tests/executed` fails when this file is not current. -->',
    '',
    'Every worker in [`tests/fixtures/workers/`](../tests/fixtures/workers/) is a realistic controller worker written',
    'against `eslint-plugin-workqueue/queue`. Each one is judged twice:',
    '',
    '- **lint**: `workqueue/require-done`, with type information from the project\'s `tsconfig.json` (one program for',
    '  all files), reports a leak or not;',
    `- **runtime**: the worker runs against the reference queue on a \`FakeClock\` in ${SCENARIOS.length} scenarios —`,
    `  ${SCENARIOS.map((s) => `\`${s}\``).join(', ')} — with faults aimed at \`${FAULT_KEY}\`, a retry cap of`,
    `  ${MAX_RETRIES}, then \`shutDownWithDrain({ timeoutMs: ${DRAIN_TIMEOUT_MS} })\` and the clock stepped past the timeout.`,
    '  A scenario leaks when the drain rejects or `processing()` still lists an item.',
    '',
    'The two verdicts must agree. For a leaking fixture, the scenario its `meta.leakScenario` names must also leave an',
    'item processing *and* execute the line marked `// leak:` (statement probes in an instrumented copy, whose outcomes',
    'must equal the plain run\'s). See [`tests/fixtures/contract.ts`](../tests/fixtures/contract.ts) for the contract',
    'and the scenarios.',
    '',
    '## Totals',
    '',
    '| fixtures | leaking (runtime) | correct (runtime) | reported by the rule | agreeing | disagreeing |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${results.length} | ${leaking} | ${results.length - leaking} | ${lintLeaking} | ${agreeing} | ${results.length - agreeing} |`,
    '',
    '## Fixtures',
    '',
    '| fixture | lint | runtime | leaking path | agree |',
    '| --- | --- | --- | --- | :---: |',
  ];
  for (const r of results) {
    lines.push(
      `| [${r.name}](../${r.file}) | ${cell(lintCell(r))} | ${cell(runtimeCell(r))} | ${cell(pathCell(r))} | ${r.agree ? 'yes' : '**no**'} |`,
    );
  }
  const disagreeing = results.filter((r) => !r.agree);
  lines.push('', '## Disagreements', '');
  if (disagreeing.length === 0) lines.push('None.');
  for (const r of disagreeing) {
    lines.push(
      `### ${r.name}`,
      '',
      `- rule: ${r.lintLeaks ? r.lint.reports.map((m) => `line ${m.line} \`${m.messageId}\``).join(', ') : 'no report'}`,
      `- runtime: ${runtimeCell(r)}; ${r.outcomes
        .filter(leaked)
        .map((o) => `\`${o.scenario}\`: still processing [${o.leaked.join(', ')}], drain ${o.drain}, trace: ${o.trace.join(' → ') || '—'}`)
        .join('; ')}`,
    );
    if (r.path) {
      lines.push(
        `- path: ${r.path.probe !== undefined ? `the \`// leak:\` line ${r.path.line} ran in \`${r.meta.leakScenario}\` (probe at ${r.path.probe})` : `the \`// leak:\` line ${r.path.line} did not run`}`,
      );
    }
    const why = KNOWN_DISAGREEMENTS[r.name];
    if (why) lines.push(`- why: ${why}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
