/**
 * Summaries of functions declared in other files of the TypeScript program (typed only): whether a helper releases
 * parameter N on every path or on some path, and whether a function is a wrapper that returns a fresh acquire.
 *
 * The other file is analysed by the same rule, with the same options, as if it were linted — an inner ESLint
 * `Linter` run over the program's own source file, parsed by the caller's parser against the caller's
 * `ts.Program` — so a helper in another file is judged exactly as the same helper pasted into this one. That run
 * reports nothing: it deposits each function's summary, keyed by the function's TypeScript node and the rule's
 * options, and each file is analysed once per program and options for the whole lint run.
 *
 * How far: one file away. A summary run does not itself follow calls into further files (a helper that hands the
 * resource to another file's helper is unknown there), so every summary is a function of its own file and the
 * program's types, whatever file asked first — `--concurrency` workers agree. Declaration files (`.d.ts`, packages
 * without sources) are never read.
 */
import { Linter, type Rule } from 'eslint';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

import { mayNameHelper } from './helper-names.js';
import { unwrapValue } from './syntax.js';
import type { ReleaseSummary } from './summaries.js';
import { callSpans, hasSpanWithin } from './text-spans.js';
import { guarded, type TypeServices } from './types.js';
import { mayBeWrapper } from './wrapper-shape.js';

/** What a function of another file does for its callers. */
export interface FunctionSummary {
  /** Parameter index → whether the function releases what it is given there. Absent: it does not release it. */
  readonly releases: ReadonlyMap<number, ReleaseSummary>;
  /** The obligation kind of the fresh acquire every `return` hands back (a wrapper whose result the caller can release). */
  readonly returns?: string;
}

/** The rule, its options and the names for a cheap text filter: how the other file is analysed. */
export interface CrossFileSource {
  /** Names the options in the deposit key: the rule's name. */
  readonly name: string;
  readonly rule: TSESLint.RuleModule<string, readonly unknown[]>;
  readonly context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
  /** Methods and functions that acquire (by name): a wrapper's body calls one. */
  readonly acquireNames: readonly string[];
  /** Methods that release (by name): a helper's body calls one, or calls a parameter when `callReleases`. */
  readonly releaseNames: readonly string[];
  readonly callReleases: boolean;
}

/** What a call's summary is asked for: does it return a fresh acquire, or release what it is passed. */
export type SummaryQuestion = 'wrapper' | 'helper';

const SUMMARY_SETTING = 'workqueue/internal-summary-run';

/** The rule runs inside a summary run: it analyses every function and reports nothing. */
export function isSummaryRun(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): boolean {
  return (context.settings as Record<string, unknown> | undefined)?.[SUMMARY_SETTING] === true;
}

const SUMMARY_KEYS = new WeakMap<object, Map<string, string>>();

/** The deposit key of a rule's analysis: its name and options. */
export function summaryKey(source: Pick<CrossFileSource, 'name' | 'context'>): string {
  const { options } = source.context;
  const [first] = options;
  // ESLint hands every file of a configuration the same option objects: the key is computed once per configuration.
  if (options.length !== 1 || typeof first !== 'object' || first === null) return `${source.name}:${JSON.stringify(options)}`;
  let byName = SUMMARY_KEYS.get(first);
  if (!byName) SUMMARY_KEYS.set(first, (byName = new Map<string, string>()));
  let key = byName.get(source.name);
  if (key === undefined) byName.set(source.name, (key = `${source.name}:${JSON.stringify(options)}`));
  return key;
}

/**
 * Summaries by function (its TypeScript node) and deposit key. Weakly keyed by the program's nodes: they go with the
 * program, and no file's lint state outlives it.
 */
const DEPOSITS = new WeakMap<ts.Node, Map<string, FunctionSummary>>();
/** Source files already analysed, by deposit key. */
const SUMMARISED = new WeakMap<ts.SourceFile, Set<string>>();

export function deposit(services: TypeServices, fn: TSESTree.Node, key: string, summary: FunctionSummary): void {
  const node = services.tsNodeOf(fn);
  if (!node) return;
  let byKey = DEPOSITS.get(node);
  if (!byKey) DEPOSITS.set(node, (byKey = new Map<string, FunctionSummary>()));
  byKey.set(key, summary);
}

const EXTENSIONS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];

