// Real-world precision: `npm run bench:real-world` (builds, then runs this file with --expose-gc).
//
// Lints published code that really uses the APIs the rules check (pg, async-mutex, generic-pool, web streams,
// OpenTelemetry), and scores every plugin report against hand-read verdicts:
//  - bench/real-world/packages.json pins the code bases (npm name, exact version, the files inside it to lint,
//    compiler options) and the packages needed only for their types. They are installed at benchmark time with
//    `npm install --no-save --ignore-scripts` into a cache under the OS temp folder, keyed by a hash of the pins (a
//    second run reuses it); nothing of them is committed;
//  - each code base is copied next to the cache's node_modules (ESLint never lints node_modules) with a generated
//    tsconfig.json (allowJs, so JavaScript packages get types from their imports and JSDoc), and linted twice with
//    every plugin rule at 'error' with its default options (require-release: its default presets, so the opt-in
//    web-streams, google-pubsub and azure-service-bus are off, as in a user's config):
//      typed     typescript-eslint's projectService, plus @typescript-eslint/no-floating-promises in the same pass,
//                with ESLint `stats`, for the time ratio; a second cold typed pass with no-floating-promises
//                configured first, since the first rule to ask TypeScript about a node pays for the checker's lazy
//                work: each rule's time is the mean of the two orders;
//      untyped   the parser without a project: the rules' name-based fallback;
//  - every report is looked up in bench/real-world/verdicts.json by {package, file, line, rule}; a report and its
//    verdict are about the code, so the typed and untyped report of one line share one verdict;
//  - printed per mode: precision per rule and per preset, the reports nobody has read yet, and the true reports that
//    are no longer reported (lost findings); then false alarms by cause, and per code base the plugin's typed time ÷
//    no-floating-promises with the worst file. The tables are written into docs/precision.md's generated section.
//  - then the known-leak corpus (bench/real-world/known-leaks.json, bench/lib/known-leaks.js): real missing releases
//    fixed upstream, each package installed at the version before its fix in a folder of its own, linted the same way;
//    printed: known leaks found per mode (recall), the other reports with their verdicts, precision on that corpus and
//    on both corpora together. Its verdicts are the verdicts.json entries whose package is `name@version`.
//  - then the TypeScript-sources corpus (bench/real-world/sources.json, bench/lib/sources.js): the OpenTelemetry
//    instrumentations' src/*.ts restored from the sourcesContent of the source maps their pinned versions ship, with
//    the libraries they import types from installed beside them (one folder of its own), linted the same way;
//    printed: which library imports resolve, precision per rule in each mode, and the same packages' dist figures.
//    Its verdicts are the verdicts.json entries whose package is `sources:name@version`.
// A crash (a fatal message, or an exception from a rule) is a failure: exit code 1. Unread reports are not.
//
// Options: --only=name[,name] lints some code bases (no docs written); --sources lints only the packages of the
// TypeScript-sources corpus (their dist and their sources: --only with their names); --no-docs; --json=FILE writes
// every report.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { clearCaches } from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

import { checkKnownLeaks, classifyKnown, leakLines, matchKnownLeaks, packageId, recall, splitVerdicts } from './lib/known-leaks.js';
import { machineLines } from './lib/machine.js';
import { allPluginRules, NAMESPACE, plugin, repoRoot, ruleIds } from './lib/plugin.js';
import {
  CAUSES,
  classify,
  falseByCause,
  formatPrecision,
  indexVerdicts,
  lostTrue,
  MODES,
  precisionRows,
  staleVerdicts,
} from './lib/precision.js';
import {
  checkSourcesFile,
  declarationShims,
  formatResolution,
  libraryResolution,
  mergeRestored,
  missingOwnModules,
  restoreFromMap,
  sourcesPackageId,
} from './lib/sources.js';
import { originalPosition } from './lib/source-map.js';
import { collectGarbage, ms, ratio, table } from './lib/stats.js';

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sourcesPath = path.join(repoRoot, 'bench', 'real-world', 'sources.json');
const sourcesPins = fs.existsSync(sourcesPath) ? JSON.parse(fs.readFileSync(sourcesPath, 'utf8')) : { packages: [], support: {} };
const only = args.includes('--sources') ? sourcesPins.packages.map((p) => p.name) : option('only')?.split(',');
const writeDocs = !args.includes('--no-docs') && !only;
const jsonOut = option('json');

