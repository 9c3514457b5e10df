// The accounting of `npm run bench:real-world` (bench/lib/precision.js): keys, verdict-file checks, precision,
// lost true findings and false alarms by cause. Pure functions; no install, no lint.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  CAUSES,
  classify,
  falseByCause,
  formatPrecision,
  indexVerdicts,
  lostTrue,
  precisionRows,
  presetOf,
  reportKey,
  staleVerdicts,
} from '../../bench/lib/precision.js';
import type { Report, Verdict } from '../../bench/lib/precision.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const spanLeak = (line: number, file = 'dist/a.mjs'): Report => ({
  package: 'otel',
  file,
  line,
  rule: 'require-release',
  message: `The span acquired by \`tracer.startSpan(…)\` on line ${line - 1} is not released when the \`return\` on line ${line} runs; …`,
});
const clientLeak = (line: number): Report => ({
  package: 'pgx',
  file: 'src/db.ts',
  line,
  rule: 'require-release',
  message: `The client acquired by \`pool.connect()\` on line 1 is not released if \`x()\` on line ${line} throws; …`,
});
const doneLeak = (line: number): Report => ({ package: 'q', file: 'w.ts', line, rule: 'require-done', message: 'The item taken by …' });

const verdict = (report: Report, value: boolean, extra: Partial<Verdict> = {}): Verdict => ({
  package: report.package,
  file: report.file,
  line: report.line,
  rule: report.rule,
  verdict: value,
  why: 'because',
  ...(value ? {} : { cause: 'throw:otel-api' }),
  ...extra,
});

describe('report keys and presets', () => {
  it('keys on package, file, line and rule only (column and message are not part of it)', () => {
    const a = spanLeak(10);
    expect(reportKey(a)).toBe('otel|dist/a.mjs|10|require-release');
    expect(reportKey({ ...a, column: 99, message: 'other' } as Report)).toBe(reportKey(a));
    expect(reportKey(spanLeak(11))).not.toBe(reportKey(a));
  });

  it('reads the preset from the resource a require-release message names, and none for other rules', () => {
    expect(presetOf(spanLeak(3))).toBe('opentelemetry');
    expect(presetOf(clientLeak(3))).toBe('pg');
    expect(presetOf({ ...clientLeak(3), message: 'The reader acquired by `s.getReader()` is never bound, …' })).toBe('web-streams');
    expect(presetOf({ ...clientLeak(3), message: 'The lock acquired by `m.acquire()` on line 2 may be released twice: …' })).toBe('async-mutex');
    expect(presetOf({ ...clientLeak(3), message: 'The connection acquired by `p.getConnection()` …' })).toBe('custom');
    expect(presetOf({ ...clientLeak(3), message: 'The message delivered to `channel.consume` is not acked or nacked if …' })).toBe('amqplib');
    expect(presetOf({ ...clientLeak(3), message: "The message from `channel.get('q')` (line 3) is not acked or nacked if …" })).toBe('amqplib');
    expect(presetOf({ ...clientLeak(3), message: 'The message from `consumer.next()` (line 3) is not acked or nakked if …' })).toBe('nats');
    expect(presetOf({ ...clientLeak(3), message: 'The message acquired by `consumer.next()` is never bound, …' })).toBe('nats');
    expect(presetOf({ ...clientLeak(3), message: 'The job from `worker.getNextJob(tok…` (line 3) is not completed or failed if …' })).toBe('bullmq');
    expect(presetOf(doneLeak(3))).toBeUndefined();
  });
});

describe('indexVerdicts', () => {
  it('accepts a well-formed file', () => {
    const { byKey, problems } = indexVerdicts({ verdicts: [verdict(spanLeak(10), false), verdict(clientLeak(5), true)] });
    expect(problems).toEqual([]);
    expect(byKey.size).toBe(2);
    expect(byKey.get('pgx|src/db.ts|5|require-release')?.verdict).toBe(true);
  });

  it('reports duplicates, non-boolean verdicts, missing why, and false verdicts without a known cause', () => {
    const r = spanLeak(10);
    const { problems } = indexVerdicts([
      verdict(r, false),
      verdict(r, true),
      { ...verdict(spanLeak(11), true), verdict: 'yes' },
      { ...verdict(spanLeak(12), true), why: ' ' },
      verdict(spanLeak(13), false, { cause: 'because-i-said-so' }),
      { ...verdict(spanLeak(14), false), cause: undefined },
      verdict(spanLeak(15), true, { cause: 'throw:builtin' }),
      { package: 'x', file: 'y', line: '3', rule: 'r' },
    ]);
    expect(problems).toHaveLength(7);
    expect(problems[0]).toMatch(/duplicate key otel\|dist\/a\.mjs\|10\|require-release/);
    expect(problems.join('\n')).toMatch(/verdict must be true or false/);
    expect(problems.join('\n')).toMatch(/needs a one-sentence why/);
    expect(problems.join('\n')).toMatch(/"because-i-said-so"/);
    expect(problems.join('\n')).toMatch(/a true verdict has no cause/);
    expect(problems.join('\n')).toMatch(/needs package, file, line/);
  });
});

