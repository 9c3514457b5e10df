// The TypeScript-sources corpus of `npm run bench:real-world` (bench/real-world/sources.json): the OpenTelemetry
// instrumentations' own `src/*.ts`, restored at benchmark time from the `sourcesContent` of the source maps that the
// pinned npm versions ship (`dist/*.mjs.map`). The dist corpus lints their compiled JavaScript, where the patched
// library's `original` is `any`; users lint TypeScript, so this corpus measures typed precision on the code as it was
// written, with the instrumented libraries' real types installed beside it.
//
// Pure functions (no ESLint, no file system; the caller reads the maps and writes the files), so
// tests/bench/sources.test.ts checks them without installing anything. Bad input never corrupts the restored tree:
// a map that is not JSON, has no `sources` or no `sourcesContent`, a source without content, a path that leaves the
// package folder or the allowed folder, or two maps disagreeing about one file: each is skipped with a reason (or
// reported as a problem) that the benchmark prints.

import path from 'node:path';

/** What the restored tree may hold: TypeScript sources (declaration files come only from shims, below). */
const TS_SOURCE = /\.(?:[cm]?ts|tsx)$/;
const DECLARATION = /\.d\.[cm]?ts$/;

/** The package id reports and verdicts of this corpus carry, so they never mix with the dist or known-leak corpus. */
export function sourcesPackageId(name, version) {
  return `sources:${name}@${version}`;
}

/**
 * Where a map's source lands, as a `/`-separated path inside the package folder, or { reason } when it must not be
 * restored. `mapPath` is the map's own path inside the package (`dist/instrumentation.mjs.map`); `under` is the folder
 * every restored file must be inside (`src`).
 */
export function sourceTarget(mapPath, sourceRoot, source, under = 'src') {
  if (typeof source !== 'string' || source === '') return { reason: 'the source name is not a non-empty string' };
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) || (typeof sourceRoot === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(sourceRoot))) {
    return { reason: `a URL (${source}), not a path inside the package` };
  }
  if (source.includes('\0') || source.includes('\\')) return { reason: `an unusual path (${JSON.stringify(source)})` };
  if (path.posix.isAbsolute(source) || (typeof sourceRoot === 'string' && path.posix.isAbsolute(sourceRoot))) {
    return { reason: `an absolute path (${source})` };
  }
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(mapPath), typeof sourceRoot === 'string' ? sourceRoot : '', source));
  if (joined === '..' || joined.startsWith('../')) return { reason: `escapes the package folder (${source} → ${joined})` };
  const prefix = under.replace(/\/+$/, '');
  if (prefix && !joined.startsWith(`${prefix}/`)) return { reason: `outside ${prefix}/ (${joined})` };
  if (!TS_SOURCE.test(joined)) return { reason: `not a TypeScript source (${joined})` };
  if (DECLARATION.test(joined)) return { reason: `a declaration file (${joined}): maps of .d.ts output carry no sourcesContent` };
  return { path: joined };
}

/**
 * The sources one map carries: { files: [{ path, content }], skipped: [{ map, source, reason }] }. `text` is the map
 * file's text (or an already parsed object).
 */
export function restoreFromMap(mapPath, text, under = 'src') {
  const skipped = [];
  const skip = (source, reason) => {
    skipped.push({ map: mapPath, source, reason });
    return { files: [], skipped };
  };
  let map = text;
  if (typeof text === 'string') {
    try {
      map = JSON.parse(text);
    } catch (error) {
      return skip(undefined, `not JSON: ${error.message}`);
    }
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) return skip(undefined, 'not a source map object');
  if (map.version !== 3) return skip(undefined, `not a version 3 source map (version ${JSON.stringify(map.version)})`);
  if (!Array.isArray(map.sources)) return skip(undefined, 'no sources array');
  if (!Array.isArray(map.sourcesContent)) return skip(undefined, 'no sourcesContent: the sources cannot be restored from this map');
  const files = [];
  map.sources.forEach((source, i) => {
    const content = map.sourcesContent[i];
    if (typeof content !== 'string') {
      skipped.push({ map: mapPath, source, reason: 'no sourcesContent for this source' });
      return;
    }
    const target = sourceTarget(mapPath, map.sourceRoot, source, under);
    if (target.reason) skipped.push({ map: mapPath, source, reason: target.reason });
    else files.push({ path: target.path, content });
  });
  return { files, skipped };
}

