// The accounting of `npm run bench:real-world`: report keys, the hand-read verdicts file, precision per group, the
// true reports that were lost, and false alarms by cause. Pure functions (no ESLint, no file system), so
// tests/bench/real-world-verdicts.test.ts checks them without installing anything.

/**
 * Why a rule was wrong, one tag per false report. A fixed vocabulary, so the table of false alarms by cause says what
 * the analysis should learn next. docs/precision.md lists it; a verdict with another tag is a verdicts-file error.
 */
export const CAUSES = {
  'throw:otel-api': 'a call the rule assumed may throw, but the OpenTelemetry API never throws (span.setAttribute, setStatus, recordException, trace.setSpan, context.with…)',
  'throw:builtin': 'a built-in that cannot throw with these arguments (Map/Set/Array methods, Date, Math, String, console, typeof checks…)',
  'throw:promise': 'a promise-returning call that rejects instead of throwing, and is not awaited there',
  'throw:same-file-nonthrowing': 'a function of the same code base that cannot throw with these arguments (a getter, a logger, a pure helper)',
  'throw:library-nonthrowing': 'a dependency\'s function that cannot throw with these arguments (InstrumentationBase#getConfig, sdk-trace-web\'s addSpanNetworkEvents…)',
  'throw:guarded': 'the call cannot throw on this path: a preceding check, or the value is known (e.g. a `typeof x === "function"` guard)',
  'throw:safe-execute': 'OpenTelemetry\'s safeExecuteInTheMiddle(fn, onFinish, true): it catches what fn throws',
  'throw:noreturn': 'the rule assumed the path goes on after a call that always throws here (`signal.throwIfAborted()` right after an `aborted` check)',
  'handoff:then-handlers': 'the release is in `.then(onFulfilled, onRejected)` / `.then().catch()` handlers covering both outcomes',
  'handoff:finally-chain': 'the release is in a promise `.finally()` (or an equivalent chain) that runs on every outcome',
  'handoff:escaping-closure': 'the resource is handed to a listener, timer, callback or returned closure that releases it later',
  'handoff:container': 'the resource is returned or stored in an object/array/field and released by its owner later',
  'handoff:sync-callback': 'released in a callback that the called function runs synchronously (or always runs), e.g. a safeExecute wrapper',
  'handoff:helper-other-file': 'released by a helper defined in another file (or another module of the package)',
  'handoff:wrapper-returned': 'the acquire sits inside a wrapper function whose result (the resource or a wrapper of it) is returned to the caller, who releases it',
  'handoff:argument': 'the resource is passed as an argument to a function that takes ownership and releases it',
  'release-via-local-function': 'released by calling a local function or closure of the same scope that calls the release (`const release = () => client.release()`)',
  'flag-correlated': 'the release is skipped under a flag that is set exactly where the resource was released another way (`if (!dropped) client.release()`)',
  'callback-acquire': 'a callback-style acquire (`pool.connect(cb)`): the callback receives the resource and its release function',
  'same-receiver-two-refs': 'the same resource reached through two references (an alias, a field and a local), released once',
  'untyped:wrong-library': 'without types, a receiver whose name matches a preset is another library\'s object (not pg/generic-pool/async-mutex/streams/OTel)',
  'wrong-library:wrapper': 'the receiver is a code base\'s own wrapper named like the API (drizzle\'s `tracer.startActiveSpan` ends the span itself), typed or not',
  'otel-nonrecording-span': 'a span dropped only when it is not recording (sampled out): end() on it does nothing',
  'lock-on-unused-stream': 'after the reported exit no code reads that stream again (read to its end, cancelled, or dropped with its only user): the lock holds nothing, and releaseLock() would change nothing',
  'loop-bottom-next-item': 'the loop iteration end is reported, but the next iteration does not orphan anything (the resource was released or handed off)',
  'exclusive-branches': 'two releases under conditions that are never both true (double-release "may")',
  'not-a-leak-by-design': 'the resource is meant to stay held (a long-lived reader/lock/session held for the object\'s lifetime, released on close)',
  'unreachable-path': 'the reported exit cannot be reached at run time (an exhaustive switch, an impossible state)',
  other: 'a cause not in this list; `why` explains it',
};

export const MODES = ['typed', 'untyped'];

/** The preset a require-release message is about, from the resource it names. */
const RESOURCE_PRESET = { client: 'pg', lock: 'async-mutex', permit: 'async-mutex', resource: 'generic-pool', reader: 'web-streams', span: 'opentelemetry', job: 'bullmq' };

/**
 * A broker's message: NATS's wording is "acked or nakked", and its messages come from `next()`, `fetch()`,
 * `consume()` or a subscription; amqplib's are "delivered to `channel.consume`" or taken by `channel.get(…)`.
 */
function messagePreset(text) {
  if (/\bnakked\b/.test(text)) return 'nats';
  if (/^The message delivered to /.test(text)) return 'amqplib';
  return /^The message (?:acquired by|from) `[^`]*\.(?:next|fetch|consume|subscribe|pullSubscribe)\(/.test(text) ? 'nats' : 'amqplib';
}

export function presetOf(report) {
  if (!report.rule.endsWith('require-release')) return undefined;
  const text = report.message ?? '';
  const match = /^The (\w+) (?:acquired by|from|delivered to)/.exec(text);
  if (match?.[1] === 'message') return messagePreset(text);
  return (match && RESOURCE_PRESET[match[1]]) ?? 'custom';
}

