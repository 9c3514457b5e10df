// Real code: `npm run bench:real-code` (builds, then runs this file with --expose-gc).
//
// Lints rxjs's TypeScript sources (node_modules/rxjs/src, shipped in rxjs's npm package; nobody here wrote them) with
// type information, and asserts that the plugin neither crashes nor reports on code that has no work queue and none of
// the configured acquire/release pairs:
//  - the sources are copied to a temporary directory with a tsconfig.json (rxjs's own compiler options: strict,
//    esnext, dom; its path mappings), and linted through typescript-eslint's projectService;
//  - passes, each in a fresh ESLint instance with typescript-eslint's caches cleared (so each builds its own program
//    and pays for its own type checking):
//      ours      every rule of plugin.rules at 'error', nothing else
//      nfp       @typescript-eslint/no-floating-promises alone (the peer)
//      together  both in one pass
//    three rounds, in rotating order; the medians of ESLint `stats` per-rule times are compared as ratios;
//  - then "every file analysed": the same sources with a `// get()` comment appended to each file. The rules skip a
//    file whose text has no `get(` (a cheap pre-filter), and most of rxjs has none; the comment defeats the filter,
//    so every function of rxjs goes through the analysis (code path recording, events, obligations). This is the
//    crash test of the analysis on every function, and its cost with no filter;
//  - one untyped pass (the rules' name-based fallback) for crashes and reports.
// A crash is a fatal message (parse error, file outside the project) or an exception from a rule; a rule exception
// makes ESLint abort the whole run, so the files are then linted one by one to list every file that throws.
// Exit code 1 if there is a crash or a report from the plugin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { clearCaches } from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

import { sumStats } from './lib/lint-stats.js';
import { machineLines } from './lib/machine.js';
import { allPluginRules, NAMESPACE, plugin, repoRoot, ruleIds } from './lib/plugin.js';
import { collectGarbage, median, ms, ratio, table } from './lib/stats.js';

const args = process.argv.slice(2);
const ROUNDS = args.includes('--quick') ? 1 : 3;
const NFP = '@typescript-eslint/no-floating-promises';
const TARGET = 0.25;
const short = (id) => id.replace(`${NAMESPACE}/`, '');

const rxjsPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'rxjs', 'package.json'), 'utf8'));
const rxjsSource = path.join(repoRoot, 'node_modules', 'rxjs', 'src');

let failed = false;
const summary = [];

console.log('real code: rxjs sources, typed (npm run bench:real-code)');
for (const line of machineLines()) console.log(line);

function listTs(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function makeProject(dir, appendComment) {
  fs.cpSync(rxjsSource, path.join(dir, 'src'), { recursive: true });
  const files = listTs(path.join(dir, 'src'));
  if (appendComment) for (const file of files) fs.appendFileSync(file, '\n// get()\n');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noImplicitReturns: true,
          target: 'esnext',
          module: 'esnext',
          moduleResolution: 'node',
          lib: ['esnext', 'dom'],
          noEmit: true,
          skipLibCheck: true,
          types: [],
          baseUrl: '.',
          paths: {
            rxjs: ['./src/index'],
            'rxjs/operators': ['./src/operators/index'],
            'rxjs/testing': ['./src/testing/index'],
            'rxjs/ajax': ['./src/ajax/index'],
            'rxjs/webSocket': ['./src/webSocket/index'],
            'rxjs/fetch': ['./src/fetch/index'],
            'rxjs/internal/*': ['./src/internal/*'],
          },
        },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ),
  );
  return files;
}

function config(dir, rules, typed) {
  return [
    {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tseslint.parser,
        parserOptions: typed ? { projectService: true, tsconfigRootDir: dir } : {},
      },
      plugins: { [NAMESPACE]: plugin, '@typescript-eslint': tseslint.plugin },
      rules,
    },
  ];
}

/** One cold pass. Returns timings and results, or the crashes when a rule threw. */
async function pass(dir, rules, typed) {
  clearCaches();
  collectGarbage();
  const make = () => new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config(dir, rules, typed), stats: true });
  const start = performance.now();
  try {
    const results = await make().lintFiles(['src/**/*.ts']);
    return { wall: performance.now() - start, results, stats: sumStats(results), exceptions: [] };
  } catch (error) {
    // A rule threw: ESLint stops at the first one. Lint the files one by one to find every file that throws.
    const exceptions = [];
    const results = [];
    const eslint = make();
    for (const file of listTs(path.join(dir, 'src'))) {
      try {
        results.push(...(await eslint.lintFiles([file])));
      } catch (inner) {
        exceptions.push({ file: path.relative(dir, file), message: String(inner?.message ?? inner).split('\n').slice(0, 3).join(' | ') });
      }
    }
    if (exceptions.length === 0) exceptions.push({ file: '(whole run)', message: String(error?.message ?? error) });
    return { wall: performance.now() - start, results, stats: sumStats(results), exceptions };
  }
}

