/**
 * The ESLint CLI on a temporary TypeScript project with typed linting (the project service), as a user runs it:
 * stylish and JSON output, multithreaded linting (`--concurrency 2`), and SARIF through @microsoft/eslint-formatter-sarif.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CORRECT_WORKER_TS,
  ESLINT_CONFIG_JS,
  LEAK,
  LEAKY_WORKER_TS,
  QUEUE_TS,
  TSCONFIG,
  ensureBuild,
  killChildren,
  linkedProject,
  parseJsonOutput,
  removeTempDirs,
  runESLint,
} from './helpers.js';

const RULE = 'workqueue/require-done';
let project: string;

beforeAll(async () => {
  await ensureBuild();
  const files: Record<string, string> = {
    'eslint.config.js': ESLINT_CONFIG_JS,
    'tsconfig.json': TSCONFIG,
    'src/queue.ts': QUEUE_TS,
    'src/leaky.ts': LEAKY_WORKER_TS,
    'src/correct.ts': CORRECT_WORKER_TS,
  };
  // More files than threads, so `--concurrency 2` really splits the work.
  for (let i = 0; i < 6; i++) files[`src/leaky-${i}.ts`] = LEAKY_WORKER_TS;
  project = linkedProject('cli', files);
});

afterAll(() => {
  killChildren();
  removeTempDirs();
});

describe('ESLint CLI with typed linting', () => {
  it('prints the leak in the default (stylish) format and exits 1', async () => {
    const result = await runESLint(['src/leaky.ts', 'src/correct.ts'], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${project}/src/leaky.ts`);
    expect(result.stdout).toMatch(
      new RegExp(`^\\s+${LEAK.line}:${LEAK.column}\\s+error\\s+The item from \`queue\\.get\\(\\)\` \\(line 6\\) .*\\s${RULE}$`, 'm'),
    );
    expect(result.stdout).toMatch(/✖ \d+ problems? \(\d+ errors?, 0 warnings\)/);
    expect(result.stdout).not.toContain('correct.ts');
  });

  it('reports the same finding with --format json, with type information, range and suggestion', async () => {
    const result = await runESLint(['--format', 'json', 'src/leaky.ts', 'src/correct.ts'], { cwd: project });
    expect(result.code).toBe(1);
    const [correct, leaky] = parseJsonOutput(result.stdout, project);
    expect(correct).toMatchObject({ filePath: 'src/correct.ts', messages: [], errorCount: 0 });
    expect(leaky?.messages.every((m) => m.ruleId?.startsWith('workqueue/'))).toBe(true);
    expect(leaky?.filePath).toBe('src/leaky.ts');
    // Only require-done's finding is asserted: other rules of the config may report on the same worker.
    const mine = leaky?.messages.filter((m) => m.ruleId === RULE) ?? [];
    expect(mine).toHaveLength(1);
    const [message] = mine;
    expect(message).toMatchObject({ ruleId: RULE, messageId: 'leakOnReturn', severity: 2, ...LEAK });
    expect(message?.message).toContain('line 6');
    expect(message?.message).toContain('queue.done(key)');
    expect(message?.suggestions?.length).toBeGreaterThan(0);
  });

  it('gives identical results with --concurrency 2 (multithreaded linting)', async () => {
    const [single, threaded] = await Promise.all([
      runESLint(['--format', 'json', '--concurrency', 'off', 'src'], { cwd: project }),
      runESLint(['--format', 'json', '--concurrency', '2', 'src'], { cwd: project }),
    ]);
    expect(single.code).toBe(1);
    // ESLint warns that 9 files are too few to gain from threads; that warning is all it may print.
    const stderr = threaded.stderr
      .split('\n')
      .filter((line) => line && !/ESLintPoorConcurrencyWarning|--trace-warnings/.test(line));
    expect(stderr).toEqual([]);
    expect(threaded.code).toBe(1);
    const expected = parseJsonOutput(single.stdout, project);
    expect(expected.filter((r) => r.messages.some((m) => m.ruleId === RULE))).toHaveLength(7);
    expect(parseJsonOutput(threaded.stdout, project)).toEqual(expected);
  });

  it('writes SARIF with @microsoft/eslint-formatter-sarif', async () => {
    const result = await runESLint(['--format', '@microsoft/eslint-formatter-sarif', 'src/leaky.ts'], { cwd: project });
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules?: { id: string; helpUri?: string }[] } };
        results: {
          ruleId: string;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run?.tool.driver.name).toBe('ESLint');
    expect(run?.tool.driver.rules?.find((r) => r.id === RULE)?.helpUri).toMatch(/docs\/rules\/require-done\.md$/);
    const findings = run?.results.filter((r) => r.ruleId === RULE) ?? [];
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: RULE, level: 'error' });
    expect(finding?.message.text).toContain('is not marked done');
    const location = finding?.locations[0]?.physicalLocation;
    expect(location?.artifactLocation.uri).toMatch(/src\/leaky\.ts$/);
    expect(location?.region).toMatchObject({
      startLine: LEAK.line,
      startColumn: LEAK.column,
      endLine: LEAK.endLine,
      endColumn: LEAK.endColumn,
    });
  });
});
