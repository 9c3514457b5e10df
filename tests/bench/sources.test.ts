// The TypeScript-sources corpus's restoration (bench/lib/sources.js): which sources of a shipped source map are
// written where, what is refused and why, declaration shims for type-only modules, the library-resolution count, and
// the committed sources.json's shape. Pure functions; no install, no lint.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  checkSourcesFile,
  declarationShims,
  formatResolution,
  libraryResolution,
  mergeRestored,
  missingOwnModules,
  packageOfSpecifier,
  restoreFromMap,
  sourcesPackageId,
  sourceTarget,
} from '../../bench/lib/sources.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const map = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ version: 3, file: 'instrumentation.mjs', sources: ['../src/instrumentation.ts'], sourcesContent: ['export const a = 1;\n'], mappings: '', ...extra });

describe('restoring one map', () => {
  it('writes each source at its path inside the package, resolved from the map folder', () => {
    expect(restoreFromMap('dist/instrumentation.mjs.map', map())).toEqual({
      files: [{ path: 'src/instrumentation.ts', content: 'export const a = 1;\n' }],
      skipped: [],
    });
    // Nested maps and a sourceRoot resolve the same way.
    const nested = map({ sources: ['../../src/v4/redis.ts'], sourcesContent: ['x'] });
    expect(restoreFromMap('dist/v4/redis.mjs.map', nested).files.map((f) => f.path)).toEqual(['src/v4/redis.ts']);
    const rooted = map({ sourceRoot: '../src', sources: ['utils.ts'], sourcesContent: ['y'] });
    expect(restoreFromMap('dist/utils.mjs.map', rooted).files.map((f) => f.path)).toEqual(['src/utils.ts']);
  });

  it('skips, with a reason, a map without sourcesContent, one that is not JSON, and one that is not a v3 map', () => {
    const none = restoreFromMap('dist/a.mjs.map', map({ sourcesContent: undefined }));
    expect(none.files).toEqual([]);
    expect(none.skipped.map((s) => [s.map, s.source])).toEqual([['dist/a.mjs.map', undefined]]);
    expect(none.skipped[0]?.reason).toMatch(/no sourcesContent/);
    expect(restoreFromMap('dist/a.mjs.map', '{"version": 3, ').skipped[0]?.reason).toMatch(/^not JSON/);
    expect(restoreFromMap('dist/a.mjs.map', map({ version: 2 })).skipped[0]?.reason).toMatch(/not a version 3 source map/);
    expect(restoreFromMap('dist/a.mjs.map', '[]').skipped[0]?.reason).toMatch(/not a source map object/);
    expect(restoreFromMap('dist/a.mjs.map', map({ sources: 'src/a.ts' })).skipped[0]?.reason).toMatch(/no sources array/);
  });

  it('skips one source whose content is missing and keeps the others', () => {
    const partial = restoreFromMap('dist/a.mjs.map', map({ sources: ['../src/a.ts', '../src/b.ts'], sourcesContent: [null, 'b'] }));
    expect(partial.files).toEqual([{ path: 'src/b.ts', content: 'b' }]);
    expect(partial.skipped).toEqual([{ map: 'dist/a.mjs.map', source: '../src/a.ts', reason: 'no sourcesContent for this source' }]);
  });

  it('refuses a source path that escapes the package folder or src/, and says where it would have gone', () => {
    const escaping = restoreFromMap('dist/a.mjs.map', map({ sources: ['../../x.ts', '../../../etc/passwd.ts', '../lib/x.ts'], sourcesContent: ['1', '2', '3'] }));
    expect(escaping.files).toEqual([]);
    expect(escaping.skipped.map((s) => s.reason)).toEqual([
      'escapes the package folder (../../x.ts → ../x.ts)',
      'escapes the package folder (../../../etc/passwd.ts → ../../etc/passwd.ts)',
      'outside src/ (lib/x.ts)',
    ]);
    // A path that leaves and comes back is normalised, and stays inside.
    expect(sourceTarget('dist/a.mjs.map', undefined, '../../pkg/../x/../src/a.ts').reason).toMatch(/escapes/);
    expect(sourceTarget('dist/a.mjs.map', undefined, '../src/../src/a.ts')).toEqual({ path: 'src/a.ts' });
  });

  it('refuses absolute paths, URLs, backslashes and non-TypeScript sources', () => {
    expect(sourceTarget('dist/a.mjs.map', undefined, '/home/ci/src/a.ts').reason).toMatch(/absolute path/);
    expect(sourceTarget('dist/a.mjs.map', '/home/ci', 'src/a.ts').reason).toMatch(/absolute path/);
    expect(sourceTarget('dist/a.mjs.map', undefined, 'webpack:///src/a.ts').reason).toMatch(/a URL/);
    expect(sourceTarget('dist/a.mjs.map', 'file:///x/', 'a.ts').reason).toMatch(/a URL/);
    expect(sourceTarget('dist/a.mjs.map', undefined, '..\\src\\a.ts').reason).toMatch(/unusual path/);
    expect(sourceTarget('dist/a.mjs.map', undefined, '../src/a.js').reason).toMatch(/not a TypeScript source/);
    expect(sourceTarget('dist/a.mjs.map', undefined, '../src/a.d.ts').reason).toMatch(/a declaration file/);
    expect(sourceTarget('dist/a.mjs.map', undefined, 42).reason).toMatch(/not a non-empty string/);
    expect(sourceTarget('dist/a.mjs.map', undefined, '../src/x/a.tsx')).toEqual({ path: 'src/x/a.tsx' });
  });
});

