/**
 * Untyped: what a function (or a constant) imported from another file of the package does, read from disk. Without
 * type information a call of `getDbValues` imported from `./utils.mjs` is otherwise an unknown call, so it may throw;
 * typed runs read the other file through the program ({@link ./typed-summaries.ts}).
 *
 * What is read: the target of a **relative** specifier (`./x.js`, `../lib`) of `import { f }`, `import f`,
 * `import * as ns` (`ns.f()`), `const { f } = require('./x')` and `const x_1 = require('./x')` (`x_1.f()`,
 * `(0, x_1.f)()`, also wrapped in an interop helper) and `const f = require('./x')` (`f()`: what `module.exports` is),
 * resolved the way Node and TypeScript do for the extensions
 * that occur: the exact file, the specifier plus an extension, or a directory's `index.*`; from a TypeScript file,
 * also the `.ts` sibling of a `.js` specifier, as TS sources write it. Never a file outside the linted file's package
 * (its nearest `package.json`), under `node_modules`, a declaration file, or one over {@link MAX_BYTES}.
 *
 * How: the file is parsed with the linted file's parser (typescript-estree without a project) by an inner ESLint
 * `Linter` run, and the exported function — `export function f`, `export const f = () => …`, `export { f }`,
 * `export default function`, `exports.f = f` / `exports.f = function …`, `module.exports = { f }` — is judged by
 * the same untyped throw model the rule uses, with the same options, so a helper imported is judged as the same
 * helper pasted into the file. An exported `const X = 'literal'` (a string, number or array literal) is that literal.
 * An exported class (`export class Foo`, tsc's `exports.Foo = Foo`, `module.exports = class …`) is judged for `new`
 * of it — or of a class of the linted file that extends it — as a class of that file is, and for a method a class of
 * the linted file inherits from it and calls on `this` ({@link inheritedMethodCannotThrow}).
 *
 * How far: one file away, plus one re-export hop (`export { f } from './impl.js'`) to find the function. Inside the
 * other file, imported functions are unknown again (they may throw): every answer is a function of that file alone
 * (and the options), whichever file asked first, so `--concurrency` workers agree; a chain of helpers across three
 * files is not followed.
 *
 * Cost: lazy — a file is read only when the solver asks whether a call of one of its functions may throw (or reads
 * one of its constants), and parsed once per lint run per path, size and mtime (a bounded cache of
 * {@link MAX_FILES} files). `eslint --cache` does not know about this dependency: a changed helper file does not
 * re-lint the files that import it (typescript-eslint says the same of typed rules).
 *
 * Unknown stays unknown: a file that cannot be found, read or parsed, or an export that is not a function or a
 * literal, answers "may throw".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Linter, type Rule } from 'eslint';
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isAsyncFunction } from './down-level.js';
import { HandleIndex } from './handles.js';
import { Recorder } from './recorder.js';
import { Summaries } from './summaries.js';
import { classMember, type FunctionNode, isFunctionNode, memberName, requiredSpecifier, unwrapValue } from './syntax.js';
import { ThrowModel, type ImportedLookup, type ImportedConstant, type ThrowModelOptions } from './throw-model.js';

const { DefinitionType } = TSESLint.Scope;

/** Files larger than this are not read (a bundle, generated tables): their exports may throw. */
export const MAX_BYTES = 512 * 1024;
/** Parsed files kept for the lint run (the least recently used is dropped). */
export const MAX_FILES = 64;

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx'];
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
/** The TypeScript files a `.js`-style specifier names in a TypeScript source. */
const TS_SIBLINGS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const LINT_GLOBS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];

/** How the linted file is parsed: the other files are parsed the same way. */
export interface ImportSource {
  readonly filename: string;
  readonly parser: unknown;
  readonly parserOptions: Readonly<Record<string, unknown>>;
  readonly sourceType: string | undefined;
}

