import { TSESLint, AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { methodCall, receiverName, unwrapValue } from '../analysis/syntax.js';
import { guarded, isOpaque, matchesSpecifiers, type TypeServices, valueMatchesSpecifiers } from '../analysis/types.js';
import { declarationImports } from './declaration-imports.js';
import { leadingPackage, packageReferenced } from './package-references.js';
import { calleePath, type Pair } from './pair.js';

/**
 * Every module the file imports, re-exports or requires, by specifier — and, for compiled JavaScript, every module its
 * own declaration file imports (tsc erased the type-only imports from the JavaScript, not from the `.d.ts`).
 */
function importedModules(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): Set<string> {
  const modules = new Set<string>(declarationImports(filename));
  for (const statement of sourceCode.ast.body) {
    if (
      (statement.type === AST_NODE_TYPES.ImportDeclaration ||
        statement.type === AST_NODE_TYPES.ExportAllDeclaration ||
        statement.type === AST_NODE_TYPES.ExportNamedDeclaration) &&
      statement.source
    ) {
      modules.add(statement.source.value);
    } else if (
      statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration &&
      statement.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference
    ) {
      modules.add(statement.moduleReference.expression.value);
    }
  }
  for (const match of sourceCode.text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (match[1]) modules.add(match[1]);
  }
  return modules;
}

function typeName(services: TypeServices, node: TSESTree.Node): string | undefined {
  return guarded(() => {
    const type = services.checker.getNonNullableType(services.typeOf(node));
    return (type.aliasSymbol ?? type.getSymbol())?.getName();
  }, undefined);
}

/** The suffix a bundler appends to keep two bindings of one name apart: esbuild's `2` in `tracer2`, Rollup's `$1`. */
const BUNDLER_RENAME_SUFFIX = /\$?\d+$/;

const programPackages = new WeakMap<object, ReadonlySet<string>>();
/** Per program, whether a file lies under a path a user's pair names (`drizzle-orm/node-postgres`): asked by every file. */
const programPaths = new WeakMap<object, Map<string, boolean>>();

/**
 * The packages the program's files come from: every name after a `/node_modules/` in a file's path (`pg`,
 * `@opentelemetry/api`, `@types/pg`), collected once per program rather than once per package asked about.
 */
function packagesOf(services: TypeServices): ReadonlySet<string> {
  let known = programPackages.get(services.program);
  if (!known) {
    const names = new Set<string>();
    // The names come from a path's directories (its file name is one more segment, whatever it is): a directory's
    // other files add nothing.
    const directories = new Set<string>();
    for (const file of services.program.getSourceFiles()) {
      const path = file.fileName;
      const directory = path.slice(0, path.lastIndexOf('/'));
      if (directories.has(directory)) continue;
      directories.add(directory);
      for (let at = path.indexOf('/node_modules/'); at !== -1; at = path.indexOf('/node_modules/', at + 1)) {
        const rest = path.slice(at + '/node_modules/'.length).split('/');
        // A package's directory is followed by its files: `…/node_modules/pg/lib/index.js`.
        if (rest.length > (rest[0]?.startsWith('@') ? 2 : 1)) names.add(leadingPackage(rest));
      }
    }
    known = names;
    programPackages.set(services.program, known);
  }
  return known;
}

/**
 * Some file of the program belongs to the package (or to its `@types` package), and something refers to it
 * (package-references.ts): a type of it can occur in this file.
 */
function programHas(services: TypeServices, name: string): boolean {
  const types = name.startsWith('@') ? name.slice(1).replace('/', '__') : name;
  if (name.split('/').length !== (name.startsWith('@') ? 2 : 1)) {
    // Not a package's name (a user's pair may name a path inside one): the paths are searched for it.
    let byPath = programPaths.get(services.program);
    if (!byPath) programPaths.set(services.program, (byPath = new Map<string, boolean>()));
    let known = byPath.get(name);
    if (known === undefined) {
      // A file under `node_modules/drizzle-orm/node-postgres/` is a file of the package `drizzle-orm`, which
      // packagesOf then holds: without the package (the pg preset's path, in most programs) no file name is searched.
      const packages = packagesOf(services);
      const paths = [`/node_modules/${name}/`, `/node_modules/@types/${types}/`];
      known =
        (packages.has(leadingPackage(name.split('/'))) || packages.has(leadingPackage(['@types', ...types.split('/')]))) &&
        services.program.getSourceFiles().some((file) => paths.some((part) => file.fileName.includes(part)));
      byPath.set(name, known);
    }
    return known;
  }
  const packages = packagesOf(services);
  return (packages.has(name) || packages.has(`@types/${types}`)) && packageReferenced(services, name);
}

/**
 * The pairs that can match anything in this file: a pair tied to packages needs the file to import one of them (the
 * untyped evidence) or, with types, the program to hold one of them (its receiver types come from there). The
 * rule's cheap filter runs on these only: broker method names such as `get(` and `on(` are in almost every file.
 */
export function pairsPossibleIn(
  pairs: readonly Pair[],
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  services: TypeServices | undefined,
): Pair[] {
  let modules: string[] | undefined;
  return pairs.filter((pair) => {
    if (pair.packages.length === 0) return true;
    if (pair.selfEvidentNames?.text.test(sourceCode.text)) return true;
    modules ??= [...importedModules(sourceCode, filename)];
    const imported = modules;
    if (pair.packages.some((name) => imported.some((module) => module === name || module.startsWith(`${name}/`)))) return true;
    return services !== undefined && pair.packages.some((name) => guarded(() => programHas(services, name), true));
  });
}

/**
 * Which pair, if any, an acquiring call belongs to. With types the receiver's type decides; a receiver of unknown
 * type falls back to its name, and a name is evidence only in a file that imports one of the pair's packages.
 */
export function createPairMatcher(
  pairs: readonly Pair[],
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  services: TypeServices | undefined,
): (call: TSESTree.CallExpression, methods: (pair: Pair) => ReadonlySet<string>) => Pair | undefined {
  let modules: Set<string> | undefined;
  const importsPackageOf = (pair: Pair): boolean => {
    if (pair.packages.length === 0) return true;
    modules ??= importedModules(sourceCode, filename);
    const imported = [...modules];
    return pair.packages.some((name) => imported.some((module) => module === name || module.startsWith(`${name}/`)));
  };

  const receiverMatches = (pair: Pair, receiver: TSESTree.Node): boolean => {
    if (pair.extensions?.anyReceiver) return true;
    if (services) {
      const type = guarded(() => services.typeOf(receiver), undefined);
      if (type && !isOpaque(type)) {
        if (matchesSpecifiers(services, type, pair.types)) return true;
        const name = pair.typeNames.size > 0 ? typeName(services, receiver) : undefined;
        if (name !== undefined && pair.typeNames.has(name)) return true;
        // A user's pair: its receiver names hold for a receiver of any other type too.
        if (!pair.extensions?.namesWhenTyped) return false;
      }
    }
    const value = unwrapValue(receiver);
    if (pair.receiverFactories && value.type === AST_NODE_TYPES.CallExpression) {
      // `trace.getTracer('x')`, or a helper of the file's own named for the factory (`getTracer()`, traceloop's).
      const callee = unwrapValue(value.callee);
      const factory = methodCall(value)?.name ?? (callee.type === AST_NODE_TYPES.Identifier ? callee.name : undefined);
      return factory !== undefined && pair.receiverFactories.has(factory) && importsPackageOf(pair);
    }
    // A private field is named like any other: `this.#pool` is a pool as `this.pool` is. So is a name a bundler
    // renamed apart from another binding (esbuild's `tracer2`, Rollup's `pool$1`): the suffix is not the author's.
    const name = receiverName(receiver)?.replace(/^#/, '').replace(BUNDLER_RENAME_SUFFIX, '');
    if (name !== undefined && pair.selfEvidentNames?.names.test(name)) return true;
    return name !== undefined && pair.receiverNames.test(name) && importsPackageOf(pair);
  };

  return (call, methods) => {
    const method = methodCall(call);
    if (!method) return undefined;
    return pairs.find((pair) => methods(pair).has(method.name) && receiverMatches(pair, method.object));
  };
}

/** Calls that acquire by function (a user's `acquire.functions` / `acquire.functionTypes`): `open(path)`. */
export function createFunctionAcquireMatcher(
  pairs: readonly Pair[],
  services: TypeServices | undefined,
): (call: TSESTree.CallExpression) => Pair | undefined {
  const candidates = pairs.filter((pair) => pair.extensions && (pair.extensions.functions.size > 0 || pair.extensions.functionTypes.length > 0));
  if (candidates.length === 0) return () => undefined;
  return (call) => {
    const path = calleePath(call.callee);
    return candidates.find(
      ({ extensions }) =>
        (path !== undefined && extensions?.functions.has(path)) ||
        (services !== undefined && extensions !== undefined && valueMatchesSpecifiers(services, call.callee, extensions.functionTypes)),
    );
  };
}

/** The user's release helpers: a call of one releases the resource of its pair passed at its parameter. */
export function createReleaseHelperMatcher(
  pairs: readonly Pair[],
  services: TypeServices | undefined,
): ((call: TSESTree.CallExpression) => { releases: ReadonlyMap<number, 'every'>; kinds: ReadonlySet<string> } | undefined) | undefined {
  const helpers = pairs.flatMap((pair) => (pair.extensions?.releaseHelpers ?? []).map((helper) => ({ helper, kind: pair.kind.id })));
  if (helpers.length === 0) return undefined;
  return (call) => {
    const path = calleePath(call.callee);
    const releases = new Map<number, 'every'>();
    const kinds = new Set<string>();
    for (const { helper, kind } of helpers) {
      if ((path !== undefined && helper.names.has(path)) || (services !== undefined && valueMatchesSpecifiers(services, call.callee, helper.types))) {
        releases.set(helper.param, 'every');
        kinds.add(kind);
      }
    }
    return releases.size > 0 ? { releases, kinds } : undefined;
  };
}