/**
 * The restored files of all maps of one package: one entry per path, sorted. A file carried by two maps (the .mjs and
 * .cjs map of one source) must have the same content in both; when they differ the file is left out and a problem is
 * returned, so a tree is never built from a guess.
 */
export function mergeRestored(results) {
  const byPath = new Map();
  const conflicts = new Set();
  const skipped = [];
  for (const result of results) {
    skipped.push(...result.skipped);
    for (const file of result.files) {
      const seen = byPath.get(file.path);
      if (seen === undefined) byPath.set(file.path, file.content);
      else if (seen !== file.content) conflicts.add(file.path);
    }
  }
  const problems = [...conflicts].sort().map((file) => `${file}: two source maps carry different contents; not restored`);
  for (const file of conflicts) byPath.delete(file);
  const files = [...byPath.entries()].map(([file, content]) => ({ path: file, content })).sort((a, b) => a.path.localeCompare(b.path));
  return { files, skipped, problems };
}

/**
 * A source that compiles to no JavaScript (a module of types only: `src/types.ts`) has no .mjs map, so it is not
 * restored, and `import { … } from './types'` would not resolve. Its declaration output (`dist/types.d.mts`, whose map
 * names `../src/types.d.ts` or `../src/types.ts`) stands in for it: a shim `src/types.d.ts` re-exporting the shipped
 * declarations. `declarationMaps` is [{ path: 'dist/types.d.mts.map', sources: [...] }]; returns [{ path, content,
 * declaration }] for each source not among `restoredPaths`.
 */
export function declarationShims(declarationMaps, restoredPaths, under = 'src') {
  const restored = new Set(restoredPaths.map((file) => file.replace(/\.(?:d\.)?([cm]?)tsx?$/, '')));
  const shims = new Map();
  for (const { path: mapPath, sources } of declarationMaps) {
    const declaration = mapPath.replace(/\.map$/, '');
    if (!DECLARATION.test(declaration) || !Array.isArray(sources) || sources.length !== 1) continue;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(mapPath), sources[0]));
    if (joined.startsWith('../') || !joined.startsWith(`${under}/`)) continue;
    const stem = joined.replace(/\.(?:d\.)?([cm]?)tsx?$/, '');
    if (restored.has(stem) || shims.has(stem)) continue;
    const specifier = path.posix.relative(path.posix.dirname(stem), declaration).replace(/\.d\.([cm]?)ts$/, '.$1js');
    shims.set(stem, {
      path: `${stem}.d.ts`,
      declaration,
      content: `// Generated by npm run bench:real-world: ${stem}.ts has no JavaScript output, so no source map restores it; its shipped declarations stand in.\nexport * from '${specifier.startsWith('.') ? specifier : `./${specifier}`}';\n`,
    });
  }
  return [...shims.values()].sort((a, b) => a.path.localeCompare(b.path));
}

const NODE_BUILTIN = /^(?:node:)?(?:assert|async_hooks|buffer|child_process|cluster|console|crypto|diagnostics_channel|dgram|dns|domain|events|fs|http|http2|https|inspector|module|net|os|path|perf_hooks|process|punycode|querystring|readline|repl|stream|string_decoder|timers|tls|trace_events|tty|url|util|v8|vm|worker_threads|zlib)(?:\/.*)?$/;