/** The parts of a rule context that say how the file is parsed, when it is a file on disk. */
export function importSourceOf(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): ImportSource | undefined {
  const given = context.physicalFilename;
  // `<input>` and `<text>`: code given without a file.
  if (!given || given.startsWith('<')) return undefined;
  // A relative name (`Linter#verify(code, config, 'src/x.ts')`) is relative to ESLint's working directory.
  const filename = path.resolve(context.cwd, given);
  const languageOptions = context.languageOptions as { parser?: unknown; parserOptions?: Record<string, unknown>; sourceType?: string };
  // Without a project: the other file is read untyped, as this one is.
  const parserOptions = Object.fromEntries(
    Object.entries(languageOptions.parserOptions ?? {}).filter(([key]) => key !== 'project' && key !== 'projectService' && key !== 'programs'),
  );
  return { filename, parser: languageOptions.parser, parserOptions, sourceType: languageOptions.sourceType };
}

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/** An exported function's body, class, or literal in a parsed file, or a re-export. */
type Export =
  | { readonly fn: FunctionNode }
  | { readonly cls: ClassNode }
  | { readonly constant: ImportedConstant }
  | { readonly reexport: string; readonly name: string };

/** The export name of what `module.exports = …` assigns: `const f = require('./f'); f()` calls it. */
const MODULE_EXPORTS = '<module.exports>';

interface ParsedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly parser: unknown;
  /** undefined: the file could not be parsed. */
  readonly model: ThrowModel | undefined;
  readonly handles: HandleIndex | undefined;
  readonly exports: ReadonlyMap<string, Export | null>;
  readonly answers: Map<string, boolean>;
}

/** Parsed files by options key and path, least recently used first. */
const FILES = new Map<string, ParsedFile>();

export class ImportedSummaries implements ImportedLookup {
  private readonly dir: string;
  private readonly packageRoot: string | undefined;
  private readonly fromTypeScript: boolean;
  private readonly resolved = new Map<string, string | null>();
  private readonly optionsKey: string;

  constructor(
    private readonly source: ImportSource,
    private readonly handles: HandleIndex,
    private readonly options: ThrowModelOptions,
  ) {
    this.dir = path.dirname(source.filename);
    this.packageRoot = packageRootOf(this.dir);
    this.fromTypeScript = TS_EXTENSIONS.includes(path.extname(source.filename));
    this.optionsKey = JSON.stringify([options.nonThrowing ?? [], options.promiseFunctionsMayThrow ?? false, options.loggersMayThrow ?? false, source.sourceType ?? '', source.parserOptions]);
  }

  /**
   * The call runs an imported function whose body cannot throw (an async function or a generator rejects), or a
   * method called on `this` that the class inherits from a class imported from another file of the package.
   */
  callCannotThrow(call: TSESTree.CallExpression): boolean {
    const binding = this.importOf(call.callee);
    if (!binding) return this.guard(() => this.inheritedCannotThrow(call), false);
    return this.guard(() => this.exportCannotThrow(binding.specifier, binding.name, this.dir, 1), false);
  }

  /** `new Foo()`, `extends x_1.Base`: the node names an imported class whose construction cannot throw. */
  classCannotThrow(node: TSESTree.Node): boolean {
    const binding = this.importOf(node);
    if (!binding) return false;
    return this.guard(() => {
      const found = this.findExport(binding.specifier, binding.name, this.dir, 1);
      if (!found || !('cls' in found.exported)) return false;
      const { cls } = found.exported;
      return remember(found.file, `new:${cls.range[0]}`, () => !(found.file.model?.summaryClassMayThrow(cls) ?? true));
    }, false);
  }

