/**
 * Docs and behaviour agree: every example a rule's page shows as correct (under a ✅ heading, or after a `// ✅`
 * line) lints clean with that rule, and every example shown as incorrect (❌) is reported. Examples are fragments,
 * so each is parsed as written, or else as the body of an async function (or of a loop in one, for a fragment that
 * `continue`s). Each is linted with type information (declarations for the names the rule tests use, appended) and
 * without (with import evidence for every preset package); an example whose marker says `typed` holds with types
 * only. Every `require-release` preset is on: what a reader of the page would see after turning the rule on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { PRESET_NAMES, PRESETS } from '../../src/presets/index.js';
import plugin from '../../src/index.js';
import { fixtureDir, QUEUE_PRELUDE } from './tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RULES_DIR = path.join(ROOT, 'docs/rules');

interface Example {
  readonly rule: string;
  readonly verdict: 'correct' | 'incorrect';
  /** The marker says `typed`: the verdict holds with type information only. */
  readonly typedOnly: boolean;
  readonly code: string;
  /** Where it is written, for the test name. */
  readonly where: string;
}

/**
 * The examples of one page: fenced `ts`/`js` blocks under a ✅/❌ heading, or split at `// ✅` / `// ❌` lines that
 * start in the first column (an indented one is a comment showing a report inside an example).
 */