describe('precision accounting', () => {
  // 4 span reports: 1 true, 2 false (two causes), 1 unread; 2 pg reports: 1 true, 1 false; 1 require-done, unread.
  const reports = [spanLeak(10), spanLeak(20), spanLeak(30), spanLeak(40), clientLeak(5), clientLeak(6), doneLeak(7)];
  const { byKey } = indexVerdicts([
    verdict(spanLeak(10), true),
    verdict(spanLeak(20), false, { cause: 'throw:otel-api' }),
    verdict(spanLeak(30), false, { cause: 'handoff:escaping-closure' }),
    verdict(clientLeak(5), true),
    verdict(clientLeak(6), false, { cause: 'throw:otel-api' }),
    // Read earlier, no longer reported: a lost true finding (typed only) and a stale false one.
    verdict(spanLeak(50), true, { modes: ['typed'] }),
    verdict(spanLeak(60), false, { cause: 'throw:builtin' }),
  ]);
  const classified = classify(reports, byKey);

  it('classifies each report as true, false or unread, carrying the cause of false ones', () => {
    expect(classified.map((r) => r.status)).toEqual(['true', 'false', 'false', 'unread', 'true', 'false', 'unread']);
    expect(classified[2]?.cause).toBe('handoff:escaping-closure');
    expect(classified[0]?.cause).toBeUndefined();
  });

  it('computes precision = true / (true + false) per group, unread excluded, with a total row', () => {
    const byRule = precisionRows(classified, (r) => r.rule);
    expect(byRule).toEqual([
      { group: 'require-done', reports: 1, true: 0, false: 0, unread: 1, precision: undefined },
      { group: 'require-release', reports: 6, true: 2, false: 3, unread: 1, precision: 2 / 5 },
      { group: 'all', reports: 7, true: 2, false: 3, unread: 2, precision: 2 / 5 },
    ]);
    const byPreset = precisionRows(classified, (r) => r.preset);
    expect(byPreset.map((r) => [r.group, r.reports, formatPrecision(r.precision)])).toEqual([
      ['opentelemetry', 4, '33.3%'],
      ['pg', 2, '50.0%'],
      ['all', 6, '40.0%'],
    ]);
  });

  it('lists true verdicts that are no longer reported, in the modes that reported them', () => {
    expect(lostTrue(byKey, classified, 'typed').map((v) => v.line)).toEqual([50]);
    expect(lostTrue(byKey, classified, 'untyped')).toEqual([]);
    // Losing a reported true finding shows up at once.
    const withoutFirst = classified.slice(1);
    expect(lostTrue(byKey, withoutFirst, 'untyped').map((v) => v.line)).toEqual([10]);
  });

  it('counts false alarms by cause, a line reported in both modes once in `distinct`', () => {
    const untyped = classify([spanLeak(20)], byKey);
    expect(falseByCause({ typed: classified, untyped })).toEqual([
      { cause: 'throw:otel-api', typed: 2, untyped: 1, distinct: 2 },
      { cause: 'handoff:escaping-closure', typed: 1, untyped: 0, distinct: 1 },
    ]);
  });

  it('finds verdicts for keys no mode reports any more', () => {
    expect(staleVerdicts(byKey, { typed: classified }).map((v) => v.line).sort()).toEqual([50, 60]);
  });
});

describe('the committed verdicts file', () => {
  it('is well formed: unique keys, a why for each, a cause from the vocabulary for each false one', () => {
    const file: unknown = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'real-world', 'verdicts.json'), 'utf8'));
    const { byKey, problems } = indexVerdicts(file as { verdicts: unknown[] });
    expect(problems).toEqual([]);
    expect(byKey.size).toBeGreaterThan(0);
    for (const entry of byKey.values()) if (!entry.verdict) expect(Object.keys(CAUSES)).toContain(entry.cause);
  });
});

describe('groups shown with no report', () => {
  it('lists every group asked for, with zeros, before the total', () => {
    const rows = precisionRows([], (r) => r.rule, ['no-double-done', 'bounded-retries']);
    expect(rows.map((r) => [r.group, r.reports, r.precision])).toEqual([
      ['bounded-retries', 0, undefined],
      ['no-double-done', 0, undefined],
      ['all', 0, undefined],
    ]);
  });
});
