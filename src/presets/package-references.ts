/**
 * Whether a package a program holds can give this program's values its types. A program may hold a package that
 * nothing refers to: TypeScript includes every `@types` package of the type roots unless `types` says otherwise (the
 * real-world corpus's shared node_modules hands @types/amqplib to every program). A type of such a package can occur
 * in no value: no file imports it, and it declares no globals. Then a pair tied to it needs no receiver's type
 * (anthropic's `ERROR_CODE_CLASSES.get(…)` cost 850 ms of type checking to learn it is no amqplib channel).
 */
import path from 'node:path';

import type * as ts from 'typescript';

import type { TypeServices } from '../analysis/types.js';

interface References {
  /** Whether a package is referenced, decided at the top of a question (never within another's). */
  readonly referenced: Map<string, boolean>;
  /** The files that spell a package's name as a module specifier would. */
  readonly mentions: Map<string, ts.SourceFile[]>;
  /** A package declares globals. */
  readonly declaresGlobals: Map<string, boolean>;
  /** The program's files, read once (see {@link FileIndex}). */
  files?: FileIndex;
  /** A file of the program's own has a subpath import. */
  subpathImports?: boolean;
}

/**
 * The program's files (no default library), sorted once for every package asked about: a question about one name
 * would otherwise walk every file (the @types/node of each program: ~80 files, a path split each) once for
 * `declaresGlobals` and once for its mentions, and again for each package it leads to. Small code bases ask about
 * a handful of packages, and their whole lint is a few tens of milliseconds.
 */
interface FileIndex {
  /** The files of each package (by {@link owningPackage}: `@types/pg`'s under `pg`). */
  readonly byOwner: Map<string, ts.SourceFile[]>;
  /** The declaration files whose collected specifiers name each package (see {@link packagesNamedBy}). */
  readonly namedBy: Map<string, ts.SourceFile[]>;
  /** The files read by their text: the program's own, and any file without collected specifiers. */
  readonly byText: ts.SourceFile[];
}

const MEMO = new WeakMap<ts.Program, References>();

