#!/usr/bin/env node
// Differential fuzzing of workqueue/require-done (leaks) and workqueue/no-double-done (double
// dones) against the path-enumerating oracle: every generated worker is linted once with both rules.
//
//   npm run fuzz                          # 10,000 cases, random seed
//   npm run fuzz -- --runs 500 --seed 42  # or FUZZ_RUNS=500 FUZZ_SEED=42 npm run fuzz
//   npm run fuzz -- --typed               # lint with type information (slower)
//   npm run fuzz -- --show 10             # print up to 10 disagreements
//   npm run fuzz -- --oracle-only         # no linter: generator/oracle statistics and timing
//   npm run fuzz -- --forms v2            # an earlier model's forms only: v1, v2 (default v3; or FUZZ_FORMS)
//
// The TypeScript sources run under vitest (no tsx here), with scripts/fuzz.vitest.config.ts.
// Prints cases checked, the oracle's leak/safe and double/no-double ratios, the disagreements of
// each dimension and time; exits 1 on any disagreement in either dimension (or if the run could not
// happen, e.g. a rule is not registered).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env };
const usage = 'usage: npm run fuzz -- [--runs N] [--seed S] [--typed] [--show N] [--oracle-only] [--forms v1|v2|v3]';
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined || !/^-?\d+$/.test(v)) {
      console.error(`${a} needs an integer\n${usage}`);
      process.exit(2);
    }
    return v;
  };
  if (a === '--runs' || a === '-n') env.FUZZ_RUNS = value();
  else if (a === '--seed' || a === '-s') env.FUZZ_SEED = value();
  else if (a === '--show') env.FUZZ_SHOW = value();
  else if (a === '--typed') env.FUZZ_TYPED = '1';
  else if (a === '--oracle-only') env.FUZZ_ORACLE_ONLY = '1';
  else if (a === '--forms') {
    const v = args[++i];
    if (v !== 'v1' && v !== 'v2' && v !== 'v3') {
      console.error(`--forms needs v1, v2 or v3\n${usage}`);
      process.exit(2);
    }
    env.FUZZ_FORMS = v;
  }
  else if (a === '--help' || a === '-h') {
    console.log(usage);
    process.exit(0);
  } else {
    console.error(`unknown argument ${a}\n${usage}`);
    process.exit(2);
  }
}
env.FUZZ_RUNS ??= '10000';

const dir = mkdtempSync(join(tmpdir(), 'workqueue-fuzz-'));
env.FUZZ_REPORT = join(dir, 'report.json');
const vitest = join(dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
const t0 = Date.now();
const child = spawnSync(
  process.execPath,
  [vitest, 'run', '--config', 'scripts/fuzz.vitest.config.ts', '--reporter=dot'],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
const secs = ((Date.now() - t0) / 1000).toFixed(1);

let report = null;
try {
  report = JSON.parse(readFileSync(env.FUZZ_REPORT, 'utf8'));
} catch {
  /* no report: vitest failed before/while running */
}
rmSync(dir, { recursive: true, force: true });

if (!report) {
  process.stdout.write(child.stdout ?? '');
  process.stderr.write(child.stderr ?? '');
  console.error(`\nfuzz: no report produced (vitest exit ${child.status}, ${secs}s)`);
  process.exit(1);
}
console.log(report.text);
if (report.error) {
  console.error(`\nfuzz: FAILED to run (${secs}s total)`);
  process.exit(1);
}
const ok = report.disagreementCount === 0 && child.status === 0;
const pct = (n) => (report.checked ? ((100 * n) / report.checked).toFixed(1) : '0.0') + '%';
// below this share of double-done programs the double dimension is too thin to mean much
const MIN_DOUBLE_SHARE = 0.15;
const doubleShare = report.checked ? report.oracleDoubleDone / report.checked : 0;
console.log(
  [
    `\nfuzz: ${ok ? 'OK' : 'FAILED'} — ${report.checked} cases, seed ${report.seed}, forms ${report.forms ?? 'v3'}${report.typed ? ', typed' : ''}${report.oracleOnly ? ', oracle only' : ''}, ${secs}s total`,
    `  leak   (require-done):   leak/safe ${report.oracleLeaks}/${report.oracleSafe} (${pct(report.oracleLeaks)} leak), ` +
      `${report.leakDisagreements} disagreements (missed leaks ${report.missedLeaks}, false positives ${report.falsePositives}); ` +
      `report lines differ from the oracle's in ${report.bothLeak - report.bothLeakSameLines} agreeing runs`,
    `  double (no-double-done): double/no-double ${report.oracleDoubleDone}/${report.oracleNoDoubleDone} (${pct(report.oracleDoubleDone)} double), ` +
      `${report.doubleDisagreements} disagreements (missed double dones ${report.missedDoubleDones}, false double dones ${report.falseDoubleDones}); ` +
      `report lines differ from the oracle's in ${report.bothDouble - report.bothDoubleSameLines} agreeing runs`,
    `  total: ${report.disagreementCount} disagreements in ${report.disagreeingCases} cases`,
  ].join('\n'),
);
if (report.checked >= 1000 && doubleShare < MIN_DOUBLE_SHARE) {
  console.log(`fuzz: warning — only ${pct(report.oracleDoubleDone)} of the programs double-done (want ≥ ${MIN_DOUBLE_SHARE * 100}%): bias the generator`);
}
if (!ok && report.disagreementCount === 0) {
  process.stdout.write(child.stdout ?? '');
  process.stderr.write(child.stderr ?? '');
}
process.exit(ok ? 0 : 1);