/** The identity of a report, shared by its typed and untyped runs: package, file inside the package, line, rule. */
export function reportKey({ package: pkg, file, line, rule }) {
  return `${pkg}|${file}|${line}|${rule}`;
}

/**
 * Checks and indexes the verdicts file ({ verdicts: [...] } or an array). Returns { byKey, problems }: problems are
 * human-readable errors (a duplicate key, a verdict that is not a boolean, a false verdict without a known cause, a
 * missing `why`); the entries with problems are still indexed when they have a key.
 */
export function indexVerdicts(file) {
  const list = Array.isArray(file) ? file : (file?.verdicts ?? []);
  const byKey = new Map();
  const problems = [];
  for (const [i, entry] of list.entries()) {
    const where = `verdicts[${i}]`;
    if (!entry || typeof entry.package !== 'string' || typeof entry.file !== 'string' || !Number.isInteger(entry.line) || typeof entry.rule !== 'string') {
      problems.push(`${where}: needs package, file, line (an integer) and rule`);
      continue;
    }
    const key = reportKey(entry);
    if (byKey.has(key)) problems.push(`${where}: duplicate key ${key}`);
    if (typeof entry.verdict !== 'boolean') problems.push(`${where} (${key}): verdict must be true or false`);
    if (typeof entry.why !== 'string' || entry.why.trim() === '') problems.push(`${where} (${key}): needs a one-sentence why`);
    if (entry.verdict === false && !Object.hasOwn(CAUSES, entry.cause)) {
      problems.push(`${where} (${key}): a false verdict needs a cause from the vocabulary, got ${JSON.stringify(entry.cause)}`);
    }
    if (entry.verdict === true && entry.cause !== undefined) problems.push(`${where} (${key}): a true verdict has no cause`);
    byKey.set(key, entry);
  }
  return { byKey, problems };
}

/** Each report with its verdict: `status` is 'true', 'false' or 'unread'. */
export function classify(reports, byKey) {
  return reports.map((report) => {
    const entry = byKey.get(reportKey(report));
    const status = entry === undefined || typeof entry.verdict !== 'boolean' ? 'unread' : String(entry.verdict);
    return { ...report, key: reportKey(report), preset: presetOf(report), status, cause: status === 'false' ? entry.cause : undefined };
  });
}

/**
 * Reports / true / false / unread / precision per group (groupOf returns a group name, or undefined to skip), plus a
 * total row `all`. `always` lists groups shown even with no report (every rule, every preset).
 */
export function precisionRows(classified, groupOf, always = []) {
  const groups = new Map(always.map((group) => [group, { group, reports: 0, true: 0, false: 0, unread: 0 }]));
  for (const report of classified) {
    const group = groupOf(report);
    if (group === undefined) continue;
    const row = groups.get(group) ?? { group, reports: 0, true: 0, false: 0, unread: 0 };
    row.reports++;
    row[report.status]++;
    groups.set(group, row);
  }
  const rows = [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
  const total = { group: 'all', reports: 0, true: 0, false: 0, unread: 0 };
  for (const row of rows) for (const k of ['reports', 'true', 'false', 'unread']) total[k] += row[k];
  return [...rows, total].map((row) => ({ ...row, precision: precision(row) }));
}

/** true / (true + false), or undefined when nothing is read. */
export function precision({ true: t, false: f }) {
  return t + f === 0 ? undefined : t / (t + f);
}

export function formatPrecision(value) {
  return value === undefined ? '—' : `${(100 * value).toFixed(1)}%`;
}

/**
 * TRUE verdicts of a mode that are not reported now: lost findings. A verdict belongs to the modes listed in its
 * `modes` (the modes that reported it when it was read); without `modes`, to every mode.
 */
export function lostTrue(byKey, classified, mode) {
  const now = new Set(classified.map((report) => report.key));
  const lost = [];
  for (const [key, entry] of byKey) {
    if (entry.verdict !== true) continue;
    if (Array.isArray(entry.modes) && !entry.modes.includes(mode)) continue;
    if (!now.has(key)) lost.push(entry);
  }
  return lost.sort((a, b) => reportKey(a).localeCompare(reportKey(b)));
}

/** False alarms counted by cause, most common first; the same code in both modes counts once per mode given. */
export function falseByCause(classifiedByMode) {
  const counts = new Map();
  for (const [mode, classified] of Object.entries(classifiedByMode)) {
    for (const report of classified) {
      if (report.status !== 'false') continue;
      const row = counts.get(report.cause) ?? { cause: report.cause, typed: 0, untyped: 0, distinct: new Set() };
      row[mode] = (row[mode] ?? 0) + 1;
      row.distinct.add(report.key);
      counts.set(report.cause, row);
    }
  }
  return [...counts.values()]
    .map((row) => ({ cause: row.cause, typed: row.typed, untyped: row.untyped, distinct: row.distinct.size }))
    .sort((a, b) => b.distinct - a.distinct || a.cause.localeCompare(b.cause));
}

/** Verdict entries whose key no mode reports now (stale, e.g. after the code base's pin moved). */
export function staleVerdicts(byKey, classifiedByMode) {
  const now = new Set(Object.values(classifiedByMode).flatMap((list) => list.map((report) => report.key)));
  return [...byKey.entries()].filter(([key]) => !now.has(key)).map(([, entry]) => entry);
}
