/**
 * A seeded generator of adversarial files for the crash hunt: every syntax form the rules walk (classes, private
 * fields, getters, generators, async generators, labelled loops, switch fall-through, nested try/catch/finally,
 * optional chains, `using`/`await using`, destructuring with defaults and rest, computed members, tagged templates,
 * static blocks, decorators, enums, namespaces, JSX), deeply nested, with an acquire of some resource injected into
 * every function — released on some paths, leaked on others, so the rules report and suggest.
 *
 * Every file declares what it uses (a prelude of queue, pool, mutex, semaphore, tracer and stream declarations), so
 * it also type-checks as far as the hunt needs: the typed lint runs see real types.
 */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedFile {
  readonly name: string;
  readonly code: string;
}

export const PRELUDE = `import { Pool } from 'pg';
import { Mutex, Semaphore } from 'async-mutex';
import { createPool } from 'generic-pool';
import { trace } from '@opentelemetry/api';
interface Queue<T> {
  get(): Promise<[item: T, shutdown: false] | [item: undefined, shutdown: true]>;
  done(item: T): void;
  add(item: T): void;
  addRateLimited(item: T): void;
  forget(item: T): void;
  numRequeues(item: T): number;
  len(): number;
}
interface Db { open(): [Conn, number] }
interface Conn { end(): void; run(sql: string): Promise<void> }
declare const q: Queue<string>;
declare const other: Queue<string>;
declare const queues: Record<string, Queue<string>>;
declare const db: Db;
declare const flag: boolean;
declare const key: string;
declare const obj: { a?: { b?: (x: unknown) => unknown }; [k: string]: unknown } | undefined;
declare function work(item?: unknown): Promise<void>;
declare function sync(item?: unknown): void;
declare function check(item?: unknown): boolean;
declare function tag(strings: TemplateStringsArray, ...values: unknown[]): string;
declare function dec(...args: unknown[]): any;
declare function getQueue(): Promise<Queue<string>>;
declare function disposable(x?: unknown): Disposable;
declare function asyncDisposable(x?: unknown): AsyncDisposable;
declare const stream: ReadableStream<Uint8Array>;
const pool = new Pool();
const mutex = new Mutex();
const semaphore = new Semaphore(2);
const resourcePool = createPool({ create: async () => ({ id: 1 }), destroy: async () => {} });
const tracer = trace.getTracer('svc');
`;

/** The custom pair the hunt configures for `db.open()`: the resource at index 0 of the tuple. */
export const DB_PAIR = {
  name: 'conn',
  acquire: { method: 'open', receiverNames: '^db$', types: [{ from: 'file', name: 'Db' }] },
  resourceIndex: 0,
  release: { resourceMethods: ['end'] },
};

interface Acquire {
  /** Statements that acquire; `async` ones need an async function. */
  readonly acquire: string;
  readonly release: string;
  readonly async: boolean;
  /** The value to use in work calls. */
  readonly value: string;
}

const ACQUIRES: readonly Acquire[] = [
  { acquire: 'const [item, shutdown] = await q.get();\nif (shutdown) return;', release: 'q.done(item);', async: true, value: 'item' },
  { acquire: 'const { 0: item, 1: shutdown } = await q.get();\nif (shutdown) return;', release: 'q.done(item);', async: true, value: 'item' },
  { acquire: 'const [...r] = await q.get();\nif (r[1]) return;', release: 'q.done(r[0]);', async: true, value: 'r[0]' },
  { acquire: 'const [item, shutdown] = await (flag ? q : other).get();\nif (shutdown) return;', release: '(flag ? q : other).done(item);', async: true, value: 'item' },
  { acquire: 'const [item, shutdown] = await (await getQueue()).get();\nif (shutdown) return;', release: 'q.done(item);', async: true, value: 'item' },
  { acquire: 'const r = await queues[key]!.get();\nif (r[1]) return;', release: 'queues[key]!.done(r[0]);', async: true, value: 'r[0]' },
  { acquire: 'const client = await pool.connect();', release: 'client.release();', async: true, value: 'client' },
  { acquire: 'const release = await mutex.acquire();', release: 'release();', async: true, value: 'release' },
  { acquire: 'await mutex.acquire();', release: 'mutex.release();', async: true, value: 'mutex' },
  { acquire: 'const permit = await semaphore.acquire();', release: 'permit[1]();', async: true, value: 'permit' },
  { acquire: 'const [, releasePermit] = await semaphore.acquire();', release: 'releasePermit();', async: true, value: 'releasePermit' },
  { acquire: 'const res = await resourcePool.acquire();', release: 'void resourcePool.release(res);', async: true, value: 'res' },
  { acquire: "const span = tracer.startSpan('job');", release: 'span.end();', async: false, value: 'span' },
  { acquire: 'const reader = stream.getReader();', release: 'reader.releaseLock();', async: false, value: 'reader' },
  { acquire: 'const conn = db.open();', release: 'conn[0].end();', async: false, value: 'conn' },
  { acquire: 'const [c] = db.open();', release: 'c.end();', async: false, value: 'c' },
  { acquire: 'const p = q.get();', release: 'void p.then(([item]) => { if (item !== undefined) q.done(item); });', async: false, value: 'p' },
];