export class CrossFile {
  private readonly key: string;
  private readonly ownFile: ts.SourceFile | undefined;
  private readonly byCall = new Map<TSESTree.Node, ts.FunctionLikeDeclaration | null>();
  private readonly candidates = new Map<ts.Node, boolean>();

  private readonly wrapperNames: ReadonlySet<string>;

  constructor(
    private readonly source: CrossFileSource,
    private readonly services: TypeServices,
  ) {
    this.key = summaryKey(source);
    this.ownFile = services.program.getSourceFile(source.context.physicalFilename);
    // declarationOf never answers with a function of this file: a name only this file's functions go by (a class's
    // own methods, in a bundle that is the program's only source file) needs no symbol.
    const ownName = this.ownFile?.fileName;
    this.wrapperNames = new Set(
      [...wrapperCandidateFiles(services, source.acquireNames)].filter(([, files]) => [...files].some((file) => file !== ownName)).map(([name]) => name),
    );
  }

  /**
   * What the function a call runs does, when it is declared with a body in another source file of the program.
   * The other file is analysed only when the function's own text could answer `question` — it calls an acquire, or
   * a release (or, for a releaser function, a parameter) — so most calls cost one resolved signature — and, when
   * it has not been analysed yet, only if `needed()` says the caller would use the answer.
   */
  summaryOf(call: TSESTree.CallExpression, question: SummaryQuestion, needed: () => boolean = () => true): FunctionSummary | undefined {
    // Most calls are of functions no other file could answer for: their name says so before any type question.
    if (question === 'wrapper' && !this.wrapperNames.has(calleeName(call) ?? '')) return undefined;
    if (question === 'helper') {
      // Likewise for helpers: a callee whose name no candidate helper, and no alias in the program, goes by.
      const name = calleeName(call);
      if (name !== undefined && !mayNameHelper(this.services, this.source.releaseNames, this.source.callReleases, name)) return undefined;
    }
    let declaration = this.byCall.get(call);
    if (declaration === undefined) {
      declaration = guarded(() => this.declarationOf(call), undefined) ?? null;
      this.byCall.set(call, declaration);
    }
    if (!declaration || !this.mayAnswer(declaration, question)) return undefined;
    const found = declaration;
    // The run costs a parse and a lint of the whole other file: not made for an answer the caller would discard.
    if (!SUMMARISED.get(found.getSourceFile())?.has(this.key) && !needed()) return undefined;
    guarded(() => this.summarise(found.getSourceFile()), undefined);
    return DEPOSITS.get(declaration)?.get(this.key);
  }

  private declarationOf(call: TSESTree.CallExpression): ts.FunctionLikeDeclaration | undefined {
    const { services } = this;
    const t = services.ts;
    const tsCall = services.tsNodeOf(call);
    if (!tsCall || !t.isCallExpression(tsCall)) return undefined;
    // The callee's symbol, not the call's resolved signature: far cheaper, and enough for a function with one body.
    const callee = t.isPropertyAccessExpression(tsCall.expression) ? tsCall.expression.name : tsCall.expression;
    let symbol = services.checker.getSymbolAtLocation(callee);
    if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = services.checker.getAliasedSymbol(symbol);
    const bodies = (symbol?.declarations ?? []).flatMap((node): ts.FunctionLikeDeclaration[] => {
      const value = t.isVariableDeclaration(node) || t.isPropertyDeclaration(node) ? node.initializer : node;
      return value && (t.isFunctionDeclaration(value) || t.isMethodDeclaration(value) || t.isFunctionExpression(value) || t.isArrowFunction(value)) && value.body
        ? [value]
        : [];
    });
    const [declaration] = bodies;
    if (bodies.length !== 1 || !declaration) return undefined;
    const file = declaration.getSourceFile();
    if (file === this.ownFile || file.isDeclarationFile || services.program.isSourceFileFromExternalLibrary(file)) return undefined;
    if (file.fileName.includes('/node_modules/')) return undefined;
    return declaration;
  }

