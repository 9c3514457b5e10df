// The known-leak corpus of `npm run bench:real-world` (bench/real-world/known-leaks.json): real missing-release bugs
// that were fixed upstream, linted in the last published version before the fix. Pure functions (no ESLint, no file
// system), so tests/bench/known-leaks.test.ts checks them without installing anything.
//
// A known leak is found in a mode when a report of its rule lands in its file on one of its lines: an acquire line or
// an exit line (where the path that leaks leaves). Reports on a known leak are true by construction; every other
// report in the corpus is scored against a hand-read verdict like the main corpus's.

import { classify, reportKey } from './precision.js';

/** The package name reports and verdicts of this corpus carry: `name@version`, so they never collide with the main corpus. */
export function packageId(name, version) {
  return `${name}@${version}`;
}

const lineList = (value) => (Array.isArray(value) ? value : [value]);

/** The lines a report may land on for the leak to count as found: its acquire lines and its exit lines. */
export function leakLines(leak) {
  return [...new Set([...lineList(leak.acquire), ...lineList(leak.exits ?? [])])].sort((a, b) => a - b);
}

const REQUIRED_TEXT = ['id', 'package', 'version', 'file', 'rule', 'what', 'path', 'why'];

/**
 * Checks the known-leaks file ({ packages, leaks, support }). Returns human-readable problems: a leak without its
 * fields, lines that are not positive integers, a duplicate id, a leak whose package@version is not among `packages`,
 * a package without files, a `fixedIn` without version and URL.
 */
export function checkKnownLeaks(file) {
  const problems = [];
  const packages = Array.isArray(file?.packages) ? file.packages : [];
  const leaks = Array.isArray(file?.leaks) ? file.leaks : [];
  if (!Array.isArray(file?.packages)) problems.push('packages must be an array');
  if (!Array.isArray(file?.leaks)) problems.push('leaks must be an array');
  const pinned = new Set();
  for (const [i, pin] of packages.entries()) {
    if (typeof pin?.name !== 'string' || typeof pin?.version !== 'string') {
      problems.push(`packages[${i}]: needs a name and an exact version`);
      continue;
    }
    const id = packageId(pin.name, pin.version);
    if (pinned.has(id)) problems.push(`packages[${i}]: ${id} is pinned twice`);
    pinned.add(id);
    if (!Array.isArray(pin.files) || pin.files.length === 0) problems.push(`packages[${i}] (${id}): needs files (globs)`);
  }
  const ids = new Set();
  for (const [i, leak] of leaks.entries()) {
    const where = `leaks[${i}]${typeof leak?.id === 'string' ? ` (${leak.id})` : ''}`;
    for (const field of REQUIRED_TEXT) {
      if (typeof leak?.[field] !== 'string' || leak[field].trim() === '') problems.push(`${where}: needs ${field}`);
    }
    if (typeof leak?.id === 'string') {
      if (ids.has(leak.id)) problems.push(`${where}: duplicate id`);
      ids.add(leak.id);
    }
    const acquire = leak?.acquire === undefined ? [] : lineList(leak.acquire);
    const exits = leak?.exits === undefined ? [] : lineList(leak.exits);
    if (acquire.length === 0) problems.push(`${where}: needs acquire (a line or lines)`);
    if (![...acquire, ...exits].every((line) => Number.isInteger(line) && line > 0)) problems.push(`${where}: lines must be positive integers`);
    if (typeof leak?.fixedIn?.version !== 'string' || !/^https:\/\//.test(leak?.fixedIn?.url ?? '')) {
      problems.push(`${where}: fixedIn needs a version and an https URL (the fix's commit or pull request)`);
    }
    if (typeof leak?.package === 'string' && typeof leak?.version === 'string' && !pinned.has(packageId(leak.package, leak.version))) {
      problems.push(`${where}: ${packageId(leak.package, leak.version)} is not in packages`);
    }
  }
  return problems;
}

/** Whether a report (package = name@version, file inside the package, line, rule) lands on the leak. */
export function reportHitsLeak(report, leak) {
  return (
    report.package === packageId(leak.package, leak.version) &&
    report.file === leak.file &&
    report.rule === leak.rule &&
    leakLines(leak).includes(report.line)
  );
}

/** Per leak: the reports of one mode that land on it, and whether it is found. */
export function matchKnownLeaks(leaks, reports) {
  return leaks.map((leak) => {
    const hits = reports.filter((report) => reportHitsLeak(report, leak));
    return { leak, found: hits.length > 0, hits };
  });
}

/**
 * Each report of one mode classified: a report on a known leak is 'true' (with `leak` set to its id); any other is
 * looked up in the verdicts (precision.js's classify), 'unread' without one.
 */
export function classifyKnown(reports, leaks, byKey) {
  const classified = classify(reports, byKey);
  return classified.map((report) => {
    const leak = leaks.find((candidate) => reportHitsLeak(report, candidate));
    return leak ? { ...report, status: 'true', cause: undefined, leak: leak.id } : report;
  });
}

/** found / total, as a row. */
export function recall(matches) {
  const found = matches.filter((m) => m.found).length;
  return { found, total: matches.length, recall: matches.length === 0 ? undefined : found / matches.length };
}

/** Splits the verdicts index in two: the keys of packages in `ids` (name@version of this corpus) and the rest. */
export function splitVerdicts(byKey, ids) {
  const inside = new Map();
  const outside = new Map();
  for (const [key, entry] of byKey) (ids.has(entry.package) ? inside : outside).set(key, entry);
  return { inside, outside };
}

export { reportKey };
