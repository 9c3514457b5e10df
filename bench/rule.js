// Rule benchmark: `npm run bench:rule` (builds, then runs this file with --expose-gc and a larger stack).
//
// Prints, in one run:
//  1. Length. The lint time of one generated worker function with 1k, 2k and 4k branching statements between
//     `const [item, shutdown] = await q.get(); if (shutdown) return; try {` and `} finally { q.done(item); }`, and of
//     the same statements placed before the `try` (so the rule reports).
//  2. Nesting depth. Nested `if`s and an else-if chain, each at D/4, D/2 and D, where D is the deepest nesting of that
//     shape typescript-estree parses at Node's default stack size: found before the timed runs by a binary search,
//     each probe a fresh `node` process parsing the generated file (a fresh process is the coldest case; a warm
//     process parses deeper, so the timed runs below always parse).
//  3. Obligations held. 100, 200 and 400 items held at once across nested `finally` blocks (each level takes an
//     item and opens a `try` whose `finally` marks it done); 400 levels are deeper than the default stack lets
//     typescript-estree parse from a cold start, so this file runs with --stack-size (see package.json).
//  4. Obligations in sequence. 1,000, 2,000 and 4,000 get/try/finally blocks one after the other in one function.
//  The targets are measured untyped (the analysis itself, as in issue 14): with types, TypeScript's own flow analysis
//  makes every type query on an expression of a long function cost time in proportion to the function, so a typed
//  lint of these inputs measures the checker. The length inputs (section 1) are also linted typed, for information:
//  one TypeScript program holds them and is handed to the parser, so no run pays for type checking set-up. Every rule of the plugin and ESLint core rules that also consume code path analysis
//  (`no-useless-assignment`, the peer: a dataflow over the same segments; `no-unreachable`) run in the same pass,
//  and ESLint's `stats` give each rule's own time; code path analysis itself is done by ESLint for every rule and
//  is billed to none. The plugin's rules share one analysis per file, billed to whichever rule registers it first,
//  so "all plugin rules" (their sum) is the figure that matters. Median of several runs, inputs interleaved. Targets:
//  all plugin rules ≤ 1.0× no-useless-assignment on the 4,000-branch worker; every 4×-size ratio of the plugin
//  rules ≤ 5 (linear is 4); no plugin rule over 1 s on any input unless ESLint's parse of it takes longer.
//  5. Share. A typed lint of a generated 52-file controller/worker project with typescript-eslint's
//     `recommendedTypeChecked` plus every rule of the plugin: each plugin rule's share of the whole lint time (parse,
//     type information, every rule) and of the rules' time, from `stats`.
// If the plugin misses a scaling target, bench/rule-profile.js is run and prints the hotspots.
//
// Options: --runs N (timed runs per input, default 5; at least 3, and no new round after 240 s), --quick (fewer,
// smaller runs; for trying the script out), --no-profile (never run the profiler).
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
import { branchesBeforeTry, branchesInsideTry, elseIfChain, heldAcrossFinally, nestedIfs, sequentialGets } from './lib/generate.js';
import { fatalMessages, linterPass, sumStats } from './lib/lint-stats.js';
import { machineLines } from './lib/machine.js';
import { allPluginRules, NAMESPACE, plugin, repoRoot, ruleIds } from './lib/plugin.js';
import { collectGarbage, median, ms, pct, ratio, table } from './lib/stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg !== -1 ? Number(args[runsArg + 1]) : quick ? 3 : 5;
const SIZES = quick ? [250, 500, 1000] : [1000, 2000, 4000];
const HELD = quick ? [25, 50, 100] : [100, 200, 400];
const SEQUENTIAL = quick ? [250, 500, 1000] : [1000, 2000, 4000];
const CORPUS_ROUNDS = quick ? 1 : 3;
const TARGET = 5;
const PEER_TARGET = 1.0;
const ONE_SECOND = 1000;
const MIN_RUNS = Math.min(3, RUNS);
const BUDGET_MS = quick ? 20_000 : 240_000;
const PEER = 'no-useless-assignment';
const PEERS = [PEER, 'no-unreachable'];
const ALL = 'all plugin rules';
const short = (id) => id.replace(`${NAMESPACE}/`, '');

