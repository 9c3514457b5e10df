/**
 * Bad input through the ESLint CLI: invalid rule options fail with ESLint's schema error naming the option, and files
 * the rules see without full type information — JavaScript, TSX, a file outside the tsconfig, a syntax error — are
 * linted (or reported as parse errors) without crashing a rule. A crashing rule makes ESLint exit 2 with
 * "Oops! Something went wrong!".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
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

afterAll(() => {
  killChildren();
  removeTempDirs();
});

beforeAll(ensureBuild);

function configWithOptions(options: string): string {
  return `import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default [
  { files: ['**/*.ts'], ...tseslint.configs.base },
  { files: ['**/*.ts'], plugins: { workqueue }, rules: { '${RULE}': ['error', ${options}] } },
];
`;
}

describe('invalid rule options', () => {
  // ESLint validates options against the rule's schema before linting and exits 2. Its message names the rule, the
  // offending value and, for an unknown option, the option and the ones that exist.
  const cases = [
    {
      options: `{ queueTipes: [] }`,
      expected: [/should NOT have additional properties\.\s+Unexpected property "queueTipes"\. Expected properties: .*"queueTypes"/],
    },
    { options: `{ explicitThrowsOnly: 'yes' }`, expected: [/Value "yes" should be boolean\./] },
    { options: `{ untypedQueueNames: 42 }`, expected: [/Value 42 should be string\./] },
    { options: `{ queueTypes: [{ from: 'nowhere', name: 'Queue' }] }`, expected: [/Value "nowhere" should be equal to one of the allowed values\./] },
    { options: `{}, { second: true }`, expected: [/should NOT have more than 1 items\./] },
  ];

  it.each(cases)('$options fails with the schema error', async ({ options, expected }) => {
    const project = linkedProject('options', {
      'eslint.config.js': configWithOptions(options),
      'src/worker.ts': LEAKY_WORKER_TS,
      'src/queue.ts': QUEUE_TS,
    });
    const result = await runESLint(['src'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Key "rules": Key "${RULE}":`);
    for (const pattern of expected) expect(result.stderr).toMatch(pattern);
  });

  it('an untypedQueueNames that is no regular expression fails naming the option', async () => {
    const project = linkedProject('options', {
      'eslint.config.js': configWithOptions(`{ untypedQueueNames: '(unclosed' }`),
      'src/worker.ts': LEAKY_WORKER_TS,
      'src/queue.ts': QUEUE_TS,
    });
    const result = await runESLint(['src'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${RULE}: option "untypedQueueNames" is not a valid regular expression`);
  });
});

describe('files without full type information', () => {
  let project: string;

  const LEAKY_JS = `export async function worker(queue, sync) {
  const [key, shutdown] = await queue.get();
  if (shutdown) return;
  await sync(key);
  queue.done(key);
}
`;

  beforeAll(() => {
    project = linkedProject('bad-input', {
      'tsconfig.json': TSCONFIG,
      'eslint.config.js': `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default defineConfig([
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['scripts/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // JavaScript through ESLint's own parser: no parser services at all, the rule falls back to names.
  { files: ['src/**/*.js'], plugins: { workqueue }, rules: { '${RULE}': 'error' } },
  // JavaScript through typescript-eslint's parser without a program: parser services, but no types.
  {
    files: ['src/**/*.mjs'],
    extends: [tseslint.configs.base, tseslint.configs.disableTypeChecked],
    plugins: { workqueue },
    rules: { '${RULE}': 'error' },
  },
]);
`,
      'src/queue.ts': QUEUE_TS,
      'src/worker.js': LEAKY_JS,
      'src/worker.mjs': LEAKY_JS,
      'src/view.tsx': `import type { Queue } from './queue.js';

declare function render(key: string): unknown;

export async function renderNext(queue: Queue<string>): Promise<unknown> {
  const [key, shutdown] = await queue.get();
  if (shutdown) return null;
  const element = <section title={key}>{render(key)}</section>;
  queue.done(key);
  return element;
}
`,
      // Outside tsconfig.json's \`include\`, but allowed into the project service's default project.
      'scripts/outside.ts': LEAKY_WORKER_TS.replace("from './queue.js'", "from '../src/queue.js'"),
      // Outside tsconfig.json and not allowed: typescript-eslint reports a parse error, the rules never run.
      'stray/not-in-project.ts': LEAKY_WORKER_TS,
      'src/broken.ts': `import type { Queue } from './queue.js';

export async function worker(queue: Queue<string>): Promise<void> {
  const [key, shutdown] = await queue.get(;
  if (shutdown) return;
  queue.done(key);
}
`,
    });
  });

  /** Lints one file; asserts that ESLint ran to the end (exit 0 or 1, nothing on stderr) and returns its messages. */
  async function lint(file: string) {
    const result = await runESLint(['--format', 'json', file], { cwd: project });
    expect(result.stderr).not.toContain('Oops! Something went wrong');
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
    const results = parseJsonOutput(result.stdout, project);
    expect(results.map((r) => r.filePath)).toEqual([file]);
    return results[0]?.messages ?? [];
  }

  it('a .js file (ESLint\'s parser, no parser services) is linted by name and its leak found', async () => {
    expect(await lint('src/worker.js')).toMatchObject([{ ruleId: RULE, messageId: 'leakOnMayThrow', line: 4 }]);
  });

  it('a .mjs file (typescript-eslint\'s parser, no program) is linted by name and its leak found', async () => {
    expect(await lint('src/worker.mjs')).toMatchObject([{ ruleId: RULE, messageId: 'leakOnMayThrow', line: 4 }]);
  });

  it('a .tsx file is linted with type information', async () => {
    expect(await lint('src/view.tsx')).toMatchObject([{ ruleId: RULE, messageId: 'leakOnMayThrow', line: 8 }]);
  });

  it("a file outside the tsconfig is linted through the project service's default project", async () => {
    expect(await lint('scripts/outside.ts')).toMatchObject([{ ruleId: RULE, messageId: 'leakOnReturn', line: 13 }]);
  });

  it('a file outside every project is a parse error, not a crash', async () => {
    const messages = await lint('stray/not-in-project.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: null, fatal: true });
    expect(messages[0]?.message).toMatch(/was not found by the project service/);
  });

  it('a syntax error is a parse error, not a crash', async () => {
    const messages = await lint('src/broken.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: null, fatal: true, line: 4 });
    expect(messages[0]?.message).toMatch(/^Parsing error:/);
  });
});
