// Generated worker functions for the scaling benchmark of `npm run bench:rule`.
//
// Every function takes one item from a typed work queue, checks the shutdown flag, and then runs N branching
// statements. The statements cycle through eight shapes, so each size has the same mix: if/else, an else-if chain,
// a switch with three cases and a default, an early `return`, a `throw`, a loop with `continue`, a nested
// try/catch, and an awaited call whose result is branched on. Every arm makes a call or awaits one, so every
// statement is a may-throw point for the analysis. Nesting depth stays constant: the function grows in length only.

export const PRELUDE = `interface WorkQueue<T> {
  get(): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: T): void;
  add(item: T): void;
}
interface Outcome {
  ok: boolean;
  error?: string;
}
declare const q: WorkQueue<string>;
declare function check(item: string, n: number): boolean;
declare function kind(item: string, n: number): number;
declare function work(item: string, n: number): Promise<void>;
declare function sync(item: string, n: number): void;
declare function log(...args: unknown[]): void;
declare function fetchOutcome(item: string, n: number): Promise<Outcome>;
declare function record(outcome: Outcome): void;
declare function parts(item: string, n: number): string[];
`;

/** The i-th branching statement, indented by `ind`. */
function statement(i, ind) {
  const lines = (() => {
    switch (i % 8) {
      case 0:
        return [`if (check(item, ${i})) {`, `  await work(item, ${i});`, `} else {`, `  sync(item, ${i});`, `}`];
      case 1:
        return [
          `if (check(item, ${i})) {`,
          `  sync(item, ${i});`,
          `} else if (check(item, -${i})) {`,
          `  await work(item, ${i});`,
          `} else {`,
          `  log('skipped', item, ${i});`,
          `}`,
        ];
      case 2:
        return [
          `switch (kind(item, ${i})) {`,
          `  case 0:`,
          `    sync(item, ${i});`,
          `    break;`,
          `  case 1:`,
          `    await work(item, ${i});`,
          `    break;`,
          `  case 2:`,
          `    log('kind 2', item);`,
          `    break;`,
          `  default:`,
          `    await work(item, -${i});`,
          `}`,
        ];
      case 3:
        return [`if (check(item, ${i})) return;`];
      case 4:
        return [
          `const outcome${i} = await fetchOutcome(item, ${i});`,
          `if (outcome${i}.ok) {`,
          `  record(outcome${i});`,
          `} else {`,
          `  log(outcome${i}.error);`,
          `}`,
        ];
      case 5:
        return [`if (check(item, ${i})) {`, `  throw new Error(\`item \${item} rejected at step ${i}\`);`, `}`];
      case 6:
        return [
          `for (const part of parts(item, ${i})) {`,
          `  if (check(part, ${i})) continue;`,
          `  await work(part, ${i});`,
          `}`,
        ];
      default:
        return [`try {`, `  await work(item, ${i});`, `} catch (error) {`, `  log('step ${i} failed', error);`, `}`];
    }
  })();
  return lines.map((line) => ind + line).join('\n');
}

function statements(n, ind) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(statement(i, ind));
  return out.join('\n');
}

/** N branching statements inside `try { … } finally { q.done(item) }`: every path marks the item done. */
export function branchesInsideTry(n) {
  return `${PRELUDE}
export async function worker(): Promise<void> {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
${statements(n, '    ')}
  } finally {
    q.done(item);
  }
}
`;
}

/** The same statements before the `try`: their returns, throws and calls leak the item, so the rule reports. */
export function branchesBeforeTry(n) {
  return `${PRELUDE}
export async function worker(): Promise<void> {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
${statements(n, '  ')}
  try {
    await work(item, -1);
  } finally {
    q.done(item);
  }
}
`;
}

/**
 * One else-if chain of `depth` arms inside the try: the function grows in nesting depth (each `else if` is nested in
 * the previous one). typescript-estree overflows the stack near 1000 arms, so depths stay below that.
 */
export function elseIfChain(depth) {
  const arms = [];
  for (let i = 0; i < depth; i++) {
    arms.push(`${i === 0 ? '    ' : ' else '}if (check(item, ${i})) {\n      await work(item, ${i});\n    }`);
  }
  return `${PRELUDE}
export async function worker(): Promise<void> {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
${arms.join('')} else {
      sync(item, -1);
    }
  } finally {
    q.done(item);
  }
}
`;
}

/**
 * `depth` nested `if` statements inside the try, each arm calling and awaiting before the next level: the function
 * grows in nesting depth only (every `if` is in the previous one's consequent).
 */
export function nestedIfs(depth) {
  const open = [];
  const close = [];
  for (let i = 0; i < depth; i++) {
    open.push(`if (check(item, ${i})) {\nawait work(item, ${i});\n`);
    close.push('}\n');
  }
  return `${PRELUDE}
export async function worker(): Promise<void> {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
${open.join('')}sync(item, -1);
${close.join('')}  } finally {
    q.done(item);
  }
}
`;
}

/**
 * `n` items held at once: each level takes an item and opens a `try` whose `finally` marks it done, and the next
 * level sits inside that `try`. Every call in the innermost level may throw while all `n` are held, and its
 * exception crosses all `n` finally blocks.
 */
export function heldAcrossFinally(n) {
  const open = [];
  const close = [];
  for (let i = 0; i < n; i++) {
    open.push(`const [item${i}, shutdown${i}] = await q.get();\nif (shutdown${i}) return;\ntry {\nawait work(item${i}, ${i});\n`);
    close.unshift(`} finally {\nq.done(item${i});\n}\n`);
  }
  return `${PRELUDE}
export async function worker(): Promise<void> {
${open.join('')}sync('innermost', -1);
${close.join('')}}
`;
}

/** `n` get/try/finally blocks one after the other in one function: many obligations, one held at a time. */
export function sequentialGets(n) {
  const blocks = [];
  for (let i = 0; i < n; i++) {
    blocks.push(
      `  const [item${i}, shutdown${i}] = await q.get();\n  if (shutdown${i}) return;\n  try {\n    await work(item${i}, ${i});\n  } finally {\n    q.done(item${i});\n  }\n`,
    );
  }
  return `${PRELUDE}
export async function worker(): Promise<void> {
${blocks.join('')}}
`;
}
