// Types of sources.js, for tests/bench/sources.test.ts (the benchmarks themselves are plain JS).

export interface RestoredFile {
  path: string;
  content: string;
}

export interface Skipped {
  map: string;
  source: string | undefined;
  reason: string;
}

export interface Restored {
  files: RestoredFile[];
  skipped: Skipped[];
}

export interface LibraryRow {
  library: string;
  files: number;
  resolved: number;
  unresolved: string[];
}

export function sourcesPackageId(name: string, version: string): string;
export function sourceTarget(mapPath: string, sourceRoot: unknown, source: unknown, under?: string): { path: string; reason?: undefined } | { path?: undefined; reason: string };
export function restoreFromMap(mapPath: string, text: unknown, under?: string): Restored;
export function mergeRestored(results: Restored[]): Restored & { problems: string[] };
export function declarationShims(
  declarationMaps: { path: string; sources: unknown }[],
  restoredPaths: string[],
  under?: string,
): (RestoredFile & { declaration: string })[];
export function packageOfSpecifier(specifier: string): string;
export function libraryResolution(imports: { file: string; specifier: string; resolved: boolean }[]): LibraryRow[];
export function missingOwnModules(imports: { file: string; specifier: string; resolved: boolean }[]): string[];
export function formatResolution(rows: LibraryRow[]): string;
export function checkSourcesFile(file: unknown, distPins?: Map<string, string>): string[];
