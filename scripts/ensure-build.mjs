#!/usr/bin/env node
// Builds dist/ (tsc -p tsconfig.build.json) when it is missing or older than any source it is built from, so the demo,
// the docs check and the integration tests never run a stale plugin. `npm install` already builds (prepare), so on a
// fresh clone this does nothing. Concurrent callers (parallel test files) build once: the first takes a lock, the
// others wait for it and re-check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', 'src', 'index.js');
const LOCK = path.join(ROOT, 'dist', '.build-lock');
const INPUTS = ['src', 'rules', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestInput(entry) {
  const full = path.join(ROOT, entry);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
    if (child.isFile() && /\.(?:ts|json)$/.test(child.name)) {
      newest = Math.max(newest, fs.statSync(path.join(child.parentPath, child.name)).mtimeMs);
    }
  }
  return newest;
}

/** Whether dist/ is missing or older than its sources. */
export function isStale() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((entry) => newestInput(entry) > built);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds if stale; resolves once dist/ is fresh. Throws if tsc fails. */
export async function ensureBuild({ quiet = false } = {}) {
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
    if (!isStale()) return false;
    fs.mkdirSync(path.dirname(LOCK), { recursive: true });
    try {
      fs.mkdirSync(LOCK);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // Someone else is building; a lock older than 3 minutes is left over from a killed build.
      if (Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > 180_000) fs.rmSync(LOCK, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (!isStale()) return false;
      if (!quiet) process.stderr.write('dist/ is missing or older than src/ and rules/: building (tsc -p tsconfig.build.json)…\n');
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
      if (result.status !== 0) {
        throw new Error(`the build failed (tsc -p tsconfig.build.json):\n${result.stdout}${result.stderr}`);
      }
      // tsc leaves files it did not need to rewrite untouched: date the stamp so the next check sees a fresh build.
      const now = new Date();
      fs.utimesSync(STAMP, now, now);
      return true;
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
  throw new Error(`timed out waiting for another build of dist/ (lock: ${LOCK})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await ensureBuild();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