  /** A cheap text test of the function's body: could it be a wrapper, or a helper that releases? */
  private mayAnswer(declaration: ts.FunctionLikeDeclaration, question: SummaryQuestion): boolean {
    const cacheKey = question === 'wrapper' ? declaration : (declaration.body ?? declaration);
    let known = this.candidates.get(cacheKey);
    if (known === undefined) {
      const text = declaration.body?.getText() ?? '';
      const { acquireNames, releaseNames, callReleases } = this.source;
      const calls = (name: string): boolean => text.includes(`${name}(`);
      known =
        question === 'wrapper'
          ? // A wrapper names an acquire, and every `return` of it hands back a call or a variable (wrapper-shape.ts).
            acquireNames.some(calls) && mayBeWrapper(this.services.ts, declaration)
          : releaseNames.some(calls) ||
            (callReleases && declaration.parameters.some((parameter) => this.services.ts.isIdentifier(parameter.name) && calls(parameter.name.text)));
      this.candidates.set(cacheKey, known);
    }
    return known;
  }

  /** Runs the rule over `file` once per program and options, depositing its functions' summaries. */
  private summarise(file: ts.SourceFile): void {
    let done = SUMMARISED.get(file);
    if (!done) SUMMARISED.set(file, (done = new Set()));
    if (done.has(this.key)) return;
    done.add(this.key);
    const { context, rule } = this.source;
    const linter = new Linter({ cwd: '/' });
    guarded(
      () =>
        linter.verify(
          file.text,
          [
            {
              files: EXTENSIONS,
              languageOptions: {
                ...(context.languageOptions.parser ? { parser: context.languageOptions.parser } : {}),
                ...(context.languageOptions.sourceType ? { sourceType: context.languageOptions.sourceType } : {}),
                parserOptions: { programs: [this.services.program] },
              },
              linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
              plugins: { workqueue: { rules: { summary: rule as unknown as Rule.RuleModule } } },
              settings: { [SUMMARY_SETTING]: true },
              rules: { 'workqueue/summary': ['error', ...context.options] },
            },
          ],
          { filename: file.fileName },
        ),
      [],
    );
  }
}

/** The name a call's callee goes by: `getClient` in `getClient()`, `db.getClient()` and `this.#getClient()`. */
function calleeName(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrapValue(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed) return callee.property.name;
  return undefined;
}

const CANDIDATES = new WeakMap<ts.Program, Map<string, ReadonlyMap<string, ReadonlySet<string>>>>();

/**
 * The names of the functions and methods, in the program's own source files, whose bodies call one of `acquireNames`
 * (the only functions that can be wrappers), each with the names of the files that declare one so named. Computed
 * once per program by a text search and, in the files that match, a walk of the declarations that hold a match.
 */
export function wrapperCandidateFiles(services: TypeServices, acquireNames: readonly string[]): ReadonlyMap<string, ReadonlySet<string>> {
  const key = acquireNames.join('\n');
  let byNames = CANDIDATES.get(services.program);
  if (!byNames) CANDIDATES.set(services.program, (byNames = new Map<string, ReadonlyMap<string, ReadonlySet<string>>>()));
  const known = byNames.get(key);
  if (known) return known;
  const names = new Map<string, Set<string>>();
  byNames.set(key, names);
  if (acquireNames.length === 0) return names;
  const t = services.ts;
  for (const file of services.program.getSourceFiles()) {
    if (file.isDeclarationFile || services.program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/')) continue;
    const spans = callSpans(file.text, acquireNames);
    if (spans.length === 0) continue;
    const visit = (node: ts.Node): void => {
      // Only a subtree that holds an acquire's call can hold a function whose body calls one.
      if (!hasSpanWithin(spans, node)) return;
      const value = t.isVariableDeclaration(node) || t.isPropertyDeclaration(node) ? node.initializer : node;
      const name = 'name' in node && node.name && (t.isIdentifier(node.name as ts.Node) || t.isPrivateIdentifier(node.name as ts.Node)) ? (node.name as ts.Identifier).text : undefined;
      if (
        name !== undefined &&
        value &&
        (t.isFunctionDeclaration(value) || t.isMethodDeclaration(value) || t.isFunctionExpression(value) || t.isArrowFunction(value)) &&
        value.body &&
        hasSpanWithin(spans, value.body)
      ) {
        let files = names.get(name);
        if (!files) names.set(name, (files = new Set<string>()));
        files.add(file.fileName);
      }
      t.forEachChild(node, visit);
    };
    guarded(() => t.forEachChild(file, visit), undefined);
  }
  return names;
}
