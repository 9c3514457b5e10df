/**
 * The modules a compiled JavaScript file's own declaration file imports. tsc emits `pg.d.ts` beside `pg.js` from one
 * source and erases every type-only import from the JavaScript (`import type { Pool } from 'pg'`), so a compiled file
 * whose parameters are a library's objects may import nothing of that library: its declaration file is where the
 * source's imports survive. They are the same evidence an import in the file itself is — the code works with that
 * library's objects — and the pairs' receiver names still have to match.
 */
import * as fs from 'node:fs';

/** The declaration file tsc writes beside each JavaScript extension. */
const DECLARATION_OF: ReadonlyArray<readonly [RegExp, string]> = [
  [/\.js$/, '.d.ts'],
  [/\.mjs$/, '.d.mts'],
  [/\.cjs$/, '.d.cts'],
];

/** A declaration file larger than this is no emitted companion worth reading for evidence (a bundle's rollup). */
const MAX_BYTES = 512 * 1024;

/** `import … from 'x'`, `export … from 'x'`, `import x = require('x')`, `import('x')` types, `/// <reference types="x" />`. */
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s+['"]([^'"]+)['"]/gm,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /^\s*\/\/\/\s*<reference\s+types\s*=\s*['"]([^'"]+)['"]/gm,
];

/** Block comments hold documentation (`@example import { Pool } from 'pg'`), not the file's imports. */
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g;

/** Entries kept: one per JavaScript file linted, so a lint run over a large package stays bounded. */
const MAX_FILES = 4096;
const known = new Map<string, { mtimeMs: number; size: number; modules: ReadonlySet<string> }>();
const NONE: ReadonlySet<string> = new Set();

/** The path of the declaration file tsc emits for `file`, or undefined for a file that is no JavaScript. */
export function declarationFileOf(file: string): string | undefined {
  for (const [extension, declaration] of DECLARATION_OF) {
    if (extension.test(file)) return file.replace(extension, declaration);
  }
  return undefined;
}

/** The module specifiers a declaration file's text imports or references. */
export function declarationSpecifiers(text: string): ReadonlySet<string> {
  const code = text.replace(BLOCK_COMMENT, '');
  const modules = new Set<string>();
  for (const pattern of SPECIFIERS) {
    for (const match of code.matchAll(pattern)) if (match[1]) modules.add(match[1]);
  }
  return modules;
}

/** The modules the declaration file beside `file` imports; none when there is no such file or it cannot be read. */
export function declarationImports(file: string): ReadonlySet<string> {
  const declaration = declarationFileOf(file);
  if (declaration === undefined) return NONE;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(declaration, { throwIfNoEntry: false });
  } catch {
    return NONE;
  }
  if (!stat?.isFile() || stat.size > MAX_BYTES) return NONE;
  const cached = known.get(declaration);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.modules;
  let modules: ReadonlySet<string>;
  try {
    modules = declarationSpecifiers(fs.readFileSync(declaration, 'utf8'));
  } catch {
    modules = NONE;
  }
  known.delete(declaration);
  known.set(declaration, { mtimeMs: stat.mtimeMs, size: stat.size, modules });
  if (known.size > MAX_FILES) known.delete(known.keys().next().value as string);
  return modules;
}