const NFP = '@typescript-eslint/no-floating-promises';
const PRESETS = ['pg', 'async-mutex', 'generic-pool', 'web-streams', 'opentelemetry', 'amqplib', 'nats', 'bullmq'];
const short = (id) => id.replace(`${NAMESPACE}/`, '');
const benchDir = path.join(repoRoot, 'bench', 'real-world');
const pins = JSON.parse(fs.readFileSync(path.join(benchDir, 'packages.json'), 'utf8'));
const verdictsPath = path.join(benchDir, 'verdicts.json');
const verdictsFile = fs.existsSync(verdictsPath) ? JSON.parse(fs.readFileSync(verdictsPath, 'utf8')) : { verdicts: [] };
const knownPath = path.join(benchDir, 'known-leaks.json');
const known = fs.existsSync(knownPath) ? JSON.parse(fs.readFileSync(knownPath, 'utf8')) : { support: {}, packages: [], leaks: [] };
const knownIds = new Set(known.packages.map((p) => packageId(p.name, p.version)));
const { byKey: allVerdicts, problems } = indexVerdicts(verdictsFile);
problems.push(...checkKnownLeaks(known).map((p) => `known-leaks.json: ${p}`));
problems.push(...checkSourcesFile(sourcesPins, new Map(pins.packages.map((p) => [p.name, p.version]))).map((p) => `sources.json: ${p}`));
// The known-leak corpus's verdicts (package = name@version) are scored with that corpus only, and the sources
// corpus's (package = sources:name@version) with that one.
const sourcesIds = new Set(sourcesPins.packages.map((p) => sourcesPackageId(p.name, p.version)));
const { inside: knownByKey, outside: notKnown } = splitVerdicts(allVerdicts, knownIds);
const { inside: sourcesByKey, outside: byKey } = splitVerdicts(notKnown, sourcesIds);

const out = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};

// ---------------------------------------------------------------------------------------------------------------
// Install (cached)

function install() {
  const specs = [...pins.packages.map((p) => `${p.name}@${p.version}`), ...Object.entries(pins.support).map(([n, v]) => `${n}@${v}`)].sort();
  const hash = crypto.createHash('sha256').update(JSON.stringify(specs)).digest('hex').slice(0, 16);
  return installInto(path.join(os.tmpdir(), `workqueue-real-world-${hash}`), specs);
}

/**
 * The known-leak corpus: each package in its own folder (one package may be pinned at a version the main corpus
 * does not use, and two known leaks may need two versions of one package), with its dependencies and `support`.
 */
function installKnown(pin) {
  const support = { ...known.support, ...pin.support };
  const spec = `${pin.name}@${pin.version}`;
  // `packageOnly`: the package's own dependencies cannot be installed (e.g. a git URL deep in its tree), so only its
  // tarball is unpacked, and the packages its types need come from `support`.
  const supportSpecs = Object.entries(support).map(([n, v]) => `${n}@${v}`);
  const specs = (pin.packageOnly ? supportSpecs : [spec, ...supportSpecs]).sort();
  const hash = crypto.createHash('sha256').update(JSON.stringify({ specs, packageOnly: pin.packageOnly ? spec : undefined })).digest('hex').slice(0, 16);
  return installInto(path.join(os.tmpdir(), `workqueue-known-leaks-${safeName(pin.name)}-${hash}`), specs, pin.packageOnly ? spec : undefined);
}

/** Unpacks one package's published tarball into dir/node_modules/<name>, without its dependencies. */
function unpackInto(dir, spec, name) {
  const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  const target = path.join(dir, 'node_modules', name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', target, '--strip-components=1']);
  fs.rmSync(path.join(dir, tarball));
}

function installInto(dir, specs, packageOnly) {
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker)) return { dir, cached: true, ms: 0 };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'workqueue-real-world', private: true }, null, 2));
  const start = performance.now();
  // --legacy-peer-deps: the pins are exact and complete (peers the code needs for types are pinned in `support`);
  // npm's peer resolution would otherwise refuse combinations such as two OpenTelemetry instrumentations' ranges.
  execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error', ...specs], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (packageOnly) unpackInto(dir, packageOnly, packageOnly.slice(0, packageOnly.lastIndexOf('@')));
  fs.writeFileSync(marker, `${[...specs, ...(packageOnly ? [`${packageOnly} (package only)`] : [])].join('\n')}\n`);
  return { dir, cached: false, ms: performance.now() - start };
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** A glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
function globRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(root, dir = '') {
  const files = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...walk(root, rel));
    } else files.push(rel);
  }
  return files;
}

const LINTABLE = /\.(?:[cm]?js|[cm]?ts|tsx)$/;

function selectFiles(root, pin) {
  const include = pin.files.map(globRegExp);
  const exclude = (pin.exclude ?? []).map(globRegExp);
  return walk(root)
    .filter((f) => LINTABLE.test(f) && !/\.d\.[cm]?ts$/.test(f))
    .filter((f) => include.some((re) => re.test(f)) && !exclude.some((re) => re.test(f)))
    .sort();
}

