/**
 * Statement probes, so a run can show which lines it executed.
 *
 * `loadInstrumented(file)` transpiles a fixture with TypeScript (CommonJS, ES2022) and a transformer that puts
 * `__probe(line, column)` before every statement inside a function (statement bodies of `if`/loops become blocks
 * so a one-line `if (x) return;` gets a probe of its own on the `return`) and at the end of every block, keyed by
 * the position of the block's closing `}`: a probe there means control fell off the end of that block (the end
 * of a function, or of a loop iteration). Positions are those of the original source, 1-based like ESLint's.
 *
 * The module runs with a `require` that hands out the already loaded reference queue for
 * `eslint-plugin-workqueue/queue`, loads relative imports the same way (instrumented too), and loads Node's
 * built-in modules (`node:…`) and the packages in {@link PACKAGES} with Node's own `require`. Probes are plain
 * synchronous calls, so the instrumented module has exactly the promise timing of the original.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import * as ts from 'typescript';

import * as queueModule from 'eslint-plugin-workqueue/queue';

/** `file:line:column` of every probe hit, collected by whoever holds the set. */
export type Hits = Set<string>;

export const probeKey = (file: string, line: number, column: number): string => `${file}:${line}:${column}`;

let currentHits: Hits | undefined;

/** Packages (dev dependencies) a fixture may import besides the reference queue. */
const PACKAGES = new Set(['@opentelemetry/api']);
const nodeRequire = createRequire(import.meta.url);

/** Runs `fn` with probe hits recorded into `hits`. Runs must not overlap. */
export async function withProbes<T>(hits: Hits, fn: () => Promise<T>): Promise<T> {
  if (currentHits !== undefined) throw new Error('probe recording already active');
  currentHits = hits;
  try {
    return await fn();
  } finally {
    currentHits = undefined;
  }
}

function probeTransformer(file: string, source: ts.SourceFile, positions: Set<string>): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    const probeAt = (pos: number): ts.Statement => {
      const { line, character } = source.getLineAndCharacterOfPosition(pos);
      positions.add(probeKey(file, line + 1, character + 1));
      return f.createExpressionStatement(
        f.createCallExpression(f.createIdentifier('__probe'), undefined, [
          f.createNumericLiteral(line + 1),
          f.createNumericLiteral(character + 1),
        ]),
      );
    };
    const startOf = (node: ts.Node): number => ts.getOriginalNode(node).getStart(source);

    let depth = 0; // > 0 inside a function body

    const withProbes = (statements: readonly ts.Statement[]): ts.Statement[] => {
      const out: ts.Statement[] = [];
      for (const statement of statements) {
        out.push(probeAt(startOf(statement)), visit(statement) as ts.Statement);
      }
      return out;
    };

    /** A statement in a statement position (`if` branch, loop body) becomes a block with its own probe. */
    const asBlock = (statement: ts.Statement): ts.Statement => {
      if (ts.isBlock(statement)) return visit(statement) as ts.Statement;
      return f.createBlock([probeAt(startOf(statement)), visit(statement) as ts.Statement], true);
    };

    const visit = (node: ts.Node): ts.Node => {
      if (ts.isFunctionLike(node)) {
        depth++;
        try {
          return ts.visitEachChild(node, visit, context);
        } finally {
          depth--;
        }
      }
      if (depth === 0) return ts.visitEachChild(node, visit, context);
      if (ts.isBlock(node)) {
        const original = ts.getOriginalNode(node) as ts.Block;
        const statements = withProbes(node.statements);
        statements.push(probeAt(original.getEnd() - 1));
        return f.updateBlock(node, statements);
      }
      if (ts.isCaseClause(node)) {
        return f.updateCaseClause(node, visit(node.expression) as ts.Expression, withProbes(node.statements));
      }
      if (ts.isDefaultClause(node)) return f.updateDefaultClause(node, withProbes(node.statements));
      if (ts.isIfStatement(node)) {
        return f.updateIfStatement(
          node,
          visit(node.expression) as ts.Expression,
          asBlock(node.thenStatement),
          node.elseStatement === undefined
            ? undefined
            : ts.isIfStatement(node.elseStatement)
              ? (visit(node.elseStatement) as ts.Statement)
              : asBlock(node.elseStatement),
        );
      }
      if (ts.isIterationStatement(node, false)) {
        const updated = ts.visitEachChild<ts.IterationStatement>(node, visit, context);
        if (ts.isBlock(node.statement)) return updated;
        const body = asBlock(node.statement);
        if (ts.isForStatement(updated)) return f.updateForStatement(updated, updated.initializer, updated.condition, updated.incrementor, body);
        if (ts.isForOfStatement(updated))
          return f.updateForOfStatement(updated, updated.awaitModifier, updated.initializer, updated.expression, body);
        if (ts.isForInStatement(updated)) return f.updateForInStatement(updated, updated.initializer, updated.expression, body);
        if (ts.isWhileStatement(updated)) return f.updateWhileStatement(updated, updated.expression, body);
        if (ts.isDoStatement(updated)) return f.updateDoStatement(updated, body, updated.expression);
      }
      return ts.visitEachChild(node, visit, context);
    };

    return (sourceFile) => ts.visitEachChild(sourceFile, visit, context);
  };
}

export interface Instrumented {
  /** Compiled CommonJS with probes. */
  code: string;
  /** Every probe position (`file:line:column`). */
  positions: Set<string>;
}

export function instrument(file: string, text: string): Instrumented {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const positions = new Set<string>();
  const output = ts.transpileModule(text, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
      sourceMap: false,
      importHelpers: false,
      esModuleInterop: true,
    },
    transformers: { before: [probeTransformer(file, source, positions)] },
    reportDiagnostics: false,
  });
  return { code: output.outputText, positions };
}

/** Loads `file` and its relative imports instrumented; returns its exports and every probe position. */
export function loadInstrumented(file: string): { exports: Record<string, unknown>; positions: Set<string> } {
  const positions = new Set<string>();
  const cache = new Map<string, Record<string, unknown>>();
  const load = (target: string): Record<string, unknown> => {
    const cached = cache.get(target);
    if (cached) return cached;
    const compiled = instrument(target, readFileSync(target, 'utf8'));
    for (const p of compiled.positions) positions.add(p);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(target, module.exports);
    const localRequire = (specifier: string): unknown => {
      if (specifier === 'eslint-plugin-workqueue/queue') return queueModule;
      if (specifier.startsWith('node:') || PACKAGES.has(specifier)) return nodeRequire(specifier);
      if (specifier.startsWith('.')) {
        const resolved = path.resolve(path.dirname(target), specifier).replace(/\.js$/, '.ts');
        return load(resolved);
      }
      throw new Error(`${target}: the instrumented loader does not provide ${JSON.stringify(specifier)}`);
    };
    const probe = (line: number, column: number): void => {
      currentHits?.add(probeKey(target, line, column));
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the compiled fixture is the point
    const factory = new Function('exports', 'require', 'module', '__probe', compiled.code) as (
      exports: Record<string, unknown>,
      require: (specifier: string) => unknown,
      module: { exports: Record<string, unknown> },
      probe: (line: number, column: number) => void,
    ) => void;
    factory(module.exports, localRequire, module, probe);
    return module.exports;
  };
  return { exports: load(file), positions };
}