/** Crashes and plugin reports of a pass, printed; returns whether it was clean. */
function check(label, dir, outcome) {
  const rel = (file) => path.relative(dir, file);
  const fatal = outcome.results.flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => `${rel(r.filePath)}:${m.line ?? 0}: ${m.message}`));
  const reports = outcome.results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId?.startsWith(`${NAMESPACE}/`))
      .map((m) => `${rel(r.filePath)}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`),
  );
  const typedFiles = outcome.results.length;
  console.log(
    `  ${label}: ${typedFiles} files; crashes: ${outcome.exceptions.length} rule exception(s), ${fatal.length} fatal message(s); plugin reports: ${reports.length}`,
  );
  for (const e of outcome.exceptions) console.log(`    RULE EXCEPTION ${e.file}: ${e.message}`);
  for (const f of fatal) console.log(`    FATAL ${f}`);
  for (const r of reports) console.log(`    FALSE POSITIVE ${r}`);
  const clean = outcome.exceptions.length === 0 && fatal.length === 0 && reports.length === 0;
  if (!clean) failed = true;
  return { clean, crashes: outcome.exceptions.length + fatal.length, reports: reports.length };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'workqueue-bench-rxjs-'));
try {
  const plainDir = path.join(work, 'plain');
  const analysedDir = path.join(work, 'analysed');
  const files = makeProject(plainDir, false);
  makeProject(analysedDir, true);
  const lines = files.reduce((sum, file) => sum + fs.readFileSync(file, 'utf8').split('\n').length, 0);
  const withGet = files.filter((file) => /\bget\s*\(/.test(fs.readFileSync(file, 'utf8'))).length;
  console.log(
    `rxjs ${rxjsPackage.version}: ${files.length} .ts files, ${lines} lines; ${withGet} file(s) contain \`get(\` (the rules' pre-filter), the rest are skipped unless the filter is defeated`,
  );
  console.log(`plugin rules (from plugin.rules, all at 'error'): ${ruleIds.join(', ')}; peer: ${NFP}`);
  console.log(`typed through projectService with a tsconfig.json beside the copied sources; ${ROUNDS} round(s) of cold passes in rotating order; medians`);
  console.log('');

  const ours = allPluginRules();
  const nfp = { [NFP]: 'error' };
  const together = { ...ours, ...nfp };

  // Warm-up: loads and compiles typescript, typescript-eslint and the plugin once, so the first timed pass does not pay for it.
  await pass(plainDir, together, true);

  const measure = async (dir) => {
    const kinds = { ours, nfp, together };
    const names = Object.keys(kinds);
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
      for (const name of order) samples[name].push(await pass(dir, kinds[name], true));
    }
    return samples;
  };

  const report = (title, dir, samples) => {
    console.log(title);
    const clean = {};
    for (const name of Object.keys(samples)) clean[name] = check(`pass "${name}" (last round)`, dir, samples[name][samples[name].length - 1]);
    const med = (name, pick) => median(samples[name].map((s) => pick(s)));
    const rule = (name, id) => med(name, (s) => s.stats.rules[id] ?? 0);
    const nfpAlone = rule('nfp', NFP);
    const nfpTogether = rule('together', NFP);
    const passRows = Object.keys(samples).map((name) => [
      name,
      `${ms(med(name, (s) => s.wall))} ms`,
      `${ms(med(name, (s) => s.stats.parse))} ms`,
      `${ms(med(name, (s) => Object.values(s.stats.rules).reduce((a, b) => a + b, 0)))} ms`,
    ]);
    console.log('');
    for (const line of table(['pass', 'lint wall', 'parse incl. types', 'all rules'], passRows)) console.log(`  ${line}`);
    console.log('');
    const rows = [];
    for (const id of ruleIds) {
      const alone = rule('ours', id);
      const inTogether = rule('together', id);
      const r = alone / nfpAlone;
      rows.push([id, `${ms(alone)} ms`, `${ms(inTogether)} ms`, ratio(alone, nfpAlone), ratio(inTogether, nfpTogether)]);
      summary.push({ title, id, ratio: r, ratioTogether: inTogether / nfpTogether });
    }
    rows.push([`${NFP} (peer)`, `${ms(nfpAlone)} ms`, `${ms(nfpTogether)} ms`, '1', '1']);
    const header = ['rule', 'alone ("ours")', 'in "together"', `÷ nfp alone`, `÷ nfp in "together"`];
    for (const line of table(header, rows)) console.log(`  ${line}`);
    console.log('');
    return clean;
  };

  const plain = await measure(plainDir);
  report('rxjs as shipped', plainDir, plain);
  const analysed = await measure(analysedDir);
  report('rxjs, every file analysed (`// get()` appended to each file)', analysedDir, analysed);

  console.log('untyped (the rules\' name-based fallback), every file analysed, plugin rules only');
  const untyped = await pass(analysedDir, ours, false);
  check('pass "ours, untyped"', analysedDir, untyped);
  console.log(`  lint wall ${ms(untyped.wall)} ms; ${ruleIds.map((id) => `${short(id)} ${ms(untyped.stats.rules[id] ?? 0)} ms`).join(', ')}`);
  console.log('');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

console.log('summary');
for (const { title, id, ratio: r, ratioTogether } of summary) {
  const verdict = id === `${NAMESPACE}/require-done` ? (r < TARGET ? 'target MET   ' : 'target MISSED') : 'info         ';
  console.log(
    `  ${verdict} ${short(id)} ÷ no-floating-promises, ${title}: ${r.toFixed(3)} alone, ${ratioTogether.toFixed(3)} in one pass${id === `${NAMESPACE}/require-done` ? ` (< ${TARGET})` : ''}`,
  );
}
console.log(`  assertions (no rule exception, no fatal message, no plugin report on rxjs): ${failed ? 'FAILED' : 'passed'}`);
process.exitCode = failed ? 1 : 0;