const safeName = (name) => name.replace(/^@/, '').replace(/\//g, '__');

/** Copies one installed package beside the cache's node_modules and writes its tsconfig.json. */
function prepare(cacheDir, pin) {
  const source = path.join(cacheDir, 'node_modules', pin.name);
  const dir = path.join(cacheDir, 'lint', safeName(pin.name));
  const marker = path.join(dir, '.workqueue-files.json');
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(source, dir, { recursive: true, dereference: true });
  }
  const files = selectFiles(dir, pin);
  const compilerOptions = {
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    strict: false,
    target: 'esnext',
    module: 'preserve',
    moduleResolution: 'bundler',
    resolveJsonModule: true,
    lib: ['esnext', 'dom', 'dom.iterable', 'dom.asynciterable'],
    types: ['node'],
    typeRoots: [path.join(cacheDir, 'node_modules', '@types')],
    ...pin.compilerOptions,
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  fs.writeFileSync(marker, JSON.stringify(files));
  return { dir, files };
}

// ---------------------------------------------------------------------------------------------------------------
// The TypeScript-sources corpus: restore, resolve

/** The sources corpus's folder: its instrumentations at the dist corpus's versions, both supports (its own wins). */
function installSources() {
  const support = { ...pins.support, ...sourcesPins.support };
  const specs = [...sourcesPins.packages.map((p) => `${p.name}@${p.version}`), ...Object.entries(support).map(([n, v]) => `${n}@${v}`)].sort();
  const hash = crypto.createHash('sha256').update(JSON.stringify(specs)).digest('hex').slice(0, 16);
  return installInto(path.join(os.tmpdir(), `workqueue-real-world-sources-${hash}`), specs);
}

const SOURCES_COMPILER_OPTIONS = {
  noEmit: true,
  skipLibCheck: true,
  strict: true,
  target: 'es2022',
  module: 'preserve',
  moduleResolution: 'bundler',
  resolveJsonModule: true,
  lib: ['esnext', 'dom', 'dom.iterable'],
  types: ['node'],
};

/**
 * Copies one installed instrumentation beside the cache's node_modules, restores its src/ from its source maps (and
 * shims for type-only modules), and writes a tsconfig.json listing them. Returns the files to lint (the restored
 * sources, not the shims), what was skipped and why, problems (conflicting maps, a package that ships src/ itself),
 * and which of its library imports resolve to types.
 */
function prepareSources(cacheDir, pin) {
  const source = path.join(cacheDir, 'node_modules', pin.name);
  const dir = path.join(cacheDir, 'lint-src', safeName(pin.name));
  const problems = [];
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true, dereference: true });
  if (fs.existsSync(path.join(dir, 'src'))) {
    problems.push(`${pin.name}: the package ships src/ itself; restored sources would mix with it, so none are restored`);
    return { dir, files: [], skipped: [], shims: [], problems, resolution: [], missing: [] };
  }
  const pick = (globs) => walk(dir).filter((f) => globs.map(globRegExp).some((re) => re.test(f))).sort();
  const restored = mergeRestored(pick(pin.maps ?? sourcesPins.maps).map((map) => restoreFromMap(map, fs.readFileSync(path.join(dir, map), 'utf8'))));
  problems.push(...restored.problems.map((p) => `${pin.name}: ${p}`));
  const declarationMaps = pick(pin.declarationMaps ?? sourcesPins.declarationMaps).flatMap((map) => {
    try {
      return [{ path: map, sources: JSON.parse(fs.readFileSync(path.join(dir, map), 'utf8')).sources }];
    } catch {
      return [];
    }
  });
  const shims = declarationShims(declarationMaps, restored.files.map((f) => f.path));
  for (const file of [...restored.files, ...shims]) {
    const target = path.join(dir, ...file.path.split('/'));
    // restoreFromMap keeps every path inside src/; this re-checks the joined path before writing.
    if (!target.startsWith(path.join(dir, 'src') + path.sep)) throw new Error(`${pin.name}: refusing to write outside src/: ${file.path}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  const compilerOptions = { ...SOURCES_COMPILER_OPTIONS, typeRoots: [path.join(cacheDir, 'node_modules', '@types')], ...pin.compilerOptions };
  const listed = [...restored.files, ...shims].map((f) => f.path).sort();
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: listed }, null, 2));
  const files = restored.files.map((f) => f.path).filter((f) => !/\.d\.[cm]?ts$/.test(f));
  // Which imports resolve to types, as TypeScript resolves them with this tsconfig (an unresolved library is `any`).
  const options = ts.convertCompilerOptionsFromJson(compilerOptions, dir).options;
  const imports = restored.files.flatMap((f) =>
    ts.preProcessFile(f.content, true, true).importedFiles.map(({ fileName }) => {
      const resolved = ts.resolveModuleName(fileName, path.join(dir, f.path), options, ts.sys).resolvedModule;
      return { file: f.path, specifier: fileName, resolved: resolved !== undefined && /\.(?:d\.[cm]?ts|[cm]?tsx?)$/.test(resolved.resolvedFileName) };
    }),
  );
  return { dir, files, skipped: restored.skipped, shims, problems, resolution: libraryResolution(imports), missing: missingOwnModules(imports) };
}

// ---------------------------------------------------------------------------------------------------------------
// Lint

function eslintFor(dir, typed, nfpFirst = false) {
  // ESLint creates the rules, and runs their listeners for each node, in the order of this object's keys.
  const rules = typed ? (nfpFirst ? { [NFP]: 'error', ...allPluginRules() } : { ...allPluginRules(), [NFP]: 'error' }) : allPluginRules();
  return new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    stats: typed,
    overrideConfig: [
      {
        files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'],
        languageOptions: {
          parser: tseslint.parser,
          sourceType: 'module',
          parserOptions: typed ? { projectService: true, tsconfigRootDir: dir } : {},
        },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        plugins: { [NAMESPACE]: plugin, '@typescript-eslint': tseslint.plugin },
        rules,
      },
    ],
  });
}

/** One pass over a code base; a rule exception aborts ESLint, so then the files are linted one by one. */
async function lint(dir, files, typed, nfpFirst = false) {
  clearCaches();
  collectGarbage();
  const start = performance.now();
  try {
    const results = await eslintFor(dir, typed, nfpFirst).lintFiles(files);
    return { wall: performance.now() - start, results, exceptions: [] };
  } catch (error) {
    const exceptions = [];
    const results = [];
    const eslint = eslintFor(dir, typed, nfpFirst);
    for (const file of files) {
      try {
        results.push(...(await eslint.lintFiles([file])));
      } catch (inner) {
        exceptions.push({ file, message: String(inner?.message ?? inner).split('\n').slice(0, 3).join(' | ') });
      }
    }
    if (exceptions.length === 0) exceptions.push({ file: '(whole run)', message: String(error?.message ?? error) });
    return { wall: performance.now() - start, results, exceptions };
  }
}

function fileTimes(result) {
  const times = { plugin: 0, nfp: 0 };
  for (const pass of result.stats?.times?.passes ?? []) {
    for (const [id, time] of Object.entries(pass.rules ?? {})) {
      if (id === NFP) times.nfp += time.total;
      else if (id.startsWith(`${NAMESPACE}/`)) times.plugin += time.total;
    }
  }
  return times;
}

// ---------------------------------------------------------------------------------------------------------------
// Lint one code base

/**
 * Lints one prepared code base in both modes: pushes its plugin reports (with `package` = `id`) into reports[mode]
 * and its crashes into `crashes`; returns its line count, report counts per mode and typed timing.
 */
async function lintCodeBase(pin, id, dir, files, reports, crashes) {
  const lines = files.reduce((sum, f) => sum + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').length, 0);
  const counts = {};
  let timing;
  for (const mode of MODES) {
    const typed = mode === 'typed';
    const outcome = await lint(dir, files, typed);
    for (const e of outcome.exceptions) crashes.push(`${id} (${mode}) RULE EXCEPTION ${e.file}: ${e.message}`);
    let n = 0;
    for (const result of outcome.results) {
      const file = path.relative(dir, result.filePath).split(path.sep).join('/');
      for (const m of result.messages) {
        if (m.fatal) crashes.push(`${id} (${mode}) FATAL ${file}:${m.line ?? 0}: ${m.message}`);
        else if (m.ruleId?.startsWith(`${NAMESPACE}/`)) {
          reports[mode].push({ package: id, file, line: m.line, column: m.column, rule: short(m.ruleId), message: m.message });
          n++;
        }
      }
    }
    counts[mode] = n;
    if (typed) {
      // TypeScript computes types lazily, and the first rule to ask about a node pays for it: in one pass the rules
      // configured first are billed for work the checker does for every later rule too. So the time is measured in
      // two cold passes, the plugin's rules first and then no-floating-promises first, and each rule's time (per
      // file) is the mean of the two: each side is the first to ask in one of them. The reports are the first pass's.
      const swapped = await lint(dir, files, true, true);
      for (const e of swapped.exceptions) crashes.push(`${pin.name} (typed, no-floating-promises first) RULE EXCEPTION ${e.file}: ${e.message}`);
      const swappedTimes = new Map(swapped.results.map((result) => [result.filePath, fileTimes(result)]));
      let plugin = 0;
      let nfp = 0;
      let worst;
      const overNfp = [];
      for (const result of outcome.results) {
        const first = fileTimes(result);
        const second = swappedTimes.get(result.filePath) ?? first;
        const t = { plugin: (first.plugin + second.plugin) / 2, nfp: (first.nfp + second.nfp) / 2 };
        plugin += t.plugin;
        nfp += t.nfp;
        const file = path.relative(dir, result.filePath).split(path.sep).join('/');
        if (!worst || t.plugin > worst.plugin) worst = { ...t, file };
        if (t.plugin > t.nfp) overNfp.push({ ...t, file });
      }
      timing = { name: pin.name, wall: outcome.wall, plugin, nfp, worst, overNfp };
    }
  }
  console.log(`  linted ${pin.name}@${pin.version}: ${files.length} files, ${lines} lines; reports typed ${counts.typed}, untyped ${counts.untyped}`);
  return { lines, counts, timing };
}

// ---------------------------------------------------------------------------------------------------------------
// Run

say('real world: published code that uses pg, async-mutex, generic-pool, web streams and OpenTelemetry (npm run bench:real-world)');
for (const line of machineLines()) say(line);
say(`plugin rules (all at 'error' with default options; require-release's opt-in presets web-streams, google-pubsub and azure-service-bus off): ${ruleIds.map(short).join(', ')}; typed pass adds ${NFP} for the time ratio`);

const installed = install();
say(`install: ${installed.cached ? 'cached' : `${(installed.ms / 1000).toFixed(1)} s`} in ${installed.dir}`);
say('');

const selected = pins.packages.filter((p) => !only || only.includes(p.name));
const reports = { typed: [], untyped: [] };
const crashes = [];
const timing = [];
let fileCount = 0;
let lineCount = 0;
const packageRows = [];

for (const pin of selected) {
  const { dir, files } = prepare(installed.dir, pin);
  const done = await lintCodeBase(pin, pin.name, dir, files, reports, crashes);
  fileCount += files.length;
  lineCount += done.lines;
  timing.push(done.timing);
  packageRows.push([`${pin.name}@${pin.version}`, files.length, done.lines, done.counts.typed, done.counts.untyped]);
}

const classified = Object.fromEntries(MODES.map((mode) => [mode, classify(reports[mode], byKey)]));
// With --only, the verdicts of the code bases not linted are neither lost nor stale.
const selectedNames = new Set(selected.map((p) => p.name));
const selectedByKey = new Map([...byKey].filter(([, v]) => selectedNames.has(v.package)));

/** The reports of one corpus and mode that have no verdict yet, and the true verdicts no longer reported. */
function sayUnreadAndLost(list, verdictsByKey, mode) {
  const unread = list.filter((r) => r.status === 'unread');
  say(`Unread reports: ${unread.length}`);
  for (const r of unread) say(`- ${r.key}:${r.column} ${r.message}`);
  say('');
  const lost = lostTrue(verdictsByKey, list, mode);
  say(`TRUE reports lost (a true verdict, not reported now): ${lost.length}`);
  for (const v of lost) say(`- ${v.package}|${v.file}|${v.line}|${v.rule}: ${v.why}`);
  say('');
}

say('## Code bases');
say('');
say('```');
for (const line of table(['package', 'files', 'lines', 'typed reports', 'untyped reports'], [...packageRows, ['all', fileCount, lineCount, reports.typed.length, reports.untyped.length]])) say(line);
say('```');
say('');

const precisionTable = (rows) => table(
  ['', 'reports', 'true', 'false', 'unread', 'precision'],
  rows.map((r) => [r.group, r.reports, r.true, r.false, r.unread, formatPrecision(r.precision)]),
);

for (const mode of MODES) {
  const list = classified[mode];
  say(`## ${mode === 'typed' ? 'Typed (projectService)' : 'Untyped (no type information: the name-based fallback)'}`);
  say('');
  say('Per rule:');
  say('');
  say('```');
  for (const line of precisionTable(precisionRows(list, (r) => r.rule, ruleIds.map(short)))) say(line);
  say('```');
  say('');
  say('require-release per preset:');
  say('');
  say('```');
  for (const line of precisionTable(precisionRows(list, (r) => r.preset, PRESETS))) say(line);
  say('```');
  say('');
  sayUnreadAndLost(list, selectedByKey, mode);
}

say('## False alarms by cause');
say('');
say('Distinct = code reports (a line reported in both modes counts once).');
say('');
say('```');
const causes = falseByCause(classified);
for (const line of table(['cause', 'distinct', 'typed', 'untyped'], causes.map((c) => [c.cause, c.distinct, c.typed, c.untyped]))) say(line);
say('```');
say('');

say(`## Time (typed, mean of two cold passes: plugin rules first, then ${NFP} first): all plugin rules ÷ ${NFP}, per code base`);
say('');
say('```');
const timeRows = timing.map((t) => [
  t.name,
  `${ms(t.plugin)} ms`,
  `${ms(t.nfp)} ms`,
  ratio(t.plugin, t.nfp),
  t.worst ? `${t.worst.file} (${ms(t.worst.plugin)} ms; nfp ${ms(t.worst.nfp)} ms)` : '—',
]);
const sum = (k) => timing.reduce((s, t) => s + t[k], 0);
timeRows.push(['all', `${ms(sum('plugin'))} ms`, `${ms(sum('nfp'))} ms`, ratio(sum('plugin'), sum('nfp')), '']);
for (const line of table(['package', 'plugin rules', 'no-floating-promises', 'ratio', 'worst file (plugin; nfp)'], timeRows)) say(line);
say('```');
say('');
// Targets (issue 14): every code base at most CODE_BASE_TARGET × no-floating-promises, and no file where the plugin's
// rules cost more than no-floating-promises on that file. Timings print MET/MISSED; they never fail the run.
const CODE_BASE_TARGET = 0.15;
const overBase = timing.filter((t) => t.nfp > 0 && t.plugin / t.nfp > CODE_BASE_TARGET);
const overFiles = timing.flatMap((t) => t.overNfp.map((f) => ({ ...f, name: t.name }))).sort((a, b) => b.plugin - b.nfp - (a.plugin - a.nfp));
say(`target ${overBase.length === 0 ? 'MET   ' : 'MISSED'} every code base ≤ ${CODE_BASE_TARGET}× ${NFP}: met by ${timing.length - overBase.length} of ${timing.length} (over: ${overBase.map((t) => `${t.name} ${ratio(t.plugin, t.nfp)}`).join(', ') || 'none'})`);
say(`target ${overFiles.length === 0 ? 'MET   ' : 'MISSED'} no file where the plugin rules cost more than ${NFP} on it: ${overFiles.length} file(s) over`);
for (const f of overFiles.slice(0, 15)) say(`- ${f.name} ${f.file}: plugin ${ms(f.plugin)} ms, nfp ${ms(f.nfp)} ms`);
if (overFiles.length > 15) say(`- … and ${overFiles.length - 15} more`);
say('');

const stale = staleVerdicts(selectedByKey, classified);
const distinct = new Set(MODES.flatMap((m) => classified[m].map((r) => r.key)));
const read = [...distinct].filter((k) => byKey.has(k)).length;
say(`Summary: ${distinct.size} distinct report keys (${reports.typed.length} typed, ${reports.untyped.length} untyped reports); ${read} read; ${distinct.size - read} unread; ${stale.length} verdict(s) for keys no longer reported.`);
say(`Crashes: ${crashes.length} (${crashes.filter((c) => c.includes('RULE EXCEPTION')).length} rule exception(s), ${crashes.filter((c) => c.includes(' FATAL ')).length} fatal message(s))`);
for (const c of crashes) say(`- ${c}`);
if (problems.length > 0) {
  say(`Verdicts-file problems: ${problems.length}`);
  for (const p of problems) say(`- ${p}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The known-leak corpus (bench/real-world/known-leaks.json): recall on bugs fixed upstream, and precision on that code

const knownSelected = known.packages.filter((p) => !only || only.includes(p.name));
const knownReports = { typed: [], untyped: [] };
const knownRows = [];
const mainCrashes = crashes.length;
say('## Known leaks: missing releases fixed upstream, linted in the version before the fix');
say('');
say('Each package in bench/real-world/known-leaks.json is installed at the pinned version (its own folder) and linted like the code bases above. A known leak is found when a report of its rule lands on its acquire line or one of its exit lines.');
say('');
for (const pin of knownSelected) {
  const id = packageId(pin.name, pin.version);
  const setup = installKnown(pin);
  const { dir, files } = prepare(setup.dir, pin);
  const done = await lintCodeBase(pin, id, dir, files, knownReports, crashes);
  knownRows.push([id, files.length, done.lines, done.counts.typed, done.counts.untyped, `${setup.cached ? 'cached' : `${(setup.ms / 1000).toFixed(1)} s`}`]);
}
const knownLeaks = known.leaks.filter((leak) => knownSelected.some((p) => p.name === leak.package && p.version === leak.version));
say('```');
for (const line of table(['package', 'files', 'lines', 'typed reports', 'untyped reports', 'install'], knownRows)) say(line);
say('```');
say('');
const knownClassified = Object.fromEntries(MODES.map((mode) => [mode, classifyKnown(knownReports[mode], knownLeaks, knownByKey)]));
const knownMatches = Object.fromEntries(MODES.map((mode) => [mode, matchKnownLeaks(knownLeaks, knownReports[mode])]));
say('### Recall: known leaks found');
say('');
say('```');
const recallRows = MODES.map((mode) => {
  const r = recall(knownMatches[mode]);
  return [mode, r.found, r.total, formatPrecision(r.recall)];
});
for (const line of table(['mode', 'found', 'known leaks', 'recall'], recallRows)) say(line);
say('```');
say('');
for (const [i, leak] of knownLeaks.entries()) {
  const modes = MODES.map((mode) => `${mode} ${knownMatches[mode][i].found ? `found (line ${knownMatches[mode][i].hits.map((h) => h.line).join(', ')})` : 'missed'}`);
  say(`- ${leak.id} (${packageId(leak.package, leak.version)} ${leak.file}:${leakLines(leak).join(',')}, ${leak.rule}; fixed in ${leak.fixedIn.version}): ${modes.join('; ')}`);
}
say('');
for (const mode of MODES) {
  const list = knownClassified[mode];
  const others = list.filter((r) => r.leak === undefined);
  say(`### ${mode === 'typed' ? 'Typed' : 'Untyped'}: precision on the known-leak corpus`);
  say('');
  say('```');
  for (const line of precisionTable(precisionRows(list, (r) => r.rule, ruleIds.map(short)))) say(line);
  say('```');
  say('');
  say(`Other reports (not on a known leak): ${others.length}`);
  for (const r of others) {
    const entry = knownByKey.get(r.key);
    say(`- ${r.key}: ${r.status}${r.cause ? ` (${r.cause})` : ''}${entry ? ` — ${entry.why}` : ` ${r.message}`}`);
  }
  say('');
  const lost = lostTrue(new Map([...knownByKey].filter(([, v]) => knownSelected.some((p) => packageId(p.name, p.version) === v.package))), list, mode);
  say(`TRUE reports lost (a true verdict, not reported now): ${lost.length}`);
  for (const v of lost) say(`- ${v.package}|${v.file}|${v.line}|${v.rule}: ${v.why}`);
  say('');
}
say('### Both corpora together: precision');
say('');
say('```');
const combinedRows = MODES.map((mode) => {
  const rows = precisionRows([...classified[mode], ...knownClassified[mode]], () => 'all');
  const all = rows[rows.length - 1];
  return [mode, all.reports, all.true, all.false, all.unread, formatPrecision(all.precision)];
});
for (const line of table(['mode', 'reports', 'true', 'false', 'unread', 'precision'], combinedRows)) say(line);
say('```');
say('');
const knownSelectedIds = new Set(knownSelected.map((p) => packageId(p.name, p.version)));
const knownStale = staleVerdicts(new Map([...knownByKey].filter(([, v]) => knownSelectedIds.has(v.package))), knownClassified);
const knownDistinct = new Set(MODES.flatMap((m) => knownClassified[m].filter((r) => r.leak === undefined).map((r) => r.key)));
const knownRead = [...knownDistinct].filter((k) => knownByKey.has(k)).length;
say(`Known-leak corpus summary: ${knownLeaks.length} known leak(s) in ${knownSelected.length} package(s); ${knownDistinct.size} other distinct report keys, ${knownRead} read, ${knownDistinct.size - knownRead} unread; ${knownStale.length} verdict(s) for keys no longer reported.`);
say(`Crashes in the known-leak corpus: ${crashes.length - mainCrashes}`);
for (const c of crashes.slice(mainCrashes)) say(`- ${c}`);
say('');

// ---------------------------------------------------------------------------------------------------------------
// The TypeScript-sources corpus (bench/real-world/sources.json): the instrumentations as their authors wrote them

const sourcesSelected = sourcesPins.packages.filter((p) => !only || only.includes(p.name));
const sourcesReports = { typed: [], untyped: [] };
const sourcesRows = [];
const sourcesResolution = [];
const sourcesSkipped = [];
const sourcesCrashStart = crashes.length;
const sourcesProblems = [];
say('## TypeScript sources: the OpenTelemetry instrumentations as written, restored from their source maps');
say('');
say("Each package in bench/real-world/sources.json (the dist corpus's version) is installed in a folder of its own with the libraries its sources import types from; its src/*.ts is restored from the sourcesContent of its dist/*.mjs.map (a type-only module, which has no JavaScript and so no map, is a shim re-exporting its shipped .d.mts), and linted like the code bases above, with a strict tsconfig.");
say('');
if (sourcesSelected.length > 0) {
  const setup = installSources();
  say(`install: ${setup.cached ? 'cached' : `${(setup.ms / 1000).toFixed(1)} s`} in ${setup.dir}`);
  say('');
  for (const pin of sourcesSelected) {
    const id = sourcesPackageId(pin.name, pin.version);
    const prepared = prepareSources(setup.dir, pin);
    sourcesProblems.push(...prepared.problems);
    sourcesSkipped.push(...prepared.skipped.map((s) => ({ ...s, name: pin.name })));
    if (prepared.files.length === 0) {
      // ESLint would lint the whole folder (its dist) for an empty list: a package with nothing restored is a problem.
      if (prepared.problems.length === 0) sourcesProblems.push(`${pin.name}: no TypeScript source restored from its maps (see the skips below)`);
      continue;
    }
    const done = await lintCodeBase(pin, id, prepared.dir, prepared.files, sourcesReports, crashes);
    sourcesRows.push([`${pin.name}@${pin.version}`, prepared.files.length, prepared.shims.length, done.lines, done.counts.typed, done.counts.untyped]);
    const missing = prepared.missing.length > 0 ? `; own modules not restored (any): ${prepared.missing.join(', ')}` : '';
    sourcesResolution.push(`- ${pin.name}: ${formatResolution(prepared.resolution)}${missing}`);
  }
}
say('```');
for (const line of table(['package', 'restored files', 'shims', 'lines', 'typed reports', 'untyped reports'], sourcesRows)) say(line);
say('```');
say('');
say('Library imports whose types resolve (files importing the library in which every import of it resolves / files importing it; an unresolved library is `any` typed), and the package\'s own modules that no map restores (a type-only module whose declarations are not shipped, a const enum the bundler inlined):');
say('');
for (const line of sourcesResolution) say(line);
say('');
say(`Sources not restored: ${sourcesSkipped.length}`);
for (const s of sourcesSkipped) say(`- ${s.name} ${s.map}${s.source === undefined ? '' : ` ${s.source}`}: ${s.reason}`);
say('');
const sourcesClassified = Object.fromEntries(MODES.map((mode) => [mode, classify(sourcesReports[mode], sourcesByKey)]));
const sourcesNames = new Set(sourcesSelected.map((p) => p.name));
for (const mode of MODES) {
  const list = sourcesClassified[mode];
  say(`### ${mode === 'typed' ? 'Typed' : 'Untyped'}: precision on the TypeScript sources`);
  say('');
  say('```');
  for (const line of precisionTable(precisionRows(list, (r) => r.rule, ruleIds.map(short)))) say(line);
  say('```');
  say('');
  sayUnreadAndLost(list, new Map([...sourcesByKey].filter(([, v]) => sourcesSelected.some((p) => sourcesPackageId(p.name, p.version) === v.package))), mode);
}
say('### TypeScript sources against the same packages\' dist (the main corpus\'s compiled .mjs)');
say('');
say('```');
const compareRows = MODES.flatMap((mode) =>
  [
    ['dist', classified[mode].filter((r) => sourcesNames.has(r.package))],
    ['TS sources', sourcesClassified[mode]],
  ].map(([what, list]) => {
    const rows = precisionRows(list, () => 'all');
    const all = rows[rows.length - 1];
    return [mode, what, all.reports, all.true, all.false, all.unread, formatPrecision(all.precision)];
  }),
);
for (const line of table(['mode', 'code', 'reports', 'true', 'false', 'unread', 'precision'], compareRows)) say(line);
say('```');
say('');
// Each dist report of these packages, mapped through the dist file's own source map to its TypeScript line: is the
// same code reported there, in the same mode? A true dist report with no TypeScript report is a finding types lost.
const sourcesVersion = new Map(sourcesSelected.map((p) => [p.name, p.version]));
const mapRows = [];
const distLost = [];
for (const mode of MODES) {
  for (const r of classified[mode].filter((d) => sourcesNames.has(d.package))) {
    const distDir = path.join(installed.dir, 'lint', safeName(r.package));
    const at = originalPosition(path.join(distDir, r.file), r.line - 1, (r.column ?? 1) - 1);
    const file = at ? path.relative(distDir, at.source).split(path.sep).join('/') : undefined;
    const ts = at && sourcesClassified[mode].find((t) => t.package === sourcesPackageId(r.package, sourcesVersion.get(r.package)) && t.file === file && t.line === at.line);
    mapRows.push([mode, r.package.replace('@opentelemetry/instrumentation-', ''), `${r.file}:${r.line}`, r.status, at ? `${file}:${at.line}` : '(no mapping)', ts ? ts.status : 'not reported']);
    if (r.status === 'true' && !ts) distLost.push(`- ${mode}: ${r.key} → ${at ? `${file}:${at.line}` : '(no mapping)'}`);
  }
}
say('Each dist report, mapped through its source map to the TypeScript line, and whether the TypeScript sources are reported there in the same mode:');
say('');
say('```');
for (const line of table(['mode', 'instrumentation', 'dist report', 'dist verdict', 'TypeScript line', 'TypeScript report'], mapRows)) say(line);
say('```');
say('');
say(`TRUE dist reports with no TypeScript report on the same code: ${distLost.length}`);
for (const line of distLost) say(line);
say('');
const sourcesCauses = falseByCause(sourcesClassified);
say('False alarms on the TypeScript sources by cause:');
say('');
say('```');
for (const line of table(['cause', 'distinct', 'typed', 'untyped'], sourcesCauses.map((c) => [c.cause, c.distinct, c.typed, c.untyped]))) say(line);
say('```');
say('');
const sourcesSelectedIds = new Set(sourcesSelected.map((p) => sourcesPackageId(p.name, p.version)));
const sourcesStale = staleVerdicts(new Map([...sourcesByKey].filter(([, v]) => sourcesSelectedIds.has(v.package))), sourcesClassified);
const sourcesDistinct = new Set(MODES.flatMap((m) => sourcesClassified[m].map((r) => r.key)));
const sourcesRead = [...sourcesDistinct].filter((k) => sourcesByKey.has(k)).length;
say(`TypeScript-sources corpus summary: ${sourcesSelected.length} package(s); ${sourcesDistinct.size} distinct report keys, ${sourcesRead} read, ${sourcesDistinct.size - sourcesRead} unread; ${sourcesStale.length} verdict(s) for keys no longer reported.`);
say(`Crashes in the TypeScript-sources corpus: ${crashes.length - sourcesCrashStart}`);
for (const c of crashes.slice(sourcesCrashStart)) say(`- ${c}`);
if (sourcesProblems.length > 0) {
  say(`Problems restoring the sources: ${sourcesProblems.length}`);
  for (const p of sourcesProblems) say(`- ${p}`);
  problems.push(...sourcesProblems.map((p) => `sources: ${p}`));
}
say('');

if (jsonOut) {
  const json = { reports: classified, knownLeaks: { reports: knownClassified, matches: knownMatches }, sources: { reports: sourcesClassified } };
  fs.writeFileSync(jsonOut, JSON.stringify(json, null, 2));
}

if (writeDocs) {
  const docPath = path.join(repoRoot, 'docs', 'precision.md');
  const BEGIN = '<!-- begin generated by npm run bench:real-world -->';
  const END = '<!-- end generated by npm run bench:real-world -->';
  const doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : `# Precision on real code\n\n${BEGIN}\n${END}\n`;
  const vocabulary = ['## Causes (the vocabulary of `cause`)', '', '| cause | meaning |', '| --- | --- |', ...Object.entries(CAUSES).map(([k, v]) => `| \`${k}\` | ${v} |`), ''];
  const generated = [BEGIN, '', ...out, '', ...vocabulary, END].join('\n');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const next = start >= 0 && end > start ? doc.slice(0, start) + generated + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${generated}\n`;
  fs.writeFileSync(docPath, next);
  console.log(`wrote ${path.relative(repoRoot, docPath)}`);
}

process.exitCode = crashes.length > 0 || problems.length > 0 ? 1 : 0;