function examplesOf(rule: string, markdown: string): Example[] {
  const examples: Example[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (/^#+ /.test(line)) heading = line;
    const fence = /^```(ts|js|typescript)\s*$/.exec(line);
    if (!fence) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    const block = lines.slice(start, end);
    index = end;
    const headingVerdict = heading.includes('✅') ? 'correct' : heading.includes('❌') ? 'incorrect' : undefined;
    // A block split by marker comments: each marker starts an example that runs to the next marker.
    let current: { verdict: Example['verdict']; typedOnly: boolean; from: number; lines: string[] } | undefined;
    const flush = (): void => {
      if (current && current.lines.some((text) => text.trim() !== '' && !text.trim().startsWith('//'))) {
        const { verdict, typedOnly, from } = current;
        examples.push({ rule, verdict, typedOnly, code: current.lines.join('\n'), where: `docs/rules/${rule}.md:${from}` });
      }
    };
    block.forEach((text, offset) => {
      const marker = /^\/\/\s*(✅|❌)( typed\b)?/.exec(text);
      if (marker) {
        flush();
        current = { verdict: marker[1] === '✅' ? 'correct' : 'incorrect', typedOnly: marker[2] !== undefined, from: start + offset + 1, lines: [] };
      } else if (!current && headingVerdict) {
        current = { verdict: headingVerdict, typedOnly: false, from: start + offset + 1, lines: [text] };
      } else {
        current?.lines.push(text);
      }
    });
    flush();
  }
  return examples;
}

/** Every package a preset takes as import evidence without types. */
const EVIDENCE = [...new Set(PRESET_NAMES.flatMap((name) => PRESETS[name].flatMap((pair) => pair.packages)))]
  .map((name) => `import '${name}';`)
  .join('\n');

/** What an example must acquire to show anything: a queue item, or a resource of a preset. */
const ACQUIRES = {
  queue: /\.(get|lease)\(/,
  release: new RegExp(
    `\\.(${[...new Set(PRESET_NAMES.flatMap((name) => PRESETS[name].flatMap((pair) => [...pair.methods, ...pair.callbackMethods, ...(pair.callbacks ?? []).map((shape) => shape.method), ...(pair.elementMethods ?? [])])))].join('|')})\\(`,
  ),
};

/**
 * Declarations for the typed run, by the name they declare: the queue the queue rules' tests use, and one value of
 * each preset's real type. Only the names an example does not declare itself are appended.
 */
const TYPED_DECLARATIONS: Record<string, string> = {
  Queue: QUEUE_PRELUDE,
  Pool: "import { Pool } from 'pg';",
  pool: 'declare const pool: Pool;',
  Mutex: "import { Mutex, Semaphore } from 'async-mutex';",
  mutex: 'declare const mutex: Mutex;',
  semaphore: 'declare const semaphore: Semaphore;',
  createPool: "import { createPool } from 'generic-pool';",
  resourcePool: 'declare const resourcePool: ReturnType<typeof createPool<{ id: number }>>;',
  trace: "import { trace } from '@opentelemetry/api';",
  tracer: "const tracer = trace.getTracer('docs');",
  stream: "declare const stream: import('node:stream/web').ReadableStream<Uint8Array>;",
  channel: "declare const channel: import('amqplib').Channel;",
  subscription: "declare const subscription: import('@google-cloud/pubsub').Subscription;",
  consumer: "declare const consumer: import('nats').Consumer;",
  js: "declare const js: import('nats').JetStreamClient;",
  worker: "declare const worker: import('bullmq').Worker;",
  token: 'declare const token: string;',
  job: 'declare function job(): Promise<void>;',
  receiver: "declare const receiver: import('@azure/service-bus').ServiceBusReceiver;",
};

function typedDeclarations(code: string): string {
  const declares = (name: string): boolean => new RegExp(`\\b(?:const|let|var|function|class|interface)\\s+${name}\\b|\\[${name}\\b`).test(code);
  return Object.entries(TYPED_DECLARATIONS)
    .filter(([name]) => !declares(name) && !(name === 'Queue' && declares('q')))
    .map(([, text]) => text)
    .join('\n');
}

/**
 * The example as a module: as an async function's body (a fragment: TypeScript's parser accepts a top-level `return`
 * and leaves it to the checker) or, for a fragment that `continue`s or `break`s, a loop's body in one; else as
 * written (it has imports, exports or declarations of its own).
 */
function asModule(code: string, suffix: string): string | undefined {
  const inFunction = `export async function example() {\n${code}\n}`;
  const inLoop = `export async function example() {\n  for (;;) {\n${code}\n  }\n}`;
  // A fragment that jumps is a loop's body (TypeScript's parser accepts a stray `continue` too).
  // TypeScript's parser also accepts an `import` inside a function; an example with imports is a module as written.
  const candidates = /^(?:import|export) /m.test(code)
    ? [code]
    : /^\s*(?:if \(.*\) )?(?:continue|break);/m.test(code)
      ? [inLoop, inFunction, code]
      : [inFunction, inLoop, code];
  for (const candidate of candidates) {
    const source = `${candidate}\n${suffix}\n`;
    try {
      parser.parseForESLint(source, { sourceType: 'module', ecmaVersion: 'latest', range: true, loc: true });
      return source;
    } catch {
      // try the next wrapping
    }
  }
  return undefined;
}

function lint(rule: string, source: string, typed: boolean): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  const options = rule === 'require-release' ? ['error', { presets: [...PRESET_NAMES] }] : ['error'];
  const languageOptions = typed ? { parser, parserOptions: { projectService: true, tsconfigRootDir: fixtureDir } } : { parser };
  return linter.verify(
    source,
    [{ files: ['**/*.ts'], languageOptions, plugins: { workqueue: plugin }, rules: { [`workqueue/${rule}`]: options as Linter.RuleEntry } }],
    typed ? path.join(fixtureDir, 'file.ts') : 'example.ts',
  );
}

const pages = fs
  .readdirSync(RULES_DIR)
  .filter((file) => file.endsWith('.md'))
  .map((file) => ({ rule: file.replace(/\.md$/, ''), markdown: fs.readFileSync(path.join(RULES_DIR, file), 'utf8') }));
const examples = pages.flatMap(({ rule, markdown }) => examplesOf(rule, markdown));

describe('rule docs: the examples behave as their pages say', () => {
  it('every rule page shows correct and incorrect examples', () => {
    for (const { rule } of pages) {
      const mine = examples.filter((example) => example.rule === rule);
      expect(mine.filter((example) => example.verdict === 'correct').length, rule).toBeGreaterThan(0);
      expect(mine.filter((example) => example.verdict === 'incorrect').length, rule).toBeGreaterThan(0);
    }
  });

  it.each(examples.map((example) => [`${example.where} (${example.verdict})`, example] as const))('%s', (_name, example) => {
    // An example without an acquire would pass as correct without saying anything: each shows what it is about.
    expect(ACQUIRES[example.rule === 'require-release' ? 'release' : 'queue'].test(example.code), `${example.where} acquires nothing`).toBe(true);
    for (const typed of example.typedOnly ? [true] : [false, true]) {
      const mode = typed ? 'typed' : 'untyped';
      const source = asModule(example.code, typed ? typedDeclarations(example.code) : EVIDENCE);
      expect(source, `${example.where} does not parse, even wrapped in a function`).toBeDefined();
      const messages = lint(example.rule, source ?? '', typed);
      const fatal = messages.filter((message) => message.fatal);
      expect(fatal, `${example.where} (${mode}): ${fatal.map((m) => m.message).join('; ')}`).toEqual([]);
      const reports = messages.filter((message) => message.ruleId === `workqueue/${example.rule}`);
      if (example.verdict === 'correct') {
        expect(reports.map((m) => `${m.line}: ${m.message}`), `${example.where} is shown as correct (${mode})`).toEqual([]);
      } else {
        expect(reports.length, `${example.where} is shown as incorrect (${mode})`).toBeGreaterThan(0);
      }
    }
  });
});