describe('merging the maps of one package', () => {
  it('keeps one copy of a file two maps carry alike (the .mjs and .cjs maps), sorted', () => {
    const mjs = restoreFromMap('dist/b.mjs.map', map({ sources: ['../src/b.ts', '../src/a.ts'], sourcesContent: ['b', 'a'] }));
    const cjs = restoreFromMap('dist/b.cjs.map', map({ sources: ['../src/b.ts'], sourcesContent: ['b'] }));
    expect(mergeRestored([mjs, cjs])).toEqual({
      files: [
        { path: 'src/a.ts', content: 'a' },
        { path: 'src/b.ts', content: 'b' },
      ],
      skipped: [],
      problems: [],
    });
  });

  it('leaves out a file two maps disagree about, with a problem, rather than guess', () => {
    const one = restoreFromMap('dist/a.mjs.map', map({ sources: ['../src/a.ts', '../src/c.ts'], sourcesContent: ['one', 'c'] }));
    const two = restoreFromMap('dist/a.cjs.map', map({ sources: ['../src/a.ts'], sourcesContent: ['two'] }));
    const merged = mergeRestored([one, two, { files: [], skipped: [{ map: 'dist/x.map', source: undefined, reason: 'not JSON' }] }]);
    expect(merged.files.map((f) => f.path)).toEqual(['src/c.ts']);
    expect(merged.problems).toEqual(['src/a.ts: two source maps carry different contents; not restored']);
    expect(merged.skipped).toHaveLength(1);
  });
});

describe('declaration shims for type-only modules', () => {
  it('re-exports the shipped declarations for a source no JavaScript map restores', () => {
    const shims = declarationShims(
      [
        { path: 'dist/types.d.mts.map', sources: ['../src/types.d.ts'] },
        { path: 'dist/instrumentation.d.mts.map', sources: ['../src/instrumentation.d.ts'] },
        { path: 'dist/enums/Names.d.mts.map', sources: ['../../src/enums/Names.ts'] },
      ],
      ['src/instrumentation.ts'],
    );
    expect(shims.map((s) => [s.path, s.declaration])).toEqual([
      ['src/enums/Names.d.ts', 'dist/enums/Names.d.mts'],
      ['src/types.d.ts', 'dist/types.d.mts'],
    ]);
    expect(shims[1]?.content).toMatch(/^\/\/ Generated by npm run bench:real-world/);
    expect(shims[1]?.content).toMatch(/export \* from '\.\.\/dist\/types\.mjs';\n$/);
    expect(shims[0]?.content).toMatch(/export \* from '\.\.\/\.\.\/dist\/enums\/Names\.mjs';\n$/);
  });

  it('writes no shim for a map escaping src/, with several sources, or without sources', () => {
    expect(
      declarationShims(
        [
          { path: 'dist/a.d.mts.map', sources: ['../../outside.d.ts'] },
          { path: 'dist/b.d.mts.map', sources: ['../src/b.ts', '../src/c.ts'] },
          { path: 'dist/d.d.mts.map', sources: undefined },
          { path: 'dist/e.mjs.map', sources: ['../src/e.ts'] },
        ],
        [],
      ),
    ).toEqual([]);
  });
});