/** The package a bare import specifier names (`graphql/language/ast` → `graphql`, `@nestjs/core/x.js` → `@nestjs/core`). */
export function packageOfSpecifier(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Which imported libraries have types. `imports` is [{ file, specifier, resolved }] (resolved: the import resolves
 * to TypeScript or declarations); relative imports, Node built-ins and `@opentelemetry/*` are left out (they are the
 * package's own files, @types/node and the OpenTelemetry API). Returns per library: the files importing it, and how
 * many of them resolve, sorted by library name.
 */
export function libraryResolution(imports) {
  const byLibrary = new Map();
  for (const { file, specifier, resolved } of imports) {
    if (specifier.startsWith('.') || NODE_BUILTIN.test(specifier) || specifier.startsWith('@opentelemetry/')) continue;
    const library = packageOfSpecifier(specifier);
    const row = byLibrary.get(library) ?? { library, fileResolved: new Map(), unresolved: new Set() };
    // A file counts as resolved when every import of the library in it resolves.
    row.fileResolved.set(file, (row.fileResolved.get(file) ?? true) && Boolean(resolved));
    if (!resolved) row.unresolved.add(specifier);
    byLibrary.set(library, row);
  }
  return [...byLibrary.values()]
    .map((row) => ({
      library: row.library,
      files: row.fileResolved.size,
      resolved: [...row.fileResolved.values()].filter(Boolean).length,
      unresolved: [...row.unresolved].sort(),
    }))
    .sort((a, b) => a.library.localeCompare(b.library));
}

/**
 * The package's own modules that its sources import but no map restored (a module of types only whose declarations
 * were not shipped, a const enum inlined by the bundler): their names are `any` typed. Sorted, without repeats.
 */
export function missingOwnModules(imports) {
  return [...new Set(imports.filter((i) => i.specifier.startsWith('.') && !i.resolved).map((i) => i.specifier))].sort();
}

/** One line per package: `kafkajs 2/2, graphql 1/3 (unresolved: graphql/x)`, or `no library imports`. */
export function formatResolution(rows) {
  if (rows.length === 0) return 'no library imports';
  return rows.map((r) => `${r.library} ${r.resolved}/${r.files}${r.unresolved.length > 0 ? ` (unresolved: ${r.unresolved.join(', ')})` : ''}`).join(', ');
}

/**
 * Checks sources.json ({ maps, declarationMaps, packages: [{ name, version, maps?, declarationMaps? }], support }):
 * each package needs a name, an exact version equal to the dist corpus's pin of it (`distPins`: name → version, so
 * the comparison is of one release), and map globs (its own or the file's defaults); no package twice; support
 * versions exact.
 */
export function checkSourcesFile(file, distPins = new Map()) {
  const problems = [];
  if (!Array.isArray(file?.packages)) return ['packages must be an array'];
  const seen = new Set();
  for (const [i, pin] of file.packages.entries()) {
    if (typeof pin?.name !== 'string' || typeof pin?.version !== 'string' || !/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(pin.version)) {
      problems.push(`packages[${i}]: needs a name and an exact version`);
      continue;
    }
    if (seen.has(pin.name)) problems.push(`packages[${i}]: ${pin.name} is listed twice`);
    seen.add(pin.name);
    for (const field of ['maps', 'declarationMaps']) {
      const globs = pin[field] ?? file[field];
      if (!Array.isArray(globs) || globs.length === 0 || !globs.every((g) => typeof g === 'string' && g.endsWith('.map'))) {
        problems.push(`packages[${i}] (${pin.name}): needs ${field} (globs of .map files, its own or the file's)`);
      }
    }
    if (distPins.has(pin.name) && distPins.get(pin.name) !== pin.version) {
      problems.push(`packages[${i}] (${pin.name}): version ${pin.version} differs from the dist corpus's ${distPins.get(pin.name)}`);
    }
  }
  for (const [name, version] of Object.entries(file.support ?? {})) {
    if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) problems.push(`support ${name}: needs an exact version, got ${JSON.stringify(version)}`);
  }
  return problems;
}