interface Context {
  readonly async: boolean;
  readonly generator: boolean;
  readonly loop: string | undefined;
  /** A class static block: no `return`. */
  readonly noReturn?: boolean;
}

class Writer {
  private labels = 0;
  private names = 0;
  constructor(private readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  name(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  acquire(async: boolean): Acquire {
    return this.pick(async ? ACQUIRES : ACQUIRES.filter((candidate) => !candidate.async));
  }

  /** A statement that uses `value`, at `depth`; may recurse. `ctx` says what the function allows. */
  statement(value: string, depth: number, ctx: Context): string {
    const use = (): string => (ctx.async && this.chance(0.5) ? `await work(${value});` : `sync(${value});`);
    if (depth <= 0) {
      return this.pick([
        use(),
        ctx.noReturn ? use() : `if (check(${value})) return;`,
        `obj?.a?.b?.(${value});`,
        `obj?.[key];`,
        `tag\`\${${value}} and \${key}\`;`,
        `const { a: a${this.names} = 1, ...rest${this.names} } = { a: 2, b: ${value} } as { a?: number; b: unknown };\nsync(rest${this.names++});`,
        `const [first${this.names} = 0, ...others${this.names}] = [1, 2, 3];\nsync(others${this.names++});`,
        ctx.loop ? `if (check()) continue ${ctx.loop};` : `if (check()) throw new Error('x');`,
        ctx.loop ? `if (check()) break ${ctx.loop};` : use(),
        ctx.generator ? `yield ${value};` : use(),
        `using d${this.names++} = disposable(${value});`,
        ctx.async ? `await using a${this.names++} = asyncDisposable(${value});` : use(),
        `const f${this.names++} = () => sync(${value});`,
      ]);
    }
    const inner = (extra: Partial<typeof ctx> = {}): string => this.block(value, depth - 1, { ...ctx, ...extra });
    const label = `L${this.labels++}`;
    return this.pick([
      `if (check(${value})) {\n${inner()}\n} else {\n${inner()}\n}`,
      `${label}: for (const x of [1, 2]) {\n${inner({ loop: label })}\n}`,
      `${label}: while (check()) {\n${inner({ loop: label })}\n}`,
      `${label}: do {\n${inner({ loop: label })}\n} while (check());`,
      `switch (key) {\ncase 'a': {\n${inner()}\n}\ncase 'b': {\n${inner()}\nbreak;\n}\ndefault: {\n${inner()}\n}\n}`,
      `try {\n${inner()}\n} catch (error) {\n${inner()}\n} finally {\n${inner()}\n}`,
      `try {\ntry {\n${inner()}\n} finally {\nsync();\n}\n} catch {\n${inner()}\n}`,
      `{\n${inner()}\n}`,
      ctx.async ? `await Promise.all([1].map(async (n) => {\n${this.block('n', depth - 1, { async: true, generator: false, loop: undefined, noReturn: false })}\n}));` : `[1].forEach((n) => {\n${this.block('n', depth - 1, { async: false, generator: false, loop: undefined, noReturn: false })}\n});`,
      `const o${this.names++} = { [key]: ${value}, get g() { return ${value}; }, m() { return key; } };`,
    ]);
  }

  block(value: string, depth: number, ctx: Context): string {
    const count = 1 + Math.floor(this.random() * 3);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(this.statement(value, depth, ctx));
    return lines.join('\n');
  }

  /** A function body with an acquire injected at its start, released at the end, in a finally, or not at all. */
  body(async: boolean, generator: boolean, depth: number, noReturn = false): string {
    const acq = noReturn ? this.pick(ACQUIRES.filter((candidate) => !candidate.async && !candidate.acquire.includes('return'))) : this.acquire(async);
    const work = this.block(acq.value, depth, { async, generator, loop: undefined, noReturn });
    const shape = this.pick(['finally', 'end', 'leak', 'finally', 'end']);
    if (shape === 'finally') return `${acq.acquire}\ntry {\n${work}\n} finally {\n${acq.release}\n}`;
    if (shape === 'end') return `${acq.acquire}\n${work}\n${acq.release}`;
    return `${acq.acquire}\n${work}`;
  }

  /** A top-level declaration with one or more functions in it. */
  declaration(depth: number, tsx: boolean): string {
    const n = this.name('f');
    const kinds = [
      () => `export async function ${n}() {\n${this.body(true, false, depth)}\n}`,
      () => `export function ${n}() {\n${this.body(false, false, depth)}\n}`,
      () => `export function* ${n}() {\n${this.body(false, true, depth)}\n}`,
      () => `export async function* ${n}() {\n${this.body(true, true, depth)}\n}`,
      () => `export const ${n} = async () => {\n${this.body(true, false, depth)}\n};`,
      () =>
        `@dec\nexport class C${n} {\n  #queue = q;\n  static #count = 0;\n  static {\n${this.body(false, false, depth - 1, true)}\n  }\n  get queue() { return this.#queue; }\n  constructor() {\n${this.body(false, false, depth - 1)}\n  }\n  @dec\n  async run(): Promise<void> {\n${this.body(true, false, depth)}\n  }\n  async #private(): Promise<void> {\n${this.body(true, false, depth - 1)}\n  }\n  *gen() {\n${this.body(false, true, depth - 1)}\n  }\n  field = async () => {\n${this.body(true, false, depth - 1)}\n  };\n}`,
      () => `export enum E${n} { A = 1, B = A << 1, C = 'c'.length }`,
      () => `export namespace N${n} {\n  export async function inner() {\n${this.body(true, false, depth)}\n  }\n  export const value = 1;\n}`,
      () => `export const o${n} = {\n  async method() {\n${this.body(true, false, depth)}\n  },\n  get getter() {\n${this.body(false, false, 0)}\nreturn 1;\n  },\n};`,
      () => `export async function ${n}(x = 1, { a, ...b }: { a?: number; c?: number } = {}, ...rest: number[]) {\n${this.body(true, false, depth)}\nreturn [x, a, b, rest];\n}`,
      () => `export async function ${n}() {\n  async function nested() {\n${this.body(true, false, depth - 1)}\n  }\n  await nested();\n${this.body(true, false, depth - 1)}\n}`,
    ];
    if (tsx) kinds.push(() => `export function View${n}() {\n${this.body(false, false, 0)}\nreturn <div title={key}>{[1].map((n) => <span key={n}>{n}</span>)}</div>;\n}`);
    return this.pick(kinds)();
  }
}

/**
 * `count` files from `seed`: `.ts` mostly, every fourth a `.tsx` with JSX. `maxDepth` bounds the nesting (each level
 * multiplies a function's size by up to three).
 */
export function generateFiles(count: number, seed: number, maxDepth = 3): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (let index = 0; index < count; index++) {
    const writer = new Writer(rng(seed * 7919 + index));
    const tsx = index % 4 === 3;
    const depth = Math.min(maxDepth, writer.pick([1, 2, 2, 3]));
    const parts = [PRELUDE];
    const declarations = 2 + Math.floor(writer.pick([0, 1, 2, 3, 4, 5, 6]));
    for (let i = 0; i < declarations; i++) parts.push(writer.declaration(depth, tsx));
    files.push({ name: `hunt-${seed}-${index}.${tsx ? 'tsx' : 'ts'}`, code: parts.join('\n\n') + '\n' });
  }
  return files;
}