let failed = false;
const targetLines = [];
let missedScaling = false;

console.log('workqueue rule benchmark (npm run bench:rule)');
for (const line of machineLines()) console.log(line);
console.log(`plugin rules (from plugin.rules): ${ruleIds.join(', ')}`);
console.log(`peer rules (ESLint core, code path analysis): ${PEERS.join(', ')}; the peer for the targets: ${PEER}`);
console.log(`gc between runs: ${typeof globalThis.gc === 'function' ? 'yes' : 'no (run with --expose-gc)'}`);
const stackFlag = process.execArgv.find((flag) => flag.startsWith('--stack-size'));
console.log(`stack: ${stackFlag ?? 'default'} in this process; the deepest nesting is searched for at the default stack`);
console.log('');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'workqueue-bench-rule-'));

/**
 * The deepest nesting of a generated shape that typescript-estree parses at Node's default stack size, from a cold
 * start: a binary search whose every probe is a fresh `node` process (no --stack-size) parsing the generated file.
 */
function deepestParse(generator, low, high) {
  const probe = path.join(work, 'probe.mjs');
  fs.writeFileSync(
    probe,
    `import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(path.join(repoRoot, 'package.json'))});
const { parseForESLint } = require('@typescript-eslint/parser');
try {
  parseForESLint(fs.readFileSync(process.argv[2], 'utf8'), { filePath: 'probe.ts', range: true, loc: true, tokens: true, comment: true, sourceType: 'module' });
} catch {
  process.exit(1);
}
`,
  );
  const file = path.join(work, 'probe-input.ts');
  const parses = (depth) => {
    fs.writeFileSync(file, generator(depth));
    return spawnSync(process.execPath, [probe, file], { stdio: 'ignore' }).status === 0;
  };
  let lo = low;
  let hi = high;
  if (!parses(lo)) return lo;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (parses(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

try {
  const inputs = [];
  for (const n of SIZES) {
    inputs.push({ group: 'flat', variant: 'inside try', n, text: branchesInsideTry(n), expectReport: false });
    inputs.push({ group: 'flat', variant: 'before try', n, text: branchesBeforeTry(n), expectReport: true });
  }
  for (const n of SIZES) {
    inputs.push({ group: 'flat', variant: 'inside try, typed', n, text: branchesInsideTry(n), expectReport: false, typed: true });
    inputs.push({ group: 'flat', variant: 'before try, typed', n, text: branchesBeforeTry(n), expectReport: true, typed: true });
  }
  let t0 = performance.now();
  const nesting = [
    { variant: 'nested ifs', generator: nestedIfs },
    { variant: 'else-if chain', generator: elseIfChain },
  ];
  const depthSizes = {};
  for (const shape of nesting) {
    const deepest = deepestParse(shape.generator, 16, 4000);
    const sizes = quick ? [deepest >> 3, deepest >> 2, deepest >> 1] : [deepest >> 2, deepest >> 1, (deepest >> 2) * 4];
    depthSizes[shape.variant] = { deepest, sizes };
    for (const n of sizes) inputs.push({ group: 'depth', variant: shape.variant, n, text: shape.generator(n), expectReport: false });
  }
  const searchMs = performance.now() - t0;
  for (const n of HELD) inputs.push({ group: 'held', variant: 'held across nested finally', n, text: heldAcrossFinally(n), expectReport: false });
  for (const n of SEQUENTIAL) inputs.push({ group: 'sequence', variant: 'get/try/finally in sequence', n, text: sequentialGets(n), expectReport: false });
  inputs.forEach((input, i) => {
    input.file = path.join(work, `input-${i}.ts`);
    input.lines = input.text.split('\n').length;
    fs.writeFileSync(input.file, input.text);
  });

  t0 = performance.now();
  const program = ts.createProgram(
    inputs.filter((input) => input.typed).map((input) => input.file),
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
  const configFor = (typed) => [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser, parserOptions: typed ? { programs: [program] } : {} },
      plugins: { [NAMESPACE]: plugin },
      rules: { ...allPluginRules(), ...Object.fromEntries(PEERS.map((id) => [id, 'error'])) },
    },
  ];
  const configs = { typed: configFor(true), untyped: configFor(false) };
  const measured = [...ruleIds, ...PEERS];

  const lintOnce = (input) => {
    collectGarbage();
    const start = performance.now();
    const config = input.typed ? configs.typed : configs.untyped;
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
    // The sum per run, then the median: the shared analysis is billed to one rule, not always the same one.
    out.rules[ALL] = median(list.map((s) => ruleIds.reduce((sum, id) => sum + (s.pass.rules[id] ?? 0), 0)));
    return out;
  };
  for (const input of inputs) input.summary = summary(input);

  const groupNames = { flat: 'branching statements', depth: 'nesting depth', held: 'items held across nested finally', sequence: 'get/done pairs in sequence' };
  const printGroup = (group, title, label) => {
    console.log(title);
    const rows = inputs.filter((input) => input.group === group);
    const variants = [...new Set(rows.map((input) => input.variant))];
    for (const variant of variants) {
      const bySize = rows.filter((input) => input.variant === variant).sort((a, b) => a.n - b.n);
      const small = bySize[0];
      const large = bySize[bySize.length - 1];
      const a = small.summary;
      const b = large.summary;
      const header = [
        `${variant} (plugin reports: ${bySize.map((input) => Object.values(input.reports).reduce((x, y) => x + y, 0)).join('/')})`,
        ...bySize.map((input) => `${label}=${input.n} (${input.lines} lines)`),
        `${large.n}/${small.n}`,
        `target ≤ ${TARGET}`,
      ];
      const body = [
        ['lint: whole verify call', ...bySize.map((input) => `${ms(input.summary.wall)} ms`), ratio(b.wall, a.wall), ''],
        ['  of which parse (ESTree + scopes)', ...bySize.map((input) => `${ms(input.summary.parse)} ms`), ratio(b.parse, a.parse), ''],
      ];
      const what = `${large.n}/${small.n} ${groupNames[group]} (${variant})`;
      const allRatio = b.rules[ALL] / a.rules[ALL];
      const allOk = allRatio <= TARGET;
      const info = small.typed === true;
      if (!allOk && !info) missedScaling = true;
      const verdict = (ok) => (info ? `info   (${ok ? 'would meet' : 'over'})` : `target ${ok ? 'MET   ' : 'MISSED'}`);
      targetLines.push(`${verdict(allOk)} ${ALL} ${what}: ${allRatio.toFixed(2)} (≤ ${TARGET}; linear ≈ ${(large.n / small.n).toFixed(0)}; ${PEER} ${(b.rules[PEER] / a.rules[PEER]).toFixed(2)} in the same run)`);
      body.push([ALL, ...bySize.map((input) => `${ms(input.summary.rules[ALL])} ms`), ratio(b.rules[ALL], a.rules[ALL]), allOk ? 'met' : 'MISSED']);
      for (const id of ruleIds) {
        // A rule that only subscribes to the shared analysis spends well under a millisecond: its ratio is noise.
        const meaningful = b.rules[id] >= 1;
        const r = b.rules[id] / a.rules[id];
        const ok = !meaningful || r <= TARGET;
        if (!ok && !info) missedScaling = true;
        if (meaningful) targetLines.push(`${verdict(ok)} ${short(id)} ${what}: ${r.toFixed(2)} (≤ ${TARGET})`);
        body.push([`  ${id}`, ...bySize.map((input) => `${ms(input.summary.rules[id])} ms`), meaningful ? ratio(b.rules[id], a.rules[id]) : '', meaningful ? (ok ? 'met' : 'MISSED') : '< 1 ms']);
      }
      for (const id of PEERS) {
        body.push([`${id} (peer)`, ...bySize.map((input) => `${ms(input.summary.rules[id])} ms`), ratio(b.rules[id], a.rules[id]), '']);
      }
      body.push([`${ALL} / ${PEER}`, ...bySize.map((input) => ratio(input.summary.rules[ALL], input.summary.rules[PEER])), '', '']);
      body.push([`${ALL} / lint`, ...bySize.map((input) => pct(input.summary.rules[ALL], input.summary.wall)), '', '']);
      for (const line of table(header, body)) console.log(`  ${line}`);
      console.log('');
      for (const input of bySize) {
        const slowest = ruleIds.reduce((worst, id) => (input.summary.rules[id] > input.summary.rules[worst] ? id : worst), ruleIds[0]);
        const t = input.summary.rules[slowest];
        const ok = t <= ONE_SECOND || t <= input.summary.parse;
        if (!ok && !info) missedScaling = true;
        if (!ok || t > ONE_SECOND / 4) {
          targetLines.push(`${verdict(ok)} slowest plugin rule on ${variant} ${label}=${input.n}: ${short(slowest)} ${ms(t)} ms (≤ 1 s, or ≤ parse ${ms(input.summary.parse)} ms)`);
        }
      }
    }
  };

  console.log(`untyped, except the variants marked typed: one TypeScript program for those ${inputs.filter((i) => i.typed).length} inputs, built in ${ms(programMs)} ms and passed to the parser (parserOptions.programs)`);
  console.log(`median of ${timedRounds} runs${timedRounds < RUNS ? ` (of ${RUNS}: time budget of ${BUDGET_MS / 1000} s reached)` : ''} after 1 warm-up run; inputs interleaved; "lint ms" is the whole verify call (parse, scope and code path analysis, every rule below); rule columns are ESLint stats`);
  console.log('');
  printGroup(
    'flat',
    `1. length: one worker function with N branching statements (8 shapes cycled: if/else, else-if, switch of 4 arms, early return, throw, for-of with continue, try/catch, awaited call then if/else), nesting depth constant`,
    'N',
  );
  const deepest = Object.entries(depthSizes).map(([variant, { deepest: d }]) => `${variant} ${d}`).join(', ');
  printGroup('depth', `2. nesting depth: D nested ifs, and an else-if chain of D arms, inside the try; the deepest D typescript-estree parses at the default stack, cold: ${deepest} (searched in ${ms(searchMs)} ms)`, 'D');
  printGroup('held', '3. obligations held: K items held at once, each taken at one level and marked done in that level\'s finally, levels nested', 'K');
  printGroup('sequence', '4. obligations in sequence: M get/try/finally blocks one after the other in one function', 'M');
  for (const input of inputs.filter((i) => i.expectReport && i.n === SIZES[0])) {
    console.log(`  the "${input.variant}" variant reports, e.g.: ${input.firstReport ?? '(nothing)'}`);
    console.log('');
  }
  for (const input of inputs.filter((i) => i.group === 'flat' && i.n === SIZES[SIZES.length - 1]).reverse()) {
    const r = input.summary.rules[ALL] / input.summary.rules[PEER];
    const ok = r <= PEER_TARGET;
    if (!ok && !input.typed) missedScaling = true;
    targetLines.unshift(`${input.typed ? `info   (${ok ? 'would meet' : 'over'})` : `target ${ok ? 'MET   ' : 'MISSED'}`} ${ALL} ÷ ${PEER} on the ${input.n}-branch worker (${input.variant}): ${r.toFixed(2)} (≤ ${PEER_TARGET.toFixed(1)}; ${ms(input.summary.rules[ALL])} ms vs ${ms(input.summary.rules[PEER])} ms)`);
  }

  // ---- 5. share of a typed lint of a realistic project --------------------------------------------------------
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
    `5. share of a typed lint: generated controller/worker project, ${corpusFiles.length} files, ${lines} lines (${PLANTED_LEAKS.length} planted leaks); typescript-eslint recommendedTypeChecked (${ruleNames.length - ruleIds.length} rules) + the plugin's rules; projectService`,
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

if (missedScaling && !args.includes('--no-profile')) {
  // The rules share one analysis, so one profile (require-done alone, which runs it) shows the hotspots of all.
  const profiled = ruleIds.includes(`${NAMESPACE}/require-done`) ? `${NAMESPACE}/require-done` : ruleIds[0];
  console.log('');
  console.log(`a scaling target was missed; profile of ${profiled}: npm run bench:rule:profile -- --rule ${profiled}`);
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--no-turbo-inlining', path.join(repoRoot, 'bench', 'rule-profile.js'), '--rule', profiled, ...(quick ? ['--quick'] : [])],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