  /**
   * `this.configure(…)` in `class A extends base_1.BaseController` where neither A nor a class of this file between
   * it and the import declares `configure`: BaseController's method (or, in that file, its superclass's), judged in
   * that file — unless a class of this file overrides a method that the base classes call on `this`, which the
   * base's body then runs instead.
   */
  private inheritedCannotThrow(call: TSESTree.CallExpression): boolean {
    const callee = unwrapValue(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const name = memberName(callee);
    let owner: ClassNode | undefined = name === undefined ? undefined : this.handles.classOfReceiver(callee.object);
    if (!owner || name === undefined) return false;
    /** What the classes of this file declare, or assign on `this`: they replace a base class's member of that name. */
    const declared = new Set<string>();
    const seen = new Set<ClassNode>();
    for (; owner && !seen.has(owner); owner = localClass(this.handles, owner.superClass)) {
      seen.add(owner);
      for (const member of memberNames(this.handles, owner)) declared.add(member);
      if (declared.has(name)) return false;
      if (!owner.superClass) return false;
      const binding = this.importOf(owner.superClass);
      if (binding) {
        const found = this.findExport(binding.specifier, binding.name, this.dir, 1);
        if (!found || !('cls' in found.exported) || !found.file.handles) return false;
        return inheritedMethodCannotThrow(found.file, found.exported.cls, name, declared);
      }
    }
    return false;
  }

  /** The imported `const` a node names, when it is bound to a string, number or array literal. */
  constantOf(node: TSESTree.Node): ImportedConstant | undefined {
    const binding = this.importOf(node);
    if (!binding) return undefined;
    return this.guard(() => {
      const found = this.findExport(binding.specifier, binding.name, this.dir, 1);
      return found && 'constant' in found.exported ? found.exported.constant : undefined;
    }, undefined);
  }

  private guard<T>(run: () => T, fallback: T): T {
    try {
      return run();
    } catch {
      return fallback;
    }
  }

  private exportCannotThrow(specifier: string, name: string, dir: string, hops: number): boolean {
    const found = this.findExport(specifier, name, dir, hops);
    if (!found || !('fn' in found.exported)) return false;
    const { fn } = found.exported;
    const key = `${fn.range[0]}:${name}`;
    let answer = found.file.answers.get(key);
    if (answer === undefined) {
      answer = isAsyncFunction(fn) || fn.generator || !(found.file.model?.summaryMayThrow(fn) ?? true);
      found.file.answers.set(key, answer);
    }
    return answer;
  }

  /** The export `name` of the module `specifier` (relative to `dir`), following `hops` re-exports. */
  private findExport(specifier: string, name: string, dir: string, hops: number): { file: ParsedFile; exported: Export } | undefined {
    const file = this.fileAt(specifier, dir);
    if (!file) return undefined;
    const exported = file.parsed.exports.get(name);
    if (!exported) return undefined;
    if ('reexport' in exported) return hops > 0 ? this.findExport(exported.reexport, exported.name, path.dirname(file.path), hops - 1) : undefined;
    return { file: file.parsed, exported };
  }

  private fileAt(specifier: string, dir: string): { path: string; parsed: ParsedFile } | undefined {
    const key = `${dir}\0${specifier}`;
    let target = this.resolved.get(key);
    if (target === undefined) {
      target = this.resolve(specifier, dir) ?? null;
      this.resolved.set(key, target);
    }
    if (target === null) return undefined;
    const parsed = this.parse(target);
    return parsed && { path: target, parsed };
  }

  /** The file a relative specifier names, if it exists and may be read. */
  private resolve(specifier: string, dir: string): string | undefined {
    if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return undefined;
    const base = path.resolve(dir, specifier);
    const extensions = this.fromTypeScript ? [...TS_EXTENSIONS, ...JS_EXTENSIONS] : JS_EXTENSIONS;
    const candidates: string[] = [];
    const ext = path.extname(base);
    if (this.fromTypeScript && JS_EXTENSIONS.includes(ext)) {
      // `import { f } from './x.js'` in a TypeScript source: TypeScript reads `x.ts` (`.mjs` → `.mts`, `.cjs` → `.cts`).
      const stem = base.slice(0, -ext.length);
      candidates.push(...(TS_SIBLINGS[ext] ?? []).map((e) => stem + e));
    }
    if (extensions.includes(ext)) candidates.push(base);
    candidates.push(...extensions.map((e) => base + e), ...extensions.map((e) => path.join(base, `index${e}`)));
    return candidates.find((candidate) => this.readable(candidate));
  }

  private readable(file: string): boolean {
    if (/\.d\.[cm]?ts$/.test(file)) return false;
    const root = this.packageRoot;
    if (root === undefined) return false;
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep).includes('node_modules')) return false;
    const stat = statOf(file);
    return stat !== undefined && stat.isFile() && stat.size <= MAX_BYTES;
  }

  /** The parsed file, from the cache while its size and mtime are unchanged. */
  private parse(file: string): ParsedFile | undefined {
    const stat = statOf(file);
    if (!stat) return undefined;
    const key = `${this.optionsKey}\0${file}`;
    const known = FILES.get(key);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size && known.parser === this.source.parser) {
      FILES.delete(key);
      FILES.set(key, known);
      return known;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const sourceCode = parseWith(this.source, file, text);
    const foreign = sourceCode && foreignModel(sourceCode, this.options);
    const parsed: ParsedFile = {
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      parser: this.source.parser,
      model: foreign?.model,
      handles: foreign?.handles,
      exports: sourceCode ? this.guard(() => exportsOf(sourceCode), new Map()) : new Map(),
      answers: new Map(),
    };
    FILES.delete(key);
    FILES.set(key, parsed);
    while (FILES.size > MAX_FILES) FILES.delete(FILES.keys().next().value as string);
    return parsed;
  }

  /** The module and export name an identifier (or `ns.f`, `x_1.f`) is imported as, from a relative specifier. */
  private importOf(node: TSESTree.Node): { specifier: string; name: string } | undefined {
    let value = unwrapValue(node);
    // `(0, x_1.f)(…)`: tsc's call without a `this`.
    if (value.type === AST_NODE_TYPES.SequenceExpression) value = unwrapValue(value.expressions.at(-1) as TSESTree.Node);
    if (value.type === AST_NODE_TYPES.Identifier) return this.bindingOf(value);
    if (value.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const object = unwrapValue(value.object);
    const name = memberName(value);
    if (object.type !== AST_NODE_TYPES.Identifier || name === undefined) return undefined;
    const def = this.handles.resolve(object)?.defs[0];
    if (def?.type === DefinitionType.ImportBinding && def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier && def.parent.type === AST_NODE_TYPES.ImportDeclaration) {
      return { specifier: def.parent.source.value, name };
    }
    if (def?.type === DefinitionType.Variable && def.parent.kind === 'const' && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
      const specifier = requiredSpecifier(def.node.init);
      if (specifier !== undefined) return { specifier, name };
    }
    return undefined;
  }

  private bindingOf(identifier: TSESTree.Identifier): { specifier: string; name: string } | undefined {
    const def = this.handles.resolve(identifier)?.defs[0];
    // `const f = require('./f')` (not wrapped in an interop helper, which makes a module object): what the module
    // assigned to `module.exports`.
    if (def?.type === DefinitionType.Variable && def.parent.kind === 'const' && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
      const init = unwrapValue(def.node.init);
      const specifier = init.type === AST_NODE_TYPES.CallExpression && init.callee.type === AST_NODE_TYPES.Identifier && init.callee.name === 'require' ? requiredSpecifier(init) : undefined;
      return specifier === undefined ? undefined : { specifier, name: MODULE_EXPORTS };
    }
    if (def?.type === DefinitionType.ImportBinding && def.parent.type === AST_NODE_TYPES.ImportDeclaration) {
      const specifier = def.parent.source.value;
      if (def.node.type === AST_NODE_TYPES.ImportSpecifier) {
        if (def.node.importKind === 'type') return undefined;
        const { imported } = def.node;
        return { specifier, name: imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value };
      }
      if (def.node.type === AST_NODE_TYPES.ImportDefaultSpecifier) return { specifier, name: 'default' };
      return undefined;
    }
    // `const { f, g: h } = require('./x')`.
    if (def?.type === DefinitionType.Variable && def.parent.kind === 'const' && def.node.id.type === AST_NODE_TYPES.ObjectPattern && def.node.init) {
      const specifier = requiredSpecifier(def.node.init);
      if (specifier === undefined) return undefined;
      for (const property of def.node.id.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.value !== def.name || property.computed) continue;
        return { specifier, name: nameOf(property.key) };
      }
    }
    return undefined;
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

const PACKAGE_ROOTS = new Map<string, string | undefined>();

/** The directory of the nearest `package.json` above `dir` (the linted file's package). */
function packageRootOf(dir: string): string | undefined {
  if (PACKAGE_ROOTS.has(dir)) return PACKAGE_ROOTS.get(dir);
  const parent = path.dirname(dir);
  const root = statOf(path.join(dir, 'package.json'))?.isFile() ? dir : parent === dir ? undefined : packageRootOf(parent);
  PACKAGE_ROOTS.set(dir, root);
  return root;
}

/** Parses `text` as the linted file is parsed; undefined when it does not parse. */
function parseWith(source: ImportSource, file: string, text: string): TSESLint.SourceCode | undefined {
  let captured: TSESLint.SourceCode | undefined;
  const capture: Rule.RuleModule = {
    create(context) {
      captured = context.sourceCode as unknown as TSESLint.SourceCode;
      return {};
    },
  };
  const ext = path.extname(file);
  const sourceType = ext === '.cjs' || ext === '.cts' ? 'commonjs' : ext === '.mjs' || ext === '.mts' ? 'module' : source.sourceType;
  try {
    const messages = new Linter({ cwd: '/' }).verify(
      text,
      [
        {
          files: LINT_GLOBS,
          languageOptions: {
            ...(source.parser ? { parser: source.parser } : {}),
            ...(sourceType ? { sourceType: sourceType } : {}),
            parserOptions: source.parserOptions,
          },
          linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
          plugins: { imported: { rules: { capture } } },
          rules: { 'imported/capture': 'error' },
        },
      ],
      { filename: file },
    );
    return messages.some((message) => message.fatal) ? undefined : captured;
  } catch {
    return undefined;
  }
}

/** The answer for `key` in a parsed file, computed once. */
function remember(file: ParsedFile, key: string, compute: () => boolean): boolean {
  let answer = file.answers.get(key);
  if (answer === undefined) {
    answer = compute();
    file.answers.set(key, answer);
  }
  return answer;
}

/** The class a superclass expression names in the same file (a class declaration, or a `const` bound to a class expression). */
function localClass(handles: HandleIndex, node: TSESTree.Node | null | undefined): ClassNode | undefined {
  if (!node) return undefined;
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.ClassExpression) return value;
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = handles.resolve(value)?.defs[0];
  if (def?.type === DefinitionType.ClassName) return def.node;
  if (def?.type === DefinitionType.Variable && def.parent.kind === 'const' && def.node.init) {
    const init = unwrapValue(def.node.init);
    return init.type === AST_NODE_TYPES.ClassExpression ? init : undefined;
  }
  return undefined;
}