/** `import … from '#db'`: a package.json subpath import, which may map to any package. */
const SUBPATH_IMPORT = /(?:from|import|require)\s*\(?\s*['"]#/;

/**
 * Some file refers to the package: a file of the program's own (outside node_modules), or a file of another package
 * that is itself referenced, spells its name as a module specifier would (an import, a `require`, a `/// <reference
 * types>`, a re-export: a quoted name, a quoted path inside the package, a path through its node_modules directory);
 * or the package declares globals; or the program resolves modules in ways its files do not spell (`paths`,
 * `baseUrl`, subpath imports). Any such string counts, in a comment or as data: the answer may say "referenced" when
 * it is not, never the reverse. @types/pg-pool, itself included only as a type root, does not make `pg` referenced.
 */
export function packageReferenced(services: TypeServices, name: string): boolean {
  const { program } = services;
  let memo = MEMO.get(program);
  if (!memo) MEMO.set(program, (memo = { referenced: new Map(), mentions: new Map(), declaresGlobals: new Map() }));
  let known = memo.referenced.get(name);
  if (known === undefined) {
    const options = program.getCompilerOptions();
    memo.subpathImports ??= hasSubpathImport(program);
    known = options.paths !== undefined || options.baseUrl !== undefined || memo.subpathImports || referencedFrom(services, memo, name, new Set([name]));
    memo.referenced.set(name, known);
  }
  return known;
}

/** `pg` for a file of node_modules/pg/ or of node_modules/@types/pg/; `undefined` for a file of the program's own. */
function owningPackage(fileName: string): string | undefined {
  const at = fileName.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  return typesPackage(leadingPackage(fileName.slice(at + '/node_modules/'.length).split('/')));
}

/** The package a path inside node_modules starts with: `pg` for `pg/lib/x`, `@a/b` for `@a/b/x` (a scope takes two). */
export function leadingPackage(segments: readonly string[]): string {
  const [first = '', second = ''] = segments;
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** `visiting`: the packages whose question led here; a reference from one of them is no evidence yet. */
function referencedFrom(services: TypeServices, memo: References, name: string, visiting: ReadonlySet<string>): boolean {
  if (declaresGlobals(services, memo, name)) return true;
  for (const file of mentionsOf(services, memo, name)) {
    const owner = owningPackage(file.fileName);
    if (owner === undefined) return true;
    if (owner === name || visiting.has(owner)) continue;
    const settled = memo.referenced.get(owner);
    if (settled ?? referencedFrom(services, memo, owner, new Set([...visiting, owner]))) return true;
  }
  return false;
}

function mentionsOf(services: TypeServices, memo: References, name: string): readonly ts.SourceFile[] {
  let files = memo.mentions.get(name);
  if (!files) {
    const index = fileIndex(services, memo);
    files = [...(index.namedBy.get(name) ?? []), ...index.byText.filter((file) => spellsSpecifier(file.text, name))];
    memo.mentions.set(name, files);
  }
  return files;
}

/**
 * A declaration file is read by the module specifiers TypeScript collected from it (imports, exports, `import('x')`
 * types: the internal `imports`), its `/// <reference types>` and `/// <reference path>`: no scan of the large texts
 * of @types/node. A source file by its text, which also holds JSDoc's `import('x')` types of a JavaScript file.
 */
function fileIndex(services: TypeServices, memo: References): FileIndex {
  if (memo.files) return memo.files;
  const { program } = services;
  const index: FileIndex = { byOwner: new Map(), namedBy: new Map(), byText: [] };
  for (const file of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(file)) continue;
    const owner = owningPackage(file.fileName);
    if (owner !== undefined) {
      let owned = index.byOwner.get(owner);
      if (!owned) index.byOwner.set(owner, (owned = []));
      owned.push(file);
    }
    const named = file.isDeclarationFile ? packagesNamedBy(file) : undefined;
    if (!named) {
      index.byText.push(file);
      continue;
    }
    for (const name of named) {
      let naming = index.namedBy.get(name);
      if (!naming) index.namedBy.set(name, (naming = []));
      naming.push(file);
    }
  }
  memo.files = index;
  return index;
}

/** The packages a declaration file's specifiers and references name; `undefined` without `imports`. */
function packagesNamedBy(file: ts.SourceFile): ReadonlySet<string> | undefined {
  const { imports } = file as { imports?: readonly ts.StringLiteralLike[] };
  if (imports === undefined) return undefined;
  const named = new Set<string>();
  // A relative specifier is read as the path it names: `'../amqplib/index'` from a sibling package's directory.
  const home = packageHome(file.fileName);
  const note = (specifier: string): void => {
    const owner = specifier.startsWith('.') ? relativeSpecifierPackage(file.fileName, home, specifier) : bareSpecifierPackage(specifier);
    if (owner !== undefined) named.add(owner);
  };
  for (const specifier of imports) note(specifier.text);
  for (const reference of file.referencedFiles) note(reference.fileName);
  for (const directive of file.typeReferenceDirectives) named.add(typesPackage(directive.fileName));
  return named;
}

/**
 * The package a relative specifier of a file leads into. Most stay inside the file's own package (`./commands`,
 * `../lib/x`: node-redis's declaration files hold 1,700): then it is the file's package, read off its path once per
 * file without resolving each (resolving them cost most of a small program's first question). A specifier that
 * climbs above the package's directory, or names a `node_modules` directory, is resolved.
 */
function relativeSpecifierPackage(fileName: string, home: PackageHome | undefined, specifier: string): string | undefined {
  if (home !== undefined) {
    let depth = home.depth;
    let stays = true;
    for (const segment of specifier.split('/')) {
      if (segment === '..') depth--;
      else if (segment === 'node_modules') stays = false;
      else if (segment !== '.' && segment !== '') depth++;
      if (depth < 0 || !stays) {
        stays = false;
        break;
      }
    }
    if (stays) return home.owner;
  }
  return owningPackage(`${path.posix.resolve(path.posix.dirname(fileName), specifier)}/`);
}

/** A file inside a package: that package (as {@link owningPackage} names it), and its directories below the package's own. */
interface PackageHome {
  readonly owner: string;
  readonly depth: number;
}

function packageHome(fileName: string): PackageHome | undefined {
  const at = fileName.lastIndexOf(MODULES_DIRECTORY);
  if (at === -1) return undefined;
  const inside = fileName.slice(at + MODULES_DIRECTORY.length).split('/');
  const depth = inside.length - 1 - (inside[0]?.startsWith('@') ? 2 : 1);
  return depth >= 0 ? { owner: typesPackage(leadingPackage(inside)), depth } : undefined;
}

/** `pg` for `pg/lib/client`, `@opentelemetry/api` for `@opentelemetry/api/build/x`; a path through node_modules by its package. */
function bareSpecifierPackage(specifier: string): string | undefined {
  if (specifier.includes(MODULES_DIRECTORY)) return owningPackage(`${specifier}/`);
  // leadingPackage(specifier.split('/')), without the array: one per import of every declaration file.
  const first = specifier.indexOf('/');
  if (!specifier.startsWith('@')) return typesPackage(first === -1 ? specifier : specifier.slice(0, first));
  if (first === -1) return typesPackage(`${specifier}/`);
  const second = specifier.indexOf('/', first + 1);
  return typesPackage(second === -1 ? specifier : specifier.slice(0, second));
}

/** The package an `@types` package types: `pg` for `@types/pg`, `@a/b` for `@types/a__b`; any other name as it is. */
function typesPackage(name: string): string {
  if (!name.startsWith('@types/')) return name;
  const types = name.slice('@types/'.length);
  return types.includes('__') ? `@${types.replace('__', '/')}` : types;
}

const QUOTES = new Set(['"', "'", '`']);
/** A relative specifier into node_modules spells the package's directory: `'../node_modules/pg/lib/client'`. */
const MODULES_DIRECTORY = '/node_modules/';

/**
 * The text holds the name as a module specifier would: after a quote or `/node_modules/`, before a quote or a `/`.
 * An occurrence test rather than a regular expression: a short name (`pg`) occurs in most large declaration files.
 */
function spellsSpecifier(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const after = text[at + name.length] ?? '';
    if (!QUOTES.has(after) && after !== '/') continue;
    if (QUOTES.has(text[at - 1] ?? '') || text.startsWith(MODULES_DIRECTORY, at - MODULES_DIRECTORY.length)) return true;
  }
  return false;
}

/** A subpath import of the program's own files (`#db`), which may map to any package. */
function hasSubpathImport(program: ts.Program): boolean {
  return program
    .getSourceFiles()
    .some((file) => !file.isDeclarationFile && owningPackage(file.fileName) === undefined && !program.isSourceFileDefaultLibrary(file) && SUBPATH_IMPORT.test(file.text));
}

/** A script's declarations, and a module's `declare global`, are visible to every file without an import. */
function declaresGlobals(services: TypeServices, memo: References, name: string): boolean {
  let known = memo.declaresGlobals.get(name);
  if (known === undefined) {
    const t = services.ts;
    known = (fileIndex(services, memo).byOwner.get(name) ?? []).some((file) => !t.isExternalModule(file) || file.text.includes('declare global'));
    memo.declaresGlobals.set(name, known);
  }
  return known;
}
