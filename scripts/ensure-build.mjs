#!/usr/bin/env node
// Builds dist/ (the k8s-workqueue workspace's src/queue/dist, then tsc -p tsconfig.build.json) when it is missing or
// older than any source it is built from, so the demo,
// the docs check and the integration tests never run a stale plugin. `npm install` already builds (prepare), so on a
// fresh clone this does nothing. Concurrent callers (parallel test files) build once: the first takes a lock, the
// others wait for it and re-check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** One output file per build: both must exist and be newer than every input. */
const STAMPS = [path.join(ROOT, 'src', 'queue', 'dist', 'index.js'), path.join(ROOT, 'dist', 'src', 'index.js')];
const LOCK = path.join(ROOT, 'dist', '.build-lock');
const INPUTS = ['src', 'rules', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** The builds, in order: the queue workspace first (the plugin re-exports it by package name), then the plugin. */
const PROJECTS = ['src/queue/tsconfig.json', 'tsconfig.build.json'];

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
    // Build output (src/queue/dist) is not an input.
    if (child.isFile() && /\.(?:ts|json)$/.test(child.name) && !/(?:^|[\\/])dist(?:[\\/]|$)/.test(path.relative(ROOT, child.parentPath))) {
      newest = Math.max(newest, fs.statSync(path.join(child.parentPath, child.name)).mtimeMs);
    }
  }
  return newest;
}

/** Whether dist/ is missing or older than its sources. */
export function isStale() {
  let built;
  try {
    built = Math.min(...STAMPS.map((stamp) => fs.statSync(stamp).mtimeMs));
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
      if (!quiet) process.stderr.write(`dist/ is missing or older than src/ and rules/: building (tsc -p ${PROJECTS.join(', then tsc -p ')})…\n`);
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      for (const project of PROJECTS) {
        const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: ROOT, encoding: 'utf8' });
        if (result.status !== 0) {
          throw new Error(`the build failed (tsc -p ${project}):\n${result.stdout}${result.stderr}`);
        }
      }
      // tsc leaves files it did not need to rewrite untouched: date the stamp so the next check sees a fresh build.
      const now = new Date();
      for (const stamp of STAMPS) fs.utimesSync(stamp, now, now);
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
