/**
 * Which packages a program holds can type its values (src/presets/package-references.ts): a package TypeScript
 * includes only as a type root, which nothing imports, cannot; require-release then asks no receiver's type for its
 * pairs. The programs are built from files on disk, with this repository's node_modules/@types as the type root
 * (it holds @types/amqplib and @types/pg, which every program then includes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

import type { TypeServices } from '../../src/analysis/types.js';
import { packageReferenced } from '../../src/presets/package-references.js';

const typeRoot = path.resolve(import.meta.dirname, '../../node_modules/@types');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A program of `files` (path → text; every one but a package.json a root, as a tsconfig's `files`) under a fresh directory. */
function programOf(files: Record<string, string>, options: ts.CompilerOptions = {}): TypeServices {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workqueue-package-references-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const roots = Object.keys(files).filter((name) => !name.endsWith('.json')).map((name) => path.join(dir, name));
  const program = ts.createProgram(roots, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    typeRoots: [typeRoot],
    skipLibCheck: true,
    noEmit: true,
    ...options,
  });
  expect(program.getSourceFiles().some((file) => file.fileName.includes('/@types/amqplib/'))).toBe(true);
  return { ts, program, checker: program.getTypeChecker() } as unknown as TypeServices;
}

const WRAPPER = {
  'node_modules/mq-wrapper/package.json': JSON.stringify({ name: 'mq-wrapper', types: 'index.d.ts' }),
  'node_modules/mq-wrapper/index.d.ts': `import type { Channel } from 'amqplib';\nexport declare function open(): Promise<Channel>;\n`,
};

describe('packageReferenced', () => {
  it('is false for a type root nothing imports', () => {
    const services = programOf({ 'index.ts': `export const cache = new Map<string, number>();\ncache.get('a');\n` });
    expect(packageReferenced(services, 'amqplib')).toBe(false);
    expect(packageReferenced(services, 'pg')).toBe(false);
  });

  it('is true for a package a file of the program imports, or names in a reference directive', () => {
    expect(packageReferenced(programOf({ 'index.ts': `import type { Channel } from 'amqplib';\nexport let ch: Channel;\n` }), 'amqplib')).toBe(true);
    expect(packageReferenced(programOf({ 'index.ts': `/// <reference types="amqplib" />\nexport {};\n` }), 'amqplib')).toBe(true);
    expect(packageReferenced(programOf({ 'index.js': `const pg = require("pg/lib/client");\n` }, { allowJs: true }), 'pg')).toBe(true);
    expect(packageReferenced(programOf({ 'index.ts': `import type { Pool } from '../node_modules/pg';\nexport let pool: Pool;\n` }), 'pg')).toBe(true);
  });

  it('follows another package only when that package is referenced itself', () => {
    const unused = programOf({ 'index.ts': `export {};\n`, ...WRAPPER });
    expect(packageReferenced(unused, 'mq-wrapper')).toBe(false);
    expect(packageReferenced(unused, 'amqplib')).toBe(false);
    const used = programOf({ 'index.ts': `import { open } from 'mq-wrapper';\nexport const ch = open();\n`, ...WRAPPER });
    expect(packageReferenced(used, 'amqplib')).toBe(true);
  });

  it('reads a relative specifier of a declaration file as the path it names, inside its package or out of it', () => {
    // Out of the package's directory: a sibling @types package, and two levels up from a package's lib/.
    const sibling = programOf({
      'index.ts': `import { open } from 'mq-shim';\nexport const ch = open();\n`,
      'node_modules/@types/mq-shim/index.d.ts': `import type { Channel } from '../amqplib/index';\nexport declare function open(): Promise<Channel>;\n`,
    });
    expect(packageReferenced(sibling, 'amqplib')).toBe(true);
    const climbing = programOf({
      'index.ts': `import { open } from 'mq-deep';\nexport const ch = open();\n`,
      'node_modules/mq-deep/package.json': JSON.stringify({ name: 'mq-deep', types: 'lib/index.d.ts' }),
      'node_modules/mq-deep/lib/index.d.ts': `import type { Channel } from './.././../amqplib';\nexport declare function open(): Promise<Channel>;\n`,
    });
    expect(packageReferenced(climbing, 'amqplib')).toBe(true);
    // Inside it: a directory of the package that is named like another package is still the package.
    const inside = programOf({
      'index.ts': `import { open } from 'mq-inner';\nexport const ch = open();\n`,
      'node_modules/mq-inner/package.json': JSON.stringify({ name: 'mq-inner', types: 'lib/index.d.ts' }),
      'node_modules/mq-inner/lib/index.d.ts': `export { open } from '../amqplib/index';\n`,
      'node_modules/mq-inner/amqplib/index.d.ts': `export declare function open(): number;\n`,
    });
    expect(packageReferenced(inside, 'mq-inner')).toBe(true);
    expect(packageReferenced(inside, 'amqplib')).toBe(false);
  });

  it('is true for a package that declares globals, and whenever module resolution goes by paths or subpath imports', () => {
    const globals = programOf({
      'index.ts': `export {};\n`,
      'node_modules/mq-globals/index.d.ts': `export {};\ndeclare global {\n  var channel: unknown;\n}\n`,
    });
    expect(packageReferenced(globals, 'mq-globals')).toBe(true);
    const paths = programOf({ 'index.ts': `export {};\n` }, { paths: { '@mq': ['./node_modules/amqplib'] } });
    expect(packageReferenced(paths, 'amqplib')).toBe(true);
    expect(packageReferenced(programOf({ 'index.ts': `import mq from '#mq';\nexport default mq;\n` }), 'amqplib')).toBe(true);
  });
});
