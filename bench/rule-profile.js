// Where a plugin rule spends its time: `npm run bench:rule:profile` (or run by `npm run bench:rule` for a rule that
// misses its scaling target).
//
// Lints the largest generated inputs of bench/rule.js (flat: 4000 branching statements inside the try; depth: an
// else-if chain of 500 arms) with only the profiled rule on, under V8's sampling CPU profiler (node:inspector,
// 100 µs interval). Run it with --no-turbo-inlining (the npm script does): inlined callees are otherwise billed to
// their callers, which hides hotspots such as eslint-utils' scope search.
//
// Attribution: a sample belongs to the rule when any frame of its stack is the plugin's built code (dist/). For those
// samples it prints the functions with the most self time (any package: ESLint and eslint-utils code called by the
// rule counts), and for each the plugin functions on the stack that lead to it, then the plugin functions with the
// most inclusive time. Shares are of the rule's samples. Garbage collection is not attributable to a stack and is
// left out.
//
// Options: --rule <workqueue/name> (default: every rule of the plugin), --quick (smaller inputs).
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

import { branchesInsideTry, elseIfChain } from './lib/generate.js';
import { linterPass } from './lib/lint-stats.js';
import { NAMESPACE, plugin, repoRoot, ruleIds } from './lib/plugin.js';
import { originalPosition } from './lib/source-map.js';
import { collectGarbage, ms, pct, table } from './lib/stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const ruleArg = args.indexOf('--rule');
const rules = ruleArg !== -1 ? [args[ruleArg + 1]] : ruleIds;
const FLAT_RUNS = 2;
const DEPTH_RUNS = 4;
const distUrl = pathToFileURL(path.join(repoRoot, 'dist')).href + '/';

const inlining = process.execArgv.includes('--no-turbo-inlining');

function shortUrl(url) {
  if (url.startsWith(distUrl)) return url.slice(distUrl.length);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) return url.slice(nm + '/node_modules/'.length);
  return url.startsWith('file://') ? path.basename(fileURLToPath(url)) : url || '(native)';
}

/** `name file:line`; the plugin's frames are named by their TypeScript source (through dist's source maps). */
function frameName(node) {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (url.startsWith(distUrl)) {
    const original = originalPosition(fileURLToPath(url), lineNumber, columnNumber);
    if (original) return `${name} ${path.relative(repoRoot, original.source)}:${original.line}`;
  }
  return `${name} ${shortUrl(url)}:${lineNumber + 1}`;
}

/** Self and inclusive time of the samples whose stack runs through the plugin's code. */
function attribute(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ours = (node) => node.callFrame.url.startsWith(distUrl);
  const self = new Map();
  const inclusive = new Map();
  const callers = new Map();
  let ruleTime = 0;
  let allTime = 0;
  let gcTime = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next sample
    const leaf = byId.get(profile.samples[i]);
    allTime += dt;
    if (leaf.callFrame.functionName === '(garbage collector)') {
      gcTime += dt;
      continue;
    }
    const stack = [];
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id));
    if (!stack.some(ours)) continue;
    ruleTime += dt;
    const leafName = frameName(leaf);
    self.set(leafName, (self.get(leafName) ?? 0) + dt);
    const seen = new Set();
    for (const node of stack) {
      if (!ours(node)) continue;
      const name = frameName(node);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
    // The plugin frames leading to the leaf, innermost first (at most 4), to say who calls the hotspot.
    const path_ = stack.filter((node) => ours(node) && node !== leaf).slice(0, 4).map((node) => node.callFrame.functionName || '(anonymous)');
    const key = `${leafName}\u0000${path_.join(' ← ')}`;
    callers.set(key, (callers.get(key) ?? 0) + dt);
  }
  return { self, inclusive, callers, ruleTime, allTime, gcTime };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'workqueue-bench-profile-'));
try {
  const inputs = [
    { name: `flat: ${quick ? 1000 : 4000} branching statements inside the try`, text: branchesInsideTry(quick ? 1000 : 4000), runs: FLAT_RUNS },
    { name: `depth: else-if chain of ${quick ? 250 : 500} arms`, text: elseIfChain(quick ? 250 : 500), runs: DEPTH_RUNS },
  ];
  inputs.forEach((input, i) => {
    input.file = path.join(work, `profile-${i}.ts`);
    fs.writeFileSync(input.file, input.text);
  });
  const program = ts.createProgram(
    inputs.map((input) => input.file),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, types: [] },
  );
  program.getTypeChecker();
  const linter = new Linter({ configType: 'flat', cwd: work });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });

  console.log(`rule profile (V8 sampling profiler, 100 µs; inlining ${inlining ? 'off (--no-turbo-inlining)' : 'ON: run with --no-turbo-inlining for exact attribution'})`);
  for (const ruleId of rules) {
    if (!ruleIds.includes(ruleId)) throw new Error(`unknown rule ${ruleId}; the plugin has ${ruleIds.join(', ')}`);
    const config = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser, parserOptions: { programs: [program] } },
        plugins: { [NAMESPACE]: plugin },
        rules: { [ruleId]: 'error' },
      },
    ];
    for (const input of inputs) {
      const lint = () => linter.verifyAndFix(input.text, config, { filename: input.file, stats: true, fix: false });
      lint(); // warm-up
      let statsMs = 0;
      await session.post('Profiler.start');
      for (let run = 0; run < input.runs; run++) {
        collectGarbage();
        lint();
        statsMs += linterPass(linter).rules[ruleId] ?? 0;
      }
      const { profile } = await session.post('Profiler.stop');
      const { self, inclusive, callers, ruleTime, allTime, gcTime } = attribute(profile);
      const rule = ruleTime / 1000;
      console.log('');
      console.log(`${ruleId} — ${input.name}; ${input.runs} runs profiled`);
      console.log(
        `  rule time by ESLint stats ${ms(statsMs)} ms; samples through the plugin's code ${ms(rule)} ms; GC (not attributed) ${pct(gcTime, allTime)} of all samples`,
      );
      console.log('  self time (the function where the sample was taken), with the plugin functions on the stack above it:');
      const selfRows = [...callers]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([key, t]) => {
          const [leaf, via] = key.split('\u0000');
          return [leaf, ms(t / 1000), pct(t, ruleTime), via || '—'];
        });
      for (const line of table(['function', 'ms', 'share', 'called via (innermost first)'], selfRows)) console.log(`    ${line}`);
      console.log('  self time by function:');
      const byFunction = [...self].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([name, t]) => [name, ms(t / 1000), pct(t, ruleTime)]);
      for (const line of table(['function', 'ms', 'share'], byFunction)) console.log(`    ${line}`);
      console.log('  inclusive time of the plugin functions:');
      const incRows = [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([name, t]) => [name, ms(t / 1000), pct(t, ruleTime)]);
      for (const line of table(['function', 'ms', 'share'], incRows)) console.log(`    ${line}`);
    }
  }
  await session.post('Profiler.disable');
  session.disconnect();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
