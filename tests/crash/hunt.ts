/**
 * The crash hunt: lints files with every rule on (require-release with every preset and a custom pair), untyped, typed
 * (one TypeScript program over all the files), and typed with a checker that throws on every question — the way
 * TypeScript 5.9's `getResolvedSignature` throws on conflicting declarations of one global. Every exception a rule
 * throws is collected; every suggestion is applied and the result re-parsed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import * as ts from 'typescript';

import plugin from '../../src/index.js';
import { DB_PAIR, type GeneratedFile } from './generator.js';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `throwing-checker`: every checker method and type service throws. `throwing-queries`: types of nodes are answered,
 * every further checker question (`getResolvedSignature`, `getNonNullableType`, …) throws — the shape of TypeScript
 * 5.9's failure, where the type is there and the signature resolution crashes.
 */
export type Mode = 'untyped' | 'typed' | 'throwing-checker' | 'throwing-queries';
export const MODES: readonly Mode[] = ['untyped', 'typed', 'throwing-checker', 'throwing-queries'];

export interface HuntResult {
  files: number;
  /** Linter runs (one per file, mode and option set), each with every rule on. */
  lintRuns: number;
  /** Rule executions: lint runs times the rules on. */
  ruleRuns: number;
  exceptions: { file: string; mode: Mode; message: string }[];
  /** Generated inputs that did not parse: a generator bug, reported so it is not silently skipped. */
  inputParseFailures: { file: string; message: string }[];
  reports: number;
  suggestionsApplied: number;
  suggestionParseFailures: { file: string; mode: Mode; rule: string; message: string; output: string }[];
}

const RULE_NAMES = Object.keys(plugin.rules);

/** Two option sets: the defaults (every preset) plus a custom pair, and the explicit-throws model. */
const OPTION_SETS: Record<string, unknown>[] = [
  {},
  { explicitThrowsOnly: true },
];

function rulesConfig(extra: Record<string, unknown>): Linter.RulesRecord {
  const rules: Linter.RulesRecord = {};
  for (const name of RULE_NAMES) {
    const options = name === 'require-release' ? { ...extra, pairs: [DB_PAIR] } : name === 'require-done' ? extra : undefined;
    rules[`workqueue/${name}`] = options && Object.keys(options).length > 0 ? ['error', options] : 'error';
  }
  return rules;
}

/** A proxy whose every method throws, the way the checker does on a program it cannot make sense of. */
function throwing<T extends object>(target: T, what: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return () => {
        throw new TypeError(`Cannot read properties of undefined (reading 'flags') [${what}.${String(property)}]`);
      };
    },
  });
}

type ParseResult = ReturnType<typeof parser.parseForESLint>;

