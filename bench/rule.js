// Rule benchmark: `npm run bench:rule` (builds, then runs this file with --expose-gc).
//
// Prints, in one run:
//  1. Scaling. The lint time of one generated worker function with 1k, 2k and 4k branching statements between
//     `const [item, shutdown] = await q.get(); if (shutdown) return; try {` and `} finally { q.done(item); }`, and of
//     the same statements placed before the `try` (so the rule reports). Typed: one TypeScript program holds every
//     input and is handed to the parser, so no run pays for type checking set-up. Every rule of the plugin and two
//     ESLint core rules that also consume code path analysis (`no-unreachable`, `consistent-return`) run in the
//     same pass, and ESLint's `stats` give each rule's own time; code path analysis itself is done by ESLint for
//     every rule and is billed to none. Median of several runs, inputs interleaved; the 4k/1k ratio of each rule
//     (linear ≈ 4; target < 5).
//  2. Nesting depth. One else-if chain of 125, 250 and 500 arms (the function grows in depth, not length). Same
//     method, 500/125 ratio against the same threshold.
//  3. Share. A typed lint of a generated 52-file controller/worker project with typescript-eslint's
//     `recommendedTypeChecked` plus every rule of the plugin: each plugin rule's share of the whole lint time (parse,
//     type information, every rule) and of the rules' time, from `stats`.
// If a plugin rule misses the scaling target, bench/rule-profile.js is run for it and prints the hotspots.
//
// Options: --runs N (timed runs per input, default 5; at least 3, and no new round after 120 s), --quick (fewer, smaller runs; for trying the script out),
// --no-profile (never run the profiler).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { clearCaches } from '@typescript-eslint/parser';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

import { writeCorpus, PLANTED_LEAKS } from './lib/corpus.js';
import { branchesBeforeTry, branchesInsideTry, elseIfChain } from './lib/generate.js';
import { fatalMessages, linterPass, sumStats } from './lib/lint-stats.js';
import { machineLines } from './lib/machine.js';
import { allPluginRules, NAMESPACE, plugin, repoRoot, ruleIds } from './lib/plugin.js';
import { collectGarbage, median, ms, pct, ratio, table } from './lib/stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg !== -1 ? Number(args[runsArg + 1]) : quick ? 3 : 5;
const SIZES = quick ? [250, 500, 1000] : [1000, 2000, 4000];
const DEPTHS = [125, 250, 500];
const CORPUS_ROUNDS = quick ? 1 : 3;
const TARGET = 5;
const MIN_RUNS = Math.min(3, RUNS);
const BUDGET_MS = quick ? 20_000 : 120_000;
const PEERS = ['no-unreachable', 'consistent-return'];
const short = (id) => id.replace(`${NAMESPACE}/`, '');

let failed = false;
const targetLines = [];
const missed = new Set();