describe('which library imports resolve', () => {
  it('names the package of a bare specifier', () => {
    expect(packageOfSpecifier('graphql/language/ast')).toBe('graphql');
    expect(packageOfSpecifier('@nestjs/core/router/x.js')).toBe('@nestjs/core');
    expect(packageOfSpecifier('kafkajs')).toBe('kafkajs');
  });

  it('counts the files whose every import of a library resolves; relative, Node and OpenTelemetry imports are left out', () => {
    const rows = libraryResolution([
      { file: 'src/a.ts', specifier: 'graphql', resolved: true },
      { file: 'src/a.ts', specifier: 'graphql/jsutils/PromiseOrValue', resolved: false },
      { file: 'src/b.ts', specifier: 'graphql', resolved: true },
      { file: 'src/b.ts', specifier: './utils', resolved: false },
      { file: 'src/b.ts', specifier: 'events', resolved: false },
      { file: 'src/b.ts', specifier: 'node:events', resolved: false },
      { file: 'src/b.ts', specifier: '@opentelemetry/api', resolved: true },
      { file: 'src/c.ts', specifier: 'kafkajs', resolved: false },
    ]);
    expect(rows).toEqual([
      { library: 'graphql', files: 2, resolved: 1, unresolved: ['graphql/jsutils/PromiseOrValue'] },
      { library: 'kafkajs', files: 1, resolved: 0, unresolved: ['kafkajs'] },
    ]);
    expect(formatResolution(rows)).toBe('graphql 1/2 (unresolved: graphql/jsutils/PromiseOrValue), kafkajs 0/1 (unresolved: kafkajs)');
    expect(formatResolution([])).toBe('no library imports');
  });

  it('lists the own modules imported but not restored, once each', () => {
    expect(
      missingOwnModules([
        { file: 'src/a.ts', specifier: './internal-types', resolved: false },
        { file: 'src/b.ts', specifier: './internal-types', resolved: false },
        { file: 'src/b.ts', specifier: './enums/AttributeNames', resolved: false },
        { file: 'src/b.ts', specifier: './utils', resolved: true },
        { file: 'src/b.ts', specifier: 'kafkajs', resolved: false },
      ]),
    ).toEqual(['./enums/AttributeNames', './internal-types']);
  });
});

describe('sources.json', () => {
  const good = { maps: ['dist/**/*.mjs.map'], declarationMaps: ['dist/**/*.d.mts.map'], packages: [{ name: 'p', version: '1.2.3' }], support: { kafkajs: '2.2.4' } };

  it('accepts a well-formed file and names its packages apart from the other corpora', () => {
    expect(checkSourcesFile(good, new Map([['p', '1.2.3']]))).toEqual([]);
    expect(sourcesPackageId('@opentelemetry/instrumentation-kafkajs', '0.33.0')).toBe('sources:@opentelemetry/instrumentation-kafkajs@0.33.0');
  });

  it('reports a version other than the dist pin, a package twice, missing map globs and a support range', () => {
    const text = checkSourcesFile(
      {
        packages: [{ name: 'p', version: '1.2.4' }, { name: 'p', version: '1.2.4', maps: [] }, { name: 'q', version: '^1.0.0' }],
        support: { kafkajs: '^2.2.4' },
      },
      new Map([['p', '1.2.3']]),
    ).join('\n');
    expect(text).toMatch(/version 1\.2\.4 differs from the dist corpus's 1\.2\.3/);
    expect(text).toMatch(/p is listed twice/);
    expect(text).toMatch(/needs maps/);
    expect(text).toMatch(/needs declarationMaps/);
    expect(text).toMatch(/packages\[2\]: needs a name and an exact version/);
    expect(text).toMatch(/support kafkajs: needs an exact version/);
    expect(checkSourcesFile({})).toEqual(['packages must be an array']);
  });

  it('finds nothing wrong in the committed sources.json, whose versions are the dist corpus pins', () => {
    const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(root, 'bench', 'real-world', name), 'utf8'));
    const dist = read('packages.json') as { packages: { name: string; version: string }[] };
    const committed = read('sources.json') as { packages: { name: string }[] };
    const distPins = new Map(dist.packages.map((p) => [p.name, p.version]));
    expect(checkSourcesFile(committed, distPins)).toEqual([]);
    expect(committed.packages.length).toBeGreaterThanOrEqual(15);
    for (const pin of committed.packages) expect(distPins.has(pin.name)).toBe(true);
  });

  it('has a pinned package and a restored src/ path for every committed verdict of this corpus', () => {
    const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(root, 'bench', 'real-world', name), 'utf8'));
    const committed = read('sources.json') as { packages: { name: string; version: string }[] };
    const ids = new Set(committed.packages.map((p) => sourcesPackageId(p.name, p.version)));
    const verdicts = (read('verdicts.json') as { verdicts: { package: string; file: string }[] }).verdicts.filter((v) => v.package.startsWith('sources:'));
    expect(verdicts.length).toBeGreaterThan(0);
    for (const v of verdicts) {
      expect(ids.has(v.package), v.package).toBe(true);
      expect(v.file).toMatch(/^src\/.+\.ts$/);
    }
  });
});
