/**
 * Whether a package a program holds can give this program's values its types. A program may hold a package that
 * nothing refers to: TypeScript includes every `@types` package of the type roots unless `types` says otherwise (the
 * real-world corpus's shared node_modules hands @types/amqplib to every program). A type of such a package can occur
 * in no value: no file imports it, and it declares no globals. Then a pair tied to it needs no receiver's type
 * (anthropic's `ERROR_CODE_CLASSES.get(…)` cost 850 ms of type checking to learn it is no amqplib channel).
 */
import type * as ts from 'typescript';

import type { TypeServices } from '../analysis/types.js';

interface References {
  /** Whether a package is referenced, decided at the top of a question (never within another's). */
  readonly referenced: Map<string, boolean>;
  /** The files that spell a package's name as a module specifier would. */
  readonly mentions: Map<string, ts.SourceFile[]>;
  /** A package declares globals. */
  readonly declaresGlobals: Map<string, boolean>;
}

const MEMO = new WeakMap<ts.Program, References>();

/** `import … from '#db'`: a package.json subpath import, which may map to any package. */
const SUBPATH_IMPORT = /(?:from|import|require)\s*\(?\s*['"]#/;

/**
 * Some file refers to the package: a file of the program's own (outside node_modules), or a file of another package
 * that is itself referenced, spells its name as a module specifier would (an import, a `require`, a `/// <reference
 * types>`, a re-export: a quoted name, a quoted path inside the package, a path through its node_modules directory); or the package declares globals; or the
 * program resolves modules in ways its files do not spell (`paths`, `baseUrl`, subpath imports). Any such string
 * counts, in a comment or as data: the answer may say "referenced" when it is not, never the reverse. @types/pg-pool,
 * itself included only as a type root, does not make `pg` referenced.
 */
export function packageReferenced(services: TypeServices, name: string): boolean {
  const { program } = services;
  let memo = MEMO.get(program);
  if (!memo) MEMO.set(program, (memo = { referenced: new Map(), mentions: new Map(), declaresGlobals: new Map() }));
  let known = memo.referenced.get(name);
  if (known === undefined) {
    const options = program.getCompilerOptions();
    known = options.paths !== undefined || options.baseUrl !== undefined || referencedFrom(services, memo, name, new Set([name]));
    memo.referenced.set(name, known);
  }
  return known;
}

/** `pg` for a file of node_modules/pg/ or of node_modules/@types/pg/; `undefined` for a file of the program's own. */
function owningPackage(fileName: string): string | undefined {
  const at = fileName.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const [first = '', second = ''] = fileName.slice(at + '/node_modules/'.length).split('/');
  if (first === '@types') return second.includes('__') ? `@${second.replace('__', '/')}` : second;
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
    const { program } = services;
    // A relative specifier into node_modules spells the package's directory: `'../node_modules/pg/lib/client'`.
    const quoted = new RegExp(`(?:['"\`]|/node_modules/)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`/]`);
    files = program.getSourceFiles().filter(
      (file) =>
        !program.isSourceFileDefaultLibrary(file) &&
        ((file.text.includes(name) && quoted.test(file.text)) ||
          // A subpath import of the program's own may name any package: it counts as a mention of each.
          (owningPackage(file.fileName) === undefined && !file.isDeclarationFile && SUBPATH_IMPORT.test(file.text))),
    );
    memo.mentions.set(name, files);
  }
  return files;
}

/** A script's declarations, and a module's `declare global`, are visible to every file without an import. */
function declaresGlobals(services: TypeServices, memo: References, name: string): boolean {
  let known = memo.declaresGlobals.get(name);
  if (known === undefined) {
    const { program, ts: t } = services;
    known = program
      .getSourceFiles()
      .some((file) => owningPackage(file.fileName) === name && !program.isSourceFileDefaultLibrary(file) && (!t.isExternalModule(file) || file.text.includes('declare global')));
    memo.declaresGlobals.set(name, known);
  }
  return known;
}