console.log('workqueue rule benchmark (npm run bench:rule)');
for (const line of machineLines()) console.log(line);
console.log(`plugin rules (from plugin.rules): ${ruleIds.join(', ')}`);
console.log(`peer rules (ESLint core, code path analysis): ${PEERS.join(', ')}`);
console.log(`gc between runs: ${typeof globalThis.gc === 'function' ? 'yes' : 'no (run with --expose-gc)'}`);
console.log('');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'workqueue-bench-rule-'));
try {
  const inputs = [];
  for (const n of SIZES) {
    inputs.push({ group: 'flat', variant: 'inside try', n, text: branchesInsideTry(n), expectReport: false });
    inputs.push({ group: 'flat', variant: 'before try', n, text: branchesBeforeTry(n), expectReport: true });
  }
  for (const depth of DEPTHS) inputs.push({ group: 'depth', variant: 'else-if chain', n: depth, text: elseIfChain(depth), expectReport: false });
  inputs.forEach((input, i) => {
    input.file = path.join(work, `input-${i}.ts`);
    input.lines = input.text.split('\n').length;
    fs.writeFileSync(input.file, input.text);
  });

  let t0 = performance.now();
  const program = ts.createProgram(
    inputs.map((input) => input.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      lib: ['lib.es2022.d.ts'],
      strict: true,
      noEmit: true,
      types: [],
    },
  );
  program.getTypeChecker();
  const programMs = performance.now() - t0;

  const linter = new Linter({ configType: 'flat', cwd: work });
  const config = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser, parserOptions: { programs: [program] } },
      plugins: { [NAMESPACE]: plugin },
      rules: { ...allPluginRules(), ...Object.fromEntries(PEERS.map((id) => [id, 'error'])) },
    },
  ];
  const measured = [...ruleIds, ...PEERS];

  const lintOnce = (input) => {
    collectGarbage();
    const start = performance.now();
    const { messages } = linter.verifyAndFix(input.text, config, { filename: input.file, stats: true, fix: false });
    const wall = performance.now() - start;
    return { wall, pass: linterPass(linter), messages };
  };

  // Warm-up round (also the correctness check of every input), then timed rounds, interleaved.
  for (const input of inputs) {
    const { messages } = lintOnce(input);
    const fatal = messages.filter((m) => m.fatal);
    const ours = messages.filter((m) => m.ruleId?.startsWith(`${NAMESPACE}/`));
    input.reports = Object.fromEntries(ruleIds.map((id) => [id, ours.filter((m) => m.ruleId === id).length]));
    const example = ours.find((m) => m.ruleId === `${NAMESPACE}/require-done`) ?? ours[0];
    input.firstReport = example ? `${example.ruleId} ${example.line}:${example.column} ${example.message}` : undefined;
    if (fatal.length > 0) {
      failed = true;
      console.log(`UNEXPECTED: fatal message on ${input.variant} ${input.n}: ${fatal[0].message}`);
    }
    const rd = `${NAMESPACE}/require-done`;
    if (rd in input.reports && (input.reports[rd] > 0) !== input.expectReport) {
      failed = true;
      console.log(
        `UNEXPECTED: require-done reported ${input.reports[rd]} time(s) on "${input.variant}" ${input.n}, expected ${input.expectReport ? 'at least one' : 'none'}${input.firstReport ? `; first: ${input.firstReport}` : ''}`,
      );
    }
  }
  const samples = new Map(inputs.map((input) => [input, []]));
  // At least MIN_RUNS rounds; no new round once the timed rounds have taken BUDGET_MS (a slow, loaded machine).
  const timedStart = performance.now();
  let timedRounds = 0;
  for (let round = 0; round < RUNS; round++) {
    if (round >= MIN_RUNS && performance.now() - timedStart > BUDGET_MS) break;
    timedRounds++;
    const order = round % 2 === 0 ? inputs : [...inputs].reverse();
    for (const input of order) samples.get(input).push(lintOnce(input));
  }
  const summary = (input) => {
    const list = samples.get(input);
    const out = { wall: median(list.map((s) => s.wall)), parse: median(list.map((s) => s.pass.parse)), rules: {} };
    for (const id of measured) out.rules[id] = median(list.map((s) => s.pass.rules[id] ?? 0));
    return out;
  };
  for (const input of inputs) input.summary = summary(input);

  const printGroup = (group, title, sizes, label) => {
    console.log(title);
    const small = sizes[0];
    const large = sizes[sizes.length - 1];
    const rows = inputs.filter((input) => input.group === group);
    const variants = [...new Set(rows.map((input) => input.variant))];
    for (const variant of variants) {
      const bySize = sizes.map((n) => rows.find((input) => input.variant === variant && input.n === n));
      const a = bySize[0].summary;
      const b = bySize[bySize.length - 1].summary;
      const header = [
        `${variant} (plugin reports: ${bySize.map((input) => Object.values(input.reports).reduce((x, y) => x + y, 0)).join('/')})`,
        ...bySize.map((input) => `${label}=${input.n} (${input.lines} lines)`),
        `${large}/${small}`,
        `target < ${TARGET}`,
      ];
      const body = [
        ['lint: whole verify call', ...bySize.map((input) => `${ms(input.summary.wall)} ms`), ratio(b.wall, a.wall), ''],
        ['  of which parse (ESTree + scopes)', ...bySize.map((input) => `${ms(input.summary.parse)} ms`), ratio(b.parse, a.parse), ''],
      ];
      for (const id of ruleIds) {
        const r = b.rules[id] / a.rules[id];
        const ok = r < TARGET;
        if (!ok) missed.add(id);
        targetLines.push(
          `target ${ok ? 'MET   ' : 'MISSED'} ${short(id)} ${large}/${small} ${group === 'flat' ? 'branching statements' : 'else-if depth'} (${variant}): ${r.toFixed(2)} (< ${TARGET}; linear ≈ ${large / small})`,
        );
        body.push([id, ...bySize.map((input) => `${ms(input.summary.rules[id])} ms`), ratio(b.rules[id], a.rules[id]), ok ? 'met' : 'MISSED']);
      }
      for (const id of PEERS) {
        body.push([`${id} (peer)`, ...bySize.map((input) => `${ms(input.summary.rules[id])} ms`), ratio(b.rules[id], a.rules[id]), '']);
      }
      const rd = `${NAMESPACE}/require-done`;
      if (ruleIds.includes(rd)) {
        body.push(['require-done / no-unreachable', ...bySize.map((input) => ratio(input.summary.rules[rd], input.summary.rules['no-unreachable'])), '', '']);
        body.push(['require-done / lint', ...bySize.map((input) => pct(input.summary.rules[rd], input.summary.wall)), '', '']);
      }
      for (const line of table(header, body)) console.log(`  ${line}`);
      console.log('');
    }
  };

  console.log(`typed: one TypeScript program for all ${inputs.length} inputs, built in ${ms(programMs)} ms and passed to the parser (parserOptions.programs)`);
  console.log(`median of ${timedRounds} runs${timedRounds < RUNS ? ` (of ${RUNS}: time budget of ${BUDGET_MS / 1000} s reached)` : ''} after 1 warm-up run; inputs interleaved; "lint ms" is the whole verify call (parse, scope and code path analysis, every rule below); rule columns are ESLint stats`);
  console.log('');
  printGroup(
    'flat',
    `1. scaling: one worker function with N branching statements (8 shapes cycled: if/else, else-if, switch of 4 arms, early return, throw, for-of with continue, try/catch, awaited call then if/else), nesting depth constant`,
    SIZES,
    'N',
  );
  printGroup('depth', '2. nesting depth: one else-if chain of D arms inside the try (typescript-estree overflows its stack near D = 1000)', DEPTHS, 'D');
  for (const input of inputs.filter((i) => i.expectReport && i.n === SIZES[0])) {
    console.log(`  the "${input.variant}" variant reports, e.g.: ${input.firstReport ?? '(nothing)'}`);
    console.log('');
  }

  // ---- 3. share of a typed lint of a realistic project --------------------------------------------------------
  const corpusDir = path.join(work, 'corpus');
  const corpusFiles = writeCorpus(corpusDir);
  const lines = corpusFiles.reduce((sum, file) => sum + fs.readFileSync(path.join(corpusDir, file), 'utf8').split('\n').length, 0);
  const corpusConfig = [
    ...tseslint.configs.recommendedTypeChecked,
    { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: corpusDir } } },
    { plugins: { [NAMESPACE]: plugin }, rules: allPluginRules() },
  ];
  const rounds = [];
  let corpusResults;
  for (let round = 0; round < CORPUS_ROUNDS; round++) {
    clearCaches();
    collectGarbage();
    const eslint = new ESLint({ cwd: corpusDir, overrideConfigFile: true, overrideConfig: corpusConfig, stats: true });
    t0 = performance.now();
    corpusResults = await eslint.lintFiles(['src/**/*.ts']);
    rounds.push({ wall: performance.now() - t0, stats: sumStats(corpusResults) });
  }
  const fatal = fatalMessages(corpusResults, (file) => path.relative(corpusDir, file));
  const ruleNames = Object.keys(rounds[0].stats.rules);
  const med = {
    wall: median(rounds.map((r) => r.wall)),
    total: median(rounds.map((r) => r.stats.total)),
    parse: median(rounds.map((r) => r.stats.parse)),
    rules: Object.fromEntries(ruleNames.map((id) => [id, median(rounds.map((r) => r.stats.rules[id] ?? 0))])),
  };
  const rulesTotal = Object.values(med.rules).reduce((a, b) => a + b, 0);
  console.log(
    `3. share of a typed lint: generated controller/worker project, ${corpusFiles.length} files, ${lines} lines (${PLANTED_LEAKS.length} planted leaks); typescript-eslint recommendedTypeChecked (${ruleNames.length - ruleIds.length} rules) + the plugin's rules; projectService`,
  );
  console.log(`   median of ${CORPUS_ROUNDS} cold runs (parser caches cleared before each); times summed over files from ESLint stats`);
  console.log(`   lint wall ${ms(med.wall)} ms; stats total ${ms(med.total)} ms = parse incl. type information ${ms(med.parse)} ms + rules ${ms(rulesTotal)} ms + traversal`);
  const top = Object.entries(med.rules).sort((a, b) => b[1] - a[1]);
  const shown = top.slice(0, 6).map(([id]) => id);
  for (const id of ruleIds) if (!shown.includes(id)) shown.push(id);
  const shareRows = shown.map((id) => [id, ms(med.rules[id]), pct(med.rules[id], med.total), pct(med.rules[id], rulesTotal)]);
  for (const line of table(['rule', 'ms', 'share of lint', 'share of rules'], shareRows)) console.log(`   ${line}`);
  const nfp = med.rules['@typescript-eslint/no-floating-promises'];
  for (const id of ruleIds) {
    console.log(`   ${short(id)} / no-floating-promises on this project: ${ratio(med.rules[id], nfp)}`);
  }
  // The planted leaks are the only reports the plugin should make here.
  const reports = corpusResults.flatMap((result) =>
    result.messages
      .filter((m) => m.ruleId?.startsWith(`${NAMESPACE}/`))
      .map((m) => ({ file: path.relative(corpusDir, result.filePath), line: m.line, ruleId: m.ruleId, message: m.message })),
  );
  const rd = `${NAMESPACE}/require-done`;
  // In a file with a planted leak any rule of the plugin may report (done-immediately flags the same code); elsewhere none.
  const unexpected = reports.filter((r) => !PLANTED_LEAKS.some((p) => p.file === r.file));
  const missing = ruleIds.includes(rd) ? PLANTED_LEAKS.filter((p) => !reports.some((r) => r.ruleId === rd && r.file === p.file)) : [];
  const perRule = ruleIds.map((id) => `${short(id)} ${reports.filter((r) => r.ruleId === id).length}`).join(', ');
  console.log(
    `   plugin reports: ${reports.length} (${perRule}); planted leaks found by require-done ${PLANTED_LEAKS.length - missing.length}/${PLANTED_LEAKS.length}; reports outside the planted files: ${unexpected.length}`,
  );
  for (const r of unexpected) console.log(`   UNEXPECTED REPORT ${r.file}:${r.line} ${r.ruleId}: ${r.message}`);
  for (const p of missing) console.log(`   MISSED PLANTED LEAK ${p.file}: ${p.what}`);
  for (const f of fatal) console.log(`   FATAL ${f}`);
  if (unexpected.length > 0 || missing.length > 0 || fatal.length > 0) failed = true;
  for (const id of ruleIds) {
    targetLines.push(`info   ${short(id)} share of a typed lint of the generated project: ${pct(med.rules[id], med.total)} of lint time, ${pct(med.rules[id], rulesTotal)} of rule time`);
  }
  console.log('');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

console.log('summary');
for (const line of targetLines) console.log(`  ${line}`);
console.log(`  assertions (reports where expected, none elsewhere, no fatal errors): ${failed ? 'FAILED' : 'passed'}`);

if (missed.size > 0 && !args.includes('--no-profile')) {
  // The rules share one analysis, so one profile shows the hotspots of all; require-done's first when it missed.
  const rd = `${NAMESPACE}/require-done`;
  const profiled = missed.has(rd) ? rd : [...missed][0];
  const others = [...missed].filter((id) => id !== profiled);
  console.log('');
  console.log(`profile of ${profiled} (missed the target): npm run bench:rule:profile -- --rule ${profiled}`);
  if (others.length > 0) {
    console.log(`(also missed: ${others.join(', ')}; they run the same shared analysis; profile one with npm run bench:rule:profile -- --rule <id>)`);
  }
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--no-turbo-inlining', path.join(repoRoot, 'bench', 'rule-profile.js'), '--rule', profiled, ...(quick ? ['--quick'] : [])],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
