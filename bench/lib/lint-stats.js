// Reading ESLint's `stats` output (per-file parse/rule/total times of each pass).

/** Sums the times of every pass of every result: { files, parse, total, rules: { id: ms } }. */
export function sumStats(results) {
  const sum = { files: 0, parse: 0, total: 0, rules: {} };
  for (const result of results) {
    const passes = result.stats?.times?.passes ?? [];
    if (passes.length > 0) sum.files++;
    for (const pass of passes) {
      sum.parse += pass.parse?.total ?? 0;
      sum.total += pass.total ?? 0;
      for (const [id, time] of Object.entries(pass.rules ?? {})) sum.rules[id] = (sum.rules[id] ?? 0) + time.total;
    }
  }
  return sum;
}

/** The times of one `Linter#verifyAndFix(…, { stats: true })` call. */
export function linterPass(linter) {
  const pass = linter.getTimes().passes[0] ?? {};
  const rules = {};
  for (const [id, time] of Object.entries(pass.rules ?? {})) rules[id] = time.total;
  return { parse: pass.parse?.total ?? 0, total: pass.total ?? 0, rules };
}

/** Fatal messages (parse errors) of a set of results, as `file:line message` strings. */
export function fatalMessages(results, relative = (file) => file) {
  const out = [];
  for (const result of results) {
    for (const message of result.messages) {
      if (message.fatal) out.push(`${relative(result.filePath)}:${message.line ?? 0}: ${message.message}`);
    }
  }
  return out;
}