/** The names a class declares (methods, accessors, fields) or assigns on `this` (`this.run = …` in its constructor). */
function memberNames(handles: HandleIndex, cls: ClassNode): ReadonlySet<string> {
  return once(MEMBER_NAMES, cls, () => ownMemberNames(handles, cls));
}

/** Per class node (of the linted file or a parsed one): a class's names, computed once. */
const MEMBER_NAMES = new WeakMap<ClassNode, ReadonlySet<string>>();
const THIS_ASSIGNED = new WeakMap<ClassNode, ReadonlySet<string>>();
const THIS_CALLS = new WeakMap<ClassNode, ReadonlySet<string>>();

function once(cache: WeakMap<ClassNode, ReadonlySet<string>>, cls: ClassNode, compute: () => ReadonlySet<string>): ReadonlySet<string> {
  let names = cache.get(cls);
  if (!names) cache.set(cls, (names = compute()));
  return names;
}

function ownMemberNames(handles: HandleIndex, cls: ClassNode): Set<string> {
  const names = new Set(thisAssigned(handles, cls));
  for (const member of cls.body.body) {
    if ((member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) && !member.computed) {
      names.add(member.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${member.key.name}` : nameOf(member.key));
    }
  }
  return names;
}

/** The names a class's code assigns on `this` (`this.run = …`): an own property that hides a method of that name. */
function thisAssigned(handles: HandleIndex, cls: ClassNode): ReadonlySet<string> {
  return once(THIS_ASSIGNED, cls, () => ownThisAssigned(handles, cls));
}

function ownThisAssigned(handles: HandleIndex, cls: ClassNode): Set<string> {
  const names = new Set<string>();
  for (const member of cls.body.body) {
    handles.find(member, (node) => {
      if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression) {
        const object = unwrapValue(node.left.object);
        const name = memberName(node.left);
        if (object.type === AST_NODE_TYPES.ThisExpression && name !== undefined) names.add(name);
      }
      return false;
    });
  }
  return names;
}

/**
 * The method `name` an instance inherits from `cls` (a class of the parsed file; or its superclass, if that is a
 * class of the same file) cannot throw, judged in that file, for a subclass that declares `overrides`: a method the
 * base classes call on `this` that the subclass replaces makes the answer "may throw".
 */
function inheritedMethodCannotThrow(file: ParsedFile, cls: ClassNode, name: string, overrides: ReadonlySet<string>): boolean {
  const handles = file.handles;
  const model = file.model;
  if (!handles || !model) return false;
  const chain: ClassNode[] = [];
  let method: TSESTree.MethodDefinition | undefined;
  for (let current: ClassNode | undefined = cls; current && !chain.includes(current); current = localClass(handles, current.superClass)) {
    chain.push(current);
    const member = classMember(current, name);
    if (member) {
      if (member.type !== AST_NODE_TYPES.MethodDefinition || member.kind !== 'method' || member.static) return false;
      if (chain.some((c) => thisAssigned(handles, c).has(name))) return false;
      method = member;
      break;
    }
    if (memberNames(handles, current).has(name)) return false;
  }
  if (!method) return false;
  // The base classes call `this.x()` for an `x` the subclass replaces: that body runs the subclass's `x`.
  for (const current of chain) {
    for (const called of thisCalls(handles, current)) if (overrides.has(called)) return false;
  }
  const fn = method.value;
  // An abstract method or an overload has no body to judge.
  if (fn.type !== AST_NODE_TYPES.FunctionExpression) return false;
  return remember(file, `method:${fn.range[0]}`, () => isAsyncFunction(fn) || fn.generator || !model.summaryMayThrow(fn));
}

/** The names a class's code calls on its instance: `this.x()`, `self.x()` with `const self = this`. */
function thisCalls(handles: HandleIndex, cls: ClassNode): ReadonlySet<string> {
  return once(THIS_CALLS, cls, () => ownThisCalls(handles, cls));
}

function ownThisCalls(handles: HandleIndex, cls: ClassNode): Set<string> {
  const names = new Set<string>();
  handles.find(cls.body, (node) => {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrapValue(node.callee);
      const name = callee.type === AST_NODE_TYPES.MemberExpression ? memberName(callee) : undefined;
      if (callee.type === AST_NODE_TYPES.MemberExpression && name !== undefined && handles.classOfReceiver(callee.object)) names.add(name);
    }
    return false;
  });
  return names;
}

/** The untyped throw model of another file, with the same options, following no further file. */
function foreignModel(sourceCode: TSESLint.SourceCode, options: ThrowModelOptions): { model: ThrowModel; handles: HandleIndex } {
  const handles = new HandleIndex(sourceCode);
  const summaries = new Summaries(new Recorder(), handles, () => {
    throw new Error('not solved');
  });
  const model = new ThrowModel({
    sourceCode,
    handles,
    services: undefined,
    options,
    resolveCallee: (callee) => summaries.resolveCallee(callee),
    // No resource is tracked in a summary of another file: a tracked resource's methods and acquires are unknown.
    isNonThrowingAcquire: () => false,
    isNonThrowingHandleMethod: () => false,
  });
  return { model, handles };
}

/** The file's exports that name a function body, a literal, or a re-export; null for a name exported ambiguously. */
function exportsOf(sourceCode: TSESLint.SourceCode): Map<string, Export | null> {
  const exports = new Map<string, Export | null>();
  // The scope of the file's top-level declarations: the module's, CommonJS's function scope, or the global one.
  const globalScope = sourceCode.scopeManager?.globalScope;
  const moduleScope = globalScope?.childScopes.find((scope) => scope.block === sourceCode.ast) ?? globalScope;
  const add = (name: string, exported: Export | undefined): void => {
    exports.set(name, exports.has(name) || !exported ? null : exported);
  };
  /** What a top-level name, or an expression, is: a function body or a literal. */
  const valueOf = (node: TSESTree.Node | null | undefined): Export | undefined => {
    if (!node) return undefined;
    const value = unwrapValue(node);
    if (isFunctionNode(value)) return { fn: value };
    if (value.type === AST_NODE_TYPES.ClassExpression || value.type === AST_NODE_TYPES.ClassDeclaration) return { cls: value };
    const literal = literalValue(value);
    if (literal !== undefined) return { constant: { type: AST_NODE_TYPES.Literal, value: literal } };
    if (value.type === AST_NODE_TYPES.ArrayExpression) return { constant: { type: AST_NODE_TYPES.ArrayExpression } };
    if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = moduleScope?.set.get(value.name);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type === DefinitionType.FunctionName && isFunctionNode(def.node)) return { fn: def.node };
    if (def?.type === DefinitionType.ClassName && def.node.type === AST_NODE_TYPES.ClassDeclaration) return { cls: def.node };
    if (def?.type === DefinitionType.Variable && def.parent.kind === 'const' && def.node.id.type === AST_NODE_TYPES.Identifier) {
      return def.node.init && unwrapValue(def.node.init).type !== AST_NODE_TYPES.Identifier ? valueOf(def.node.init) : undefined;
    }
    return undefined;
  };
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration) {
      if (statement.exportKind === 'type') continue;
      const { declaration } = statement;
      if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id) add(declaration.id.name, { fn: declaration });
      if (declaration?.type === AST_NODE_TYPES.ClassDeclaration && declaration.id) add(declaration.id.name, { cls: declaration });
      if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const declarator of declaration.declarations) {
          if (declarator.id.type === AST_NODE_TYPES.Identifier) add(declarator.id.name, declaration.kind === 'const' ? valueOf(declarator.init) : undefined);
        }
      }
      for (const specifier of statement.specifiers) {
        if (specifier.exportKind === 'type') continue;
        const exported = nameOf(specifier.exported);
        const local = nameOf(specifier.local);
        if (statement.source) add(exported, { reexport: statement.source.value, name: local });
        else add(exported, specifier.local.type === AST_NODE_TYPES.Identifier ? valueOf(specifier.local) : undefined);
      }
    } else if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) {
      add('default', valueOf(statement.declaration));
    } else if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.expression.type === AST_NODE_TYPES.AssignmentExpression) {
      // `module.exports = { f, g: h }`.
      const { left, right } = statement.expression;
      if (isModuleExports(left) && right.type === AST_NODE_TYPES.ObjectExpression) {
        for (const property of right.properties) {
          if (property.type === AST_NODE_TYPES.Property && !property.computed && property.kind === 'init') add(nameOf(property.key), valueOf(property.value));
        }
        continue;
      }
      // `module.exports = function f() {…}`, `module.exports = f`, `module.exports = class …`.
      if (isModuleExports(left) && statement.expression.operator === '=') {
        add(MODULE_EXPORTS, valueOf(right));
        continue;
      }
      // `exports.f = f`, `module.exports.f = function …`, tsc's `exports.a = exports.b = void 0` (which sets nothing).
      let assignment: TSESTree.Expression = statement.expression;
      const names: string[] = [];
      while (assignment.type === AST_NODE_TYPES.AssignmentExpression && assignment.operator === '=') {
        const name = exportsMember(assignment.left);
        if (name === undefined) break;
        names.push(name);
        assignment = assignment.right;
      }
      if (names.length === 0 || isVoid(assignment)) continue;
      for (const name of names) add(name, valueOf(assignment));
    }
  }
  return exports;
}

/**
 * A string or number literal, a template literal without expressions, or a `+` of such (`'Operation$name$not' +
 * ' supported'`, as instrumentation-graphql's TS source writes its constant): its value.
 */
function literalValue(node: TSESTree.Node): string | number | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'string' || typeof value.value === 'number' ? value.value : undefined;
  if (value.type === AST_NODE_TYPES.TemplateLiteral) return value.expressions.length === 0 ? value.quasis[0]?.value.cooked ?? undefined : undefined;
  if (value.type !== AST_NODE_TYPES.BinaryExpression || value.operator !== '+') return undefined;
  const left = literalValue(value.left);
  const right = left === undefined ? undefined : literalValue(value.right);
  if (left === undefined || right === undefined) return undefined;
  return typeof left === 'number' && typeof right === 'number' ? left + right : `${left}${right}`;
}

function nameOf(node: TSESTree.Node): string {
  return node.type === AST_NODE_TYPES.Identifier ? node.name : node.type === AST_NODE_TYPES.Literal ? String(node.value) : '';
}

function isModuleExports(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === 'module' &&
    memberName(node) === 'exports'
  );
}

/** `exports.f` or `module.exports.f`: the name `f`. */
function exportsMember(node: TSESTree.Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const object = node.object;
  const isExports = (object.type === AST_NODE_TYPES.Identifier && object.name === 'exports') || isModuleExports(object);
  return isExports ? memberName(node) : undefined;
}

function isVoid(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'void';
}