/** @typescript-eslint/parser, with every checker question throwing, and the type services too unless `typesWork`. */
const throwingParser = (typesWork: boolean) => ({
  meta: { name: typesWork ? 'throwing-queries-parser' : 'throwing-checker-parser' },
  parseForESLint(code: string, options: Record<string, unknown>): ParseResult {
    const result = parser.parseForESLint(code, options);
    const services = result.services;
    if (!services.program) return result;
    const checker = throwing(services.program.getTypeChecker(), 'checker');
    const program = new Proxy(services.program, {
      get(object, property, receiver) {
        if (property === 'getTypeChecker') return () => checker;
        const value: unknown = Reflect.get(object, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
      },
    });
    const fail = (): never => {
      throw new TypeError("Cannot read properties of undefined (reading 'kind') [services]");
    };
    if (typesWork) return { ...result, services: { ...services, program } };
    return {
      ...result,
      services: { ...services, program, getTypeAtLocation: fail, getSymbolAtLocation: fail, getContextualType: fail },
    };
  },
});
const PARSERS: Record<Mode, unknown> = {
  untyped: parser,
  typed: parser,
  'throwing-checker': throwingParser(false),
  'throwing-queries': throwingParser(true),
};

/** One program over all files, in a temporary directory that resolves packages from this repository's node_modules. */
function createProgram(dir: string, files: readonly string[]): ts.Program {
  return ts.createProgram(files, {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    experimentalDecorators: true,
    baseUrl: dir,
    paths: { '*': [path.join(ROOT, 'node_modules', '*'), path.join(ROOT, 'node_modules', '@types', '*')] },
    types: [],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  });
}

/** The parse error of `code` as @typescript-eslint/parser reports it, or `undefined` when it parses. */
export function parseError(code: string, filename: string): string | undefined {
  try {
    parser.parse(code, { filePath: filename, ecmaFeatures: { jsx: filename.endsWith('.tsx') }, range: false, loc: false, tokens: false, comment: false });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function hunt(files: readonly GeneratedFile[], modes: readonly Mode[] = MODES): HuntResult {
  const result: HuntResult = {
    files: files.length,
    lintRuns: 0,
    ruleRuns: 0,
    exceptions: [],
    inputParseFailures: [],
    reports: 0,
    suggestionsApplied: 0,
    suggestionParseFailures: [],
  };
  mkdirSync(tmpdir(), { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'workqueue-crash-hunt-'));
  try {
    const paths = files.map((file) => path.join(dir, file.name));
    files.forEach((file, index) => {
      writeFileSync(paths[index] as string, file.code);
    });
    const typed = modes.some((mode) => mode !== 'untyped');
    const program = typed ? createProgram(dir, paths) : undefined;
    // Files outside the working directory match no config: lint from the temporary directory.
    const linter = new Linter({ configType: 'flat', cwd: dir });
    files.forEach((file, index) => {
      const filename = paths[index] as string;
      const inputError = parseError(file.code, filename);
      if (inputError) {
        result.inputParseFailures.push({ file: file.name, message: inputError });
        return;
      }
      for (const mode of modes) {
        for (const extra of OPTION_SETS) {
          const parserOptions: Record<string, unknown> = { ecmaFeatures: { jsx: file.name.endsWith('.tsx') } };
          if (mode !== 'untyped' && program) parserOptions.programs = [program];
          const config: Linter.Config[] = [
            {
              files: ['**/*.ts', '**/*.tsx'],
              languageOptions: { parser: PARSERS[mode] as Linter.Parser, parserOptions },
              plugins: { workqueue: plugin },
              rules: rulesConfig(extra),
            },
          ];
          result.lintRuns++;
          result.ruleRuns += RULE_NAMES.length;
          let messages: Linter.LintMessage[];
          try {
            messages = linter.verify(file.code, config, filename);
          } catch (error) {
            result.exceptions.push({ file: file.name, mode, message: (error as Error).stack ?? String(error) });
            continue;
          }
          for (const message of messages) {
            // A fatal message, or one from no rule ("No matching configuration"): the run did not happen as meant.
            if (message.fatal || message.ruleId === null) {
              result.exceptions.push({ file: file.name, mode, message: message.message });
              continue;
            }
            result.reports++;
            for (const suggestion of message.suggestions ?? []) {
              const [from, to] = suggestion.fix.range;
              const output = file.code.slice(0, from) + suggestion.fix.text + file.code.slice(to);
              result.suggestionsApplied++;
              const error = parseError(output, filename);
              if (error) result.suggestionParseFailures.push({ file: file.name, mode, rule: message.ruleId, message: error, output });
            }
          }
        }
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export function summary(result: HuntResult): string {
  return [
    `files ${result.files}`,
    `lint runs ${result.lintRuns} (rule runs ${result.ruleRuns})`,
    `exceptions ${result.exceptions.length}`,
    `input parse failures ${result.inputParseFailures.length}`,
    `reports ${result.reports}`,
    `suggestions applied ${result.suggestionsApplied}`,
    `suggestion parse failures ${result.suggestionParseFailures.length}`,
  ].join(', ');
}
