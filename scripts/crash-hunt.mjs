#!/usr/bin/env node
// The crash hunt (tests/crash): seeded adversarial files, each linted with every rule on, untyped, typed and with a
// checker that throws on every question; every suggestion applied and re-parsed.
//
//   npm run crash-hunt                          # 200 files, seed 16
//   npm run crash-hunt -- --files 1000 --seed 7 # or CRASH_HUNT_FILES=1000 CRASH_HUNT_SEED=7 npm run crash-hunt
//   npm run crash-hunt -- --depth 4             # deeper nesting (each level multiplies a function's size by ~3)
//
// Prints files, lint runs, exceptions, suggestions applied and parse failures; exits 1 on any exception or failure.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env, CRASH_HUNT_FILES: process.env.CRASH_HUNT_FILES ?? '200', CRASH_HUNT_SEED: process.env.CRASH_HUNT_SEED ?? '16' };
const usage = 'usage: npm run crash-hunt -- [--files N] [--seed S] [--depth D]';
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[++i];
  if (v === undefined || !/^\d+$/.test(v)) {
    console.error(`${a} needs a non-negative integer\n${usage}`);
    process.exit(2);
  }
  if (a === '--files' || a === '-n') env.CRASH_HUNT_FILES = v;
  else if (a === '--seed' || a === '-s') env.CRASH_HUNT_SEED = v;
  else if (a === '--depth') env.CRASH_HUNT_DEPTH = v;
  else {
    console.error(`unknown option ${a}\n${usage}`);
    process.exit(2);
  }
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', join(root, 'scripts', 'long.vitest.config.ts'), 'tests/crash/crash-hunt.test.ts'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
