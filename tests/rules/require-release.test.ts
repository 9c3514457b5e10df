import path from 'node:path';

import { Linter } from 'eslint';
import parser from '@typescript-eslint/parser';
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { describe, expect, it } from 'vitest';

import rule, { type MessageIds, type Options, PRESET_NAMES } from '../../rules/require-release.js';
import { fixtureDir, typedTester, untypedTester } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

/** Real type declarations: the typed cases import the packages themselves. */
const IMPORTS = `import { Pool } from 'pg';
import { Mutex, Semaphore } from 'async-mutex';
import { createPool } from 'generic-pool';
import { context, trace } from '@opentelemetry/api';
import { ReadableStream } from 'node:stream/web';
const pool = new Pool();
const mutex = new Mutex();
const semaphore = new Semaphore(2);
const resourcePool = createPool({ create: async () => ({ id: 1 }), destroy: async () => {} });
const tracer = trace.getTracer('svc');
declare function work(x?: unknown): Promise<void>;
declare const stream: ReadableStream<Uint8Array>;
`;
const IMPORT_LINES = IMPORTS.split('\n').length - 1;

/** Shifts a case's line numbers past the imports, for the typed run. */
/** web-streams is opt-in: the cases that read a stream turn every preset on. */
function withStreams<T extends Valid | Invalid>(test: T): T {
  return test.code.includes('getReader') && !test.options ? { ...test, options: [{ presets: [...PRESET_NAMES] }] } : test;
}

function typed<T extends Valid | Invalid>(input: T): T {
  const test = withStreams(input);
  const withImports = { ...test, code: IMPORTS + test.code };
  if (!('errors' in withImports)) return withImports;
  const invalid = withImports as Invalid;
  return {
    ...invalid,
    errors: invalid.errors.map((error) => ({
      ...error,
      ...(error.line === undefined ? {} : { line: error.line + IMPORT_LINES }),
      ...(error.data === undefined
        ? {}
        : {
            data: Object.fromEntries(
              Object.entries(error.data).map(([key, value]) => [
                key,
                (key === 'line' || key === 'acquireLine' || key === 'handlerLine' || key === 'callbackLine') && typeof value === 'number' ? value + IMPORT_LINES : value,
              ]),
            ),
          }),
      ...(error.endLine === undefined ? {} : { endLine: error.endLine + IMPORT_LINES }),
      suggestions: error.suggestions?.map((suggestion) => ({ ...suggestion, output: IMPORTS + suggestion.output })),
    })),
  } as unknown as T;
}

const valid: Valid[] = [
  // A Node completion callback (an errback: the last argument, first parameter `err`) runs once: one that releases on
  // every path releases.
  {
    code: `
import { readFile } from 'node:fs';
export async function load(path: string) {
  const client = await pool.connect();
  readFile(path, (err, data) => {
    if (err) {
      client.release();
      return;
    }
    client.release();
  });
}`,
  },
  // OpenTelemetry's safeExecuteInTheMiddle(execute, onFinish): a finish hook that ends the span on the error only (and
  // rethrows it), leaving the result to end it otherwise (instrumentation-dns, instrumentation-cassandra-driver): no
  // completion callback, a hand-off as before.
  {
    code: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
export function patched(original: () => Promise<string>) {
  const span = tracer.startSpan('lookup');
  const promise = safeExecuteInTheMiddle(() => original(), (error) => {
    if (error != null) span.end();
  });
  return promise.then(() => span.end(), () => span.end());
}`,
  },
  // safeExecuteInTheMiddle(execute, onFinish, true) catches what execute throws and returns instead
  // (preventThrowingError): only onFinish's exceptions pass, and this one throws none.
  {
    code: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
declare function risky(): number;
export function hooked() {
  const span = tracer.startSpan('op');
  safeExecuteInTheMiddle(() => risky(), () => {}, true);
  span.end();
}`,
  },
  // A release helper that tests its parameter first (instrumentation-document-load's _endSpan): where the value is
  // falsy there is no span to end, so the helper releases on every path that holds one, declared before or after the
  // caller, as a method or a function.
  {
    code: `
export class Loader {
  endSpan(span) {
    if (span) span.end();
  }
  load() {
    const span = tracer.startSpan('load');
    this.endSpan(span);
  }
}
export function traced() {
  const span = tracer.startSpan('op');
  endIfSet(span);
}
function endIfSet(span) {
  if (span !== undefined) {
    span.end();
  }
}`,
  },
  // The same parameter test written with \`typeof\`, either way round and either polarity, or against null.
  {
    code: `
import type { Span } from '@opentelemetry/api';
function endSpan(span?: Span) {
  if (typeof span === 'undefined') return;
  span.end();
}
function endIfDefined(span?: Span) {
  if ('undefined' !== typeof span) span.end();
}
function endUnlessNull(span: Span | null) {
  if (span == null) return;
  span.end();
}
export function traced() {
  endSpan(tracer.startSpan('a'));
  const b = tracer.startSpan('b');
  endIfDefined(b);
  const c = tracer.startSpan('c');
  endUnlessNull(c);
}`,
  },
  // A conditional acquire tested with \`typeof\` before its release: where it is undefined nothing was started.
  {
    code: `
export async function traced(enabled: boolean) {
  const span = enabled ? tracer.startSpan('op') : undefined;
  try {
    await work();
  } finally {
    if (typeof span !== 'undefined') span.end();
  }
}`,
  },
  // The call reports its failure through the callback (Node's convention), not by throwing: the \`catch\` runs only if
  // it throws anyway, and then the callback never runs, so the release there is no second one.
  {
    code: `
import { readFile } from 'node:fs';
export async function load(path: string) {
  const client = await pool.connect();
  try {
    readFile(path, (err) => {
      client.release();
    });
  } catch (error) {
    client.release();
    throw error;
  }
}`,
  },
  // One that never releases it itself, but hands it on, took it where the rule cannot follow: as before, silence.
  {
    code: `
import { readFile } from 'node:fs';
declare function keep(x: unknown): void;
export async function load(path: string) {
  const client = await pool.connect();
  readFile(path, (err) => {
    if (err) return;
    keep(client);
  });
}`,
  },
  // A listener is no completion callback, whatever its first parameter: it runs many times or never (a hand-off).
  {
    code: `
import { EventEmitter } from 'node:events';
export async function watch(emitter: EventEmitter) {
  const client = await pool.connect();
  emitter.on('x', (err: unknown) => {
    if (err) return;
    client.release();
  });
}`,
  },
  // Nor is a callback whose first parameter is not named like an error (\`e\` is as often an event), nor one that is not
  // the last argument: given to a function the rule cannot follow, they take ownership.
  {
    code: `
declare function attempt(cb: (e: unknown) => void): void;
declare function retry(cb: (err: unknown) => void, times: number): void;
export async function tryIt() {
  const client = await pool.connect();
  attempt((e) => {
    if (e) return;
    client.release();
  });
}
export async function again() {
  const client = await pool.connect();
  retry((err) => {
    if (err) return;
    client.release();
  }, 3);
}`,
  },
  // pg's callback form of connect is unchanged: the callback owns the client, and a completion callback inside it
  // that releases on every path releases it.
  {
    code: `
export function connectForm() {
  pool.connect((err, client, release) => {
    if (err) return;
    client!.query('select 1', (queryErr: Error) => {
      release();
    });
  });
}`,
  },
  // The release comes first in the \`finally\`: a rejected audit after it skips nothing.
  { code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function transaction(work, audit) {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
    await audit('done');
  }
}` },
  // A resource handed to a function the rule cannot follow, and never released here: that function owns it.
  {
    code: `
declare function readAll(reader: unknown, onDone: () => void): void;
declare function patchEnd(span: unknown): () => void;
export function consume(onDone: () => void) {
  const reader = stream.getReader();
  readAll(reader, onDone);
}
export function traced() {
  const span = tracer.startSpan('op');
  return patchEnd(span);
}`,
  },
  // The callback form of pg's connect, by name: the callback owns the client.
  {
    code: `
function onConnect(err: Error | undefined, client: unknown, done: () => void) { done(); }
export function listen() {
  pool.connect(onConnect);
}`,
  },
  // A cancelled reader's stream is closed: the lock no longer matters.
  {
    code: `
export async function peek() {
  const reader = stream.getReader();
  try {
    return (await reader.read()).value;
  } finally {
    await reader.cancel();
  }
}`,
  },
  // OpenTelemetry: span attributes, events and status never throw (the API specification forbids it).
  {
    code: `
export async function traced(id: string) {
  const span = tracer.startSpan('job');
  span.setAttribute('job.id', id);
  span.addEvent('start', { at: Date.now() });
  try {
    await work(id);
  } catch (error) {
    span.recordException(error as Error);
    throw error;
  } finally {
    span.end();
  }
}`,
  },
  // pg: a listener and the settlement handlers release the client.
  {
    code: `
export async function listen() {
  const client = await pool.connect();
  client.on('end', () => client.release());
}
export async function settled() {
  const client = await pool.connect();
  return client.query('select 1').finally(() => client.release());
}
export async function both() {
  const client = await pool.connect();
  await client.query('select 1').then(() => client.release(), () => client.release());
}`,
  },
  // async-mutex: the releaser itself as the promise's finally handler.
  {
    code: `
async function job(): Promise<void> {}
export async function guarded() {
  const release = await mutex.acquire();
  return job().finally(release);
}`,
  },
  // web streams: a returned object that owns the reader and its release.
  {
    code: `
export function open() {
  const reader = stream.getReader();
  return { reader, close: () => reader.releaseLock() };
}`,
  },
  // pg: the documented form — release in a finally; pool.query checks out and returns a client itself.
  {
    code: `
export async function find(id: string) {
  const client = await pool.connect();
  try {
    const result = await client.query('select * from jobs where id = $1', [id]);
    return result.rows;
  } finally {
    client.release();
  }
}
export async function count() {
  return (await pool.query('select count(*) from jobs')).rows;
}`,
  },
  // pg: release(err) on failure destroys the client — still a release; then rethrow, and release after success.
  {
    code: `
export async function update(id: string) {
  const client = await pool.connect();
  try {
    await client.query('update jobs set done = true where id = $1', [id]);
  } catch (error) {
    client.release(true);
    throw error;
  }
  client.release();
}`,
  },
  // pg: handing the client to the caller is a transfer.
  {
    code: `
export async function checkout() {
  const client = await pool.connect();
  return client;
}`,
  },
  // async-mutex: runExclusive is the safe form; the releaser in a finally; mutex.release() in a finally.
  {
    code: `
export async function exclusive() {
  await mutex.runExclusive(() => work());
}
export async function locked() {
  const release = await mutex.acquire();
  try {
    await work();
  } finally {
    release();
  }
}
export async function bare() {
  await mutex.acquire();
  try {
    await work();
  } finally {
    mutex.release();
  }
}
export async function permits() {
  const [, release] = await semaphore.acquire();
  try {
    await work();
  } finally {
    release();
  }
}`,
  },
  // generic-pool: destroy on failure and rethrow, release on success.
  {
    code: `
export async function use() {
  const resource = await resourcePool.acquire();
  try {
    await work(resource);
  } catch (error) {
    await resourcePool.destroy(resource);
    throw error;
  }
  await resourcePool.release(resource);
}`,
  },
  // Web Streams: releaseLock in a finally, across a read loop.
  {
    code: `
export async function readAll() {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return chunks;
}`,
  },
  // Web Streams: cancel() and then releaseLock() is the usual idiom; releaseLock() on a reader that holds no lock
  // returns at once, so it is no double release.
  {
    code: `
export async function readLimited(limit: number) {
  const reader = stream.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return total;
}`,
  },
  // Web Streams: the reader goes to the source of the stream the function returns, whose pull and cancel read and
  // cancel it: the new stream owns it.
  {
    code: `
export function passThrough(): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        reader.releaseLock();
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}`,
  },
  // An acquire assigned to a variable of the enclosing function outlives the closure that makes it: the enclosing
  // function's other closures release it.
  {
    code: `
export function resource() {
  let reader = stream.getReader();
  return {
    read: () => reader.read(),
    recreate() {
      reader.releaseLock();
      reader = stream.getReader();
    },
    dispose: () => reader.cancel(),
  };
}`,
  },
  {
    code: `
export async function openLater() {
  let client: PoolClient | undefined;
  const open = async () => {
    client = await pool.connect();
  };
  await open();
  try {
    await client!.query('SELECT 1');
  } finally {
    client!.release();
  }
}`,
  },
  // OpenTelemetry: end in a finally, for startSpan and inside a startActiveSpan callback.
  {
    code: `
export async function traced() {
  const span = tracer.startSpan('work');
  try {
    await work();
  } finally {
    span.end();
  }
}
export function active() {
  return tracer.startActiveSpan('op', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}`,
  },
  // A helper in the same file that releases its parameter on every path takes ownership.
  {
    code: `
async function finish(client: { release(): void }, id: string) {
  try {
    await work(id);
  } finally {
    client.release();
  }
}
export async function run(id: string) {
  const client = await pool.connect();
  await finish(client, id);
}`,
  },
  // Only the presets asked for are checked.
  {
    code: `
export async function traced() {
  const span = tracer.startSpan('work');
  await work();
  span.end();
}`,
    options: [{ presets: ['pg'] }],
  },
  // Iterating an array literal (or a const bound to one) cannot throw: the helper is no exception point.
  { code: `
const EVENTS = ['close', 'error'];
function watch(socket) {
  for (const event of EVENTS) socket.once(event, () => {});
}
export function connect(socket) {
  const span = tracer.startSpan('connect');
  watch(socket);
  span.end();
}` },
  // Object.assign and String only read and write properties; an array method given a function that cannot throw.
  { code: `
export function tag(query, names) {
  const span = tracer.startSpan('q');
  Object.assign(query, { traced: true });
  const first = names.find((name) => name.length > 0);
  span.setAttribute('first', String(first));
  span.end();
}` },
  // `toString()` without arguments is a string conversion, as `${route}` is: no throw point on any value.
  { code: `
export function routed(context: any) {
  const span = tracer.startSpan('route');
  span.setAttribute('route', context.matchedRoute.toString());
  span.end();
}` },
  // A span that is not recording is a no-op: dropping it leaks nothing.
  { code: `
export function maybe() {
  const span = tracer.startSpan('x');
  if (!span.isRecording()) return undefined;
  return span;
}` },
  // A flag set only right before a listener's release: when it is set, the finally must not release again.
  { code: `
export async function run(signal) {
  const client = await pool.connect();
  let dropped = false;
  const drop = () => {
    dropped = true;
    client.release();
  };
  signal?.addEventListener('abort', drop, { once: true });
  try {
    return await client.query('select 1');
  } finally {
    signal?.removeEventListener('abort', drop);
    if (!dropped) client.release();
  }
}` },
  // An aborted signal's throwIfAborted() throws: the block that releases and rethrows ends there.
  { code: `
export async function query(signal: AbortSignal | undefined, retire: AbortSignal | undefined) {
  const client = await pool.connect();
  if (signal?.aborted || retire?.aborted) {
    client.release();
    signal?.throwIfAborted();
    retire?.throwIfAborted();
  }
  try {
    return await client.query('select 1');
  } finally {
    client.release();
  }
}` },
  // A release-once closure: its early return runs only once it has released.
  { code: `
export async function begin() {
  const client = await pool.connect();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    client.release();
  };
  try {
    await client.query('BEGIN');
  } catch (err) {
    release();
    throw err;
  }
  return { client, commit: async () => { await client.query('COMMIT'); release(); } };
}` },
  // Called again, a release-once closure returns at once: a second call is no second release.
  { code: `
export async function run() {
  const client = await pool.connect();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    client.release();
  };
  try {
    await client.query('select 1');
    release();
  } finally {
    release();
  }
}` },
  // The same release-once closure written as one guarded block (\`if (!released) { released = true; … }\`).
  { code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function run() {
  const client = await pool.connect();
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      client.release();
    }
  };
  try {
    await client.query('select 1');
    release();
  } finally {
    release();
  }
}` },
  // A method inherited from an OpenTelemetry base class, reached through \`const self = this\`, does not throw.
  { code: `
import { InstrumentationBase } from '@opentelemetry/instrumentation';
export class Instrumentation extends InstrumentationBase {
  patch() {
    const self = this;
    return function patched() {
      const span = self.tracer.startSpan('x');
      const { requireParent } = self.getConfig();
      span.setAttribute('parent', requireParent);
      span.end();
    };
  }
}` },
  // Inside an array, a same-file helper's parameter is not the span itself: handed on, not judged.
  { code: `
function endAll(spans) {
  for (const s of spans) s.end();
}
export function both() {
  const span = tracer.startSpan('x');
  endAll([span]);
}` },
  // A helper that ends its parameter in both handlers of the promise chain it returns.
  { code: `
function endWhenSettled(promise, span) {
  return promise.then((value) => { span.end(); return value; }, (error) => { span.end(); throw error; });
}
export function run(p) {
  const span = tracer.startSpan('x');
  return endWhenSettled(p, span);
}` },
  // A helper handed the span calls only the span's own methods, which cannot throw: no exception point.
  { code: `
function recordError(span, err) {
  span.setAttribute('error', true);
  span.setStatus({ code: 2, message: String(err) });
}
export async function run(fn) {
  const span = tracer.startSpan('x');
  let failure;
  try {
    await fn();
  } catch (err) {
    failure = err;
  }
  if (failure !== undefined) recordError(span, failure);
  span.end();
}` },
  // A flag set next to the span's end, in either order, tested as \`=== false\` or negated.
  { code: `
export function layer(res, isRouter, run) {
  const span = tracer.startSpan('layer');
  let ended = false;
  if (isRouter) {
    span.end();
    ended = true;
  }
  const onClose = () => {
    if (ended === false) {
      ended = true;
      span.end();
    }
  };
  try {
    return run();
  } finally {
    if (!ended) res.once('close', onClose);
  }
}` },
  // A helper that returns a closure returning the closure that ends the span: the span goes with it.
  { code: `
function patchCallback(span) {
  return (callback) => function (err) {
    span.end();
    return callback(err);
  };
}
export function query(run) {
  const span = tracer.startSpan('q');
  run(patchCallback(span));
}` },
  // Copying \`arguments\` and searching it with a function that cannot throw.
  { code: `
export function layer() {
  const span = tracer.startSpan('layer');
  const args = Array.from(arguments);
  const index = args.findIndex((arg) => typeof arg === 'function');
  span.setAttribute('callback', index);
  span.end();
}` },
  // The same stable test twice: the span is stored where the first block runs, and ended where it does not.
  { code: `
export function consume(msg, options) {
  const span = tracer.startSpan('process');
  if (!options?.noAck) {
    msg.stored = span;
  }
  if (options?.noAck) {
    span.end();
  }
}` },
  // A same-file helper that hands the span on (to code the rule cannot follow) takes it there.
  { code: `
import { endWhenDone } from './spans';
function handle(span, run) {
  const result = run();
  return endWhenDone(result, span);
}
export function traced(run) {
  const span = tracer.startSpan('x');
  return handle(span, run);
}` },
  // An inherited OpenTelemetry member reached through the instance (\`self._diag.debug\`) does not throw.
  { code: `
import { InstrumentationBase } from '@opentelemetry/instrumentation';
export class Instrumentation extends InstrumentationBase {
  patch() {
    const self = this;
    return function patched() {
      const span = self.tracer.startSpan('x');
      self._diag.debug('patched');
      span.end();
    };
  }
}` },
  // A 'finish' listener with a 'close' listener that ends the span too: a destroyed stream emits 'close'.
  {
    code: `
import type { ServerResponse } from 'node:http';
export function traced(res: ServerResponse) {
  const span = tracer.startSpan('request');
  const end = () => span.end();
  res.once('finish', end);
  res.once('close', end);
}
export function prepended(res: ServerResponse) {
  const span = tracer.startSpan('request');
  res.on('close', () => span.end());
  res.prependOnceListener('finish', () => span.end());
}`,
  },
  // Two listeners that end the span when both run (one event twice, 'end' then 'close'): a second end() does nothing,
  // and instrumentations end a span on whichever comes; no-double-done reports the same shape for a work-queue item.
  {
    code: `
import type { Socket } from 'node:net';
export function twoEndListeners(socket: Socket) {
  const span = tracer.startSpan('read');
  socket.once('end', () => span.end());
  socket.once('end', () => span.end());
}
export function endThenClose(socket: Socket) {
  const span = tracer.startSpan('read');
  socket.once('end', () => span.end());
  socket.once('close', () => span.end());
}`,
  },
  // Listeners removed by another listener: the remover runs only on events a listener releases on, or releases too.
  {
    code: `
import type { Socket } from 'node:net';
export function removedOnReleasingEvents(socket: Socket) {
  const span = tracer.startSpan('tls.connect');
  const onSecure = () => span.end();
  const onError = () => span.end();
  socket.prependOnceListener('secureConnect', onSecure);
  socket.once('error', onError);
  const removeListeners = () => {
    socket.removeListener('secureConnect', onSecure);
    socket.removeListener('error', onError);
  };
  for (const event of ['error', 'secureConnect']) socket.once(event, removeListeners);
}
export function closeReleasesToo(socket: Socket) {
  const span = tracer.startSpan('tls.connect');
  const onSecure = () => span.end();
  socket.prependOnceListener('secureConnect', onSecure);
  socket.once('close', () => span.end());
  const removeListeners = () => socket.removeListener('secureConnect', onSecure);
  socket.once('secureConnect', removeListeners);
  socket.once('close', removeListeners);
}
export function removerReleases(socket: Socket) {
  const span = tracer.startSpan('tls.connect');
  const onSecure = () => span.end();
  socket.once('secureConnect', onSecure);
  socket.once('close', () => {
    socket.removeListener('secureConnect', onSecure);
    span.end();
  });
}`,
  },
  // stream.finished, on-finished and pipeline call back when the stream finishes, errors or closes: a hand-off.
  {
    code: `
import { finished, pipeline } from 'node:stream';
import onFinished from 'on-finished';
import type { ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
export function viaFinished(res: ServerResponse) {
  const span = tracer.startSpan('request');
  finished(res, () => span.end());
}
export function viaOnFinished(res: ServerResponse) {
  const span = tracer.startSpan('request');
  onFinished(res, () => span.end());
}
export function viaPipeline(source: Readable, sink: Writable) {
  const span = tracer.startSpan('copy');
  pipeline(source, sink, () => span.end());
}`,
  },
  // 'finish' with 'error': a stream the code drives itself emits one of them unless that code destroys it without an
  // error (pg-copy-streams' README releases the client so). Only a client-aborted response escapes both: not judged.
  {
    code: `
import type { Writable } from 'node:stream';
export async function copyIn(open: () => Writable) {
  const stream = open();
  const client = await pool.connect();
  stream.on('error', () => client.release());
  stream.on('finish', () => client.release());
}`,
  },
  // A helper whose 'finish' listener ends its parameter hands it on, as before: that leak is not judged across calls.
  {
    code: `
import type { ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
function endOnFinish(res: ServerResponse, span: Span) {
  res.once('finish', () => span.end());
}
export function traced(res: ServerResponse) {
  const span = tracer.startSpan('request');
  endOnFinish(res, span);
}`,
  },
  // A listener for another event ('end' here, mysql's query style) still takes ownership.
  {
    code: `
import type { EventEmitter } from 'node:events';
export function query(q: EventEmitter) {
  const span = tracer.startSpan('query');
  q.on('end', () => span.end());
}`,
  },
  // A 'finish' listener that never ends the span itself only observes it: the end written after it holds.
  {
    code: `
import type { ServerResponse } from 'node:http';
export function observed(res: ServerResponse) {
  const span = tracer.startSpan('request');
  res.on('finish', () => console.log('finished'));
  span.end();
}`,
  },
  // appsignal's bullmq instrumentation: a span started only under a `const` flag, aliased through `??` (and tsc's
  // down-levelled `??`), ended in the callback's `finally` under the same flag: the flag cannot change in between.
  {
    code: `
export async function add(parentContext, parentSpan, flag: boolean) {
  const shouldCreateSpan = flag && tracer !== undefined;
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  const span = childSpan ?? parentSpan;
  return await context.with(parentContext, async () => {
    try {
      return await work();
    } finally {
      if (shouldCreateSpan) span.end();
    }
  });
}`,
  },
  {
    code: `
export async function add(parentSpan, shouldCreateSpan: boolean) {
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  let span = childSpan !== null && childSpan !== void 0 ? childSpan : parentSpan;
  try {
    await work();
  } finally {
    span.end();
  }
}`,
  },
  {
    code: `
export async function add(flag: boolean) {
  const shouldCreateSpan = !flag;
  let childSpan;
  if (!shouldCreateSpan) {
  } else {
    childSpan = tracer.startSpan('add');
  }
  try {
    await work();
  } finally {
    if (shouldCreateSpan) childSpan.end();
  }
}`,
  },
  // A flag written more than once, but only before the test that guards the start: from that test on it holds its
  // last write, so the test around the end agrees with it.
  {
    code: `
export async function add(config: { bulk: boolean }, parentSpan, flag: boolean) {
  let shouldCreateSpan = false;
  if (config.bulk) shouldCreateSpan = flag;
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  const span = childSpan ?? parentSpan;
  try {
    await work();
  } finally {
    if (shouldCreateSpan) span.end();
  }
}`,
  },
  // A conditional acquire is owed only where its branch ran: the releases real tracing code writes for it.
  {
    code: `
export async function optionalChild(shouldTrace: boolean) {
  const span = shouldTrace ? tracer.startSpan('child') : undefined;
  try {
    await work();
  } finally {
    span?.end();
  }
}`,
  },
  {
    code: `
export async function optionalChild(traced: boolean) {
  const span = traced && tracer.startSpan('child');
  try {
    await work();
  } finally {
    span && span.end();
  }
}`,
  },
  {
    code: `
export async function optionalChild(untraced: boolean) {
  const span = untraced ? undefined : tracer.startSpan('child');
  try {
    await work();
  } finally {
    if (!untraced) span.end();
  }
}`,
  },
  {
    code: `
export async function optionalChild(shouldTrace: boolean, sampled: boolean) {
  const span = shouldTrace && sampled ? tracer.startSpan('child') : undefined;
  if (!span) return;
  try {
    await work();
  } finally {
    if (shouldTrace) span.end();
  }
}`,
  },
  {
    code: `
export async function optionalChild(shouldTrace: boolean) {
  let span;
  shouldTrace && (span = tracer.startSpan('child'));
  try {
    await work();
  } finally {
    if (shouldTrace) span.end();
  }
}`,
  },
  // Both branches acquire: one span whichever ran, ended once.
  {
    code: `
export async function connectSpan(secure: boolean) {
  const span = secure ? tracer.startSpan('tls.connect') : tracer.startSpan('tcp.connect');
  try {
    await work();
  } finally {
    span.end();
  }
}`,
  },
  {
    code: `
export async function maybeQuery(enabled: boolean) {
  const client = enabled ? await pool.connect() : null;
  if (!client) return;
  try {
    await client.query('select 1');
  } finally {
    client.release();
  }
}`,
  },
];

const invalid: Invalid[] = [
  // metamask's lookupNetwork (@metamask/controllers 32.0.2): the completion callback given to `sendAsync` runs once,
  // and its early `return` leaves the lock held. Reported at that `return`, where the fix goes.
  {
    code: `
declare const ethQuery: { sendAsync(payload: unknown, cb: (error: unknown, network: unknown) => void): void };
export async function lookupNetwork(state: { network: unknown }) {
  const releaseLock = await mutex.acquire();
  ethQuery.sendAsync({ method: 'net_version' }, (error, network) => {
    if (state.network === network) {
      return;
    }
    state.network = network;
    releaseLock();
  });
}`,
    errors: [
      {
        messageId: 'leakOnCallbackReturn',
        line: 7,
        column: 7,
        data: { resource: 'lock', acquire: 'mutex.acquire()', acquireLine: 4, line: 7, callbackLine: 5, release: 'releaseLock()' },
        suggestions: [],
      },
    ],
  },
  // Every leaking exit of the callback is reported, and the acquiring function's own early return too.
  {
    code: `
import { readFile } from 'node:fs';
export async function both(flag: boolean, other: boolean) {
  const client = await pool.connect();
  if (other) return;
  readFile('x', (err) => {
    if (err) return;
    if (flag) return;
    client.release();
  });
}`,
    errors: [
      // No try/finally fix: its \`finally\` would release before the callback runs.
      { messageId: 'leakOnReturn', line: 5, column: 14, suggestions: [] },
      { messageId: 'leakOnCallbackReturn', line: 7, column: 14, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 4, line: 7, callbackLine: 6, release: 'client.release()' }, suggestions: [] },
      { messageId: 'leakOnCallbackReturn', line: 8, column: 15, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 4, line: 8, callbackLine: 6, release: 'client.release()' }, suggestions: [] },
    ],
  },
  // A path of the callback that ends without releasing: reported at the callback's end.
  {
    code: `
import { readFile } from 'node:fs';
export async function read(path: string) {
  const client = await pool.connect();
  readFile(path, (err, data) => {
    if (!err) {
      client.release();
    }
  });
}`,
    errors: [
      { messageId: 'leakAtCallbackEnd', line: 9, column: 3, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 4, line: 9, callbackLine: 5, release: 'client.release()' }, suggestions: [] },
    ],
  },
  // A call before the release may throw inside the callback: with no explicit exit leaking, the first such call.
  {
    code: `
import { readFile } from 'node:fs';
declare function log(x: unknown): void;
export async function logs() {
  const client = await pool.connect();
  readFile('x', (err) => {
    log(err);
    log(err);
    client.release();
  });
}`,
    errors: [
      {
        messageId: 'leakOnCallbackMayThrow',
        line: 7,
        column: 5,
        data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 5, line: 7, callbackLine: 6, release: 'client.release()', expression: 'log(err)' },
        suggestions: [],
      },
    ],
  },
  // A timer's callback runs once too: its early \`return\` is the leak, not the end of the function that set it.
  {
    code: `
export async function later(flag: boolean) {
  const client = await pool.connect();
  setTimeout(() => {
    if (flag) return;
    client.release();
  }, 10);
}`,
    errors: [
      { messageId: 'leakOnCallbackReturn', line: 5, column: 15, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 3, line: 5, callbackLine: 4, release: 'client.release()' }, suggestions: [] },
    ],
  },
  // So does a promise executor, and an explicit \`throw\` in it is its own exit.
  {
    code: `
export async function settle(flag: boolean) {
  const client = await pool.connect();
  await new Promise<void>((resolve) => {
    if (flag) throw new Error('no');
    client.release();
    resolve();
  });
}`,
    errors: [
      { messageId: 'leakOnCallbackThrow', line: 5, column: 15, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 3, line: 5, callbackLine: 4, release: 'client.release()' }, suggestions: [] },
    ],
  },
  // A completion callback that releases on every path releases: a release after it is a second one.
  {
    code: `
import { readFile } from 'node:fs';
export async function twice() {
  const client = await pool.connect();
  readFile('x', (err) => {
    client.release();
  });
  client.release();
}`,
    errors: [{ messageId: 'doubleRelease', line: 8, column: 3, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 4, release: 'client.release()' } }],
  },
  // A rejected commit in the \`finally\` skips the release after it (postgraphile 4.3.1, fixed in graphile/crystal#978):
  // reported on the commit, with no try/finally fix (the release is in one already).
  {
    code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function transaction(work) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    return await work(client);
  } finally {
    await client.query('commit');
    client.release();
  }
}`,
    errors: [{ messageId: 'leakOnMayThrowInFinally', line: 10, column: 5, suggestions: [] }],
  },
  // A closure stored on the resource itself does not outlive it: the client is still owed.
  {
    code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function tagged() {
  const client = await pool.connect();
  client.describe = () => client.processID;
  await client.query('select 1');
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 8,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
import { Pool } from 'pg';
const pool = new Pool();
export async function tagged() {
  const client = await pool.connect();
  try {
    client.describe = () => client.processID;
    await client.query('select 1');
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // instrumentation-express's shape: a release-once 'finish' listener (\`if (ended === false) { ended = true; … }\`)
  // registered only when the span is not ended yet leaks if the response is destroyed, and is no second release.
  {
    code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function layer(res, router) {
  const span = tracer.startSpan('layer');
  let ended = false;
  if (router) {
    span.end();
    ended = true;
  }
  const onFinish = () => {
    if (ended === false) {
      ended = true;
      span.end();
    }
  };
  if (!ended) res.once('finish', onFinish);
}`,
    errors: [{ messageId: 'leakUnlessFinished', line: 17, column: 15, suggestions: [] }],
  },
  // A span ended only by a 'finish' listener: an aborted response is destroyed, emits 'close', never 'finish'.
  {
    code: `
import type { ServerResponse } from 'node:http';
export function traced(res: ServerResponse) {
  const span = tracer.startSpan('request');
  res.once('finish', () => span.end());
}`,
    errors: [{ messageId: 'leakUnlessFinished', line: 5, column: 3, data: { resource: 'span', acquire: "tracer.startSpan('request')", acquireLine: 4, line: 5 }, suggestions: [] }],
  },
  // net's TLS span: the 'close' listener removes the listeners that end it, so a socket closed before the handshake
  // without an error (destroy()) never ends it.
  {
    code: `
import type { Socket } from 'node:net';
export function tlsSpan(socket: Socket) {
  const span = tracer.startSpan('tls');
  const onSecure = () => span.end();
  const onError = () => span.end();
  socket.prependOnceListener('secureConnect', onSecure);
  socket.once('error', onError);
  const removeListeners = () => {
    socket.removeListener('secureConnect', onSecure);
    socket.removeListener('error', onError);
  };
  for (const event of ['close', 'error', 'secureConnect']) socket.once(event, removeListeners);
}`,
    errors: [
      {
        messageId: 'leakOnRemovedListener',
        line: 7,
        column: 3,
        data: { resource: 'span', acquire: "tracer.startSpan('tls')", acquireLine: 4, line: 7, event: 'close', handlerLine: 13 },
        suggestions: [],
      },
    ],
  },
  // The same with the remover written in place and removing with \`off\`.
  {
    code: `
import type { Socket } from 'node:net';
export function removed(socket: Socket) {
  const span = tracer.startSpan('connect');
  const end = () => span.end();
  socket.on('connect', end);
  socket.once('close', () => socket.off('connect', end));
}`,
    errors: [
      {
        messageId: 'leakOnRemovedListener',
        line: 6,
        column: 3,
        data: { resource: 'span', acquire: "tracer.startSpan('connect')", acquireLine: 4, line: 6, event: 'close', handlerLine: 7 },
        suggestions: [],
      },
    ],
  },
  // Two removable 'end' listeners that end the span: a stream closed first runs neither (reported on the first), one
  // that ends runs both, and a second end() does nothing (no double release, as it is for a work-queue item).
  {
    code: `
import type { Socket } from 'node:net';
export function twoRemovable(socket: Socket) {
  const span = tracer.startSpan('read');
  const first = () => span.end();
  socket.once('end', first);
  socket.once('close', () => socket.removeListener('end', first));
  const second = () => span.end();
  socket.once('end', second);
  socket.once('close', () => socket.removeListener('end', second));
}`,
    errors: [
      {
        messageId: 'leakOnRemovedListener',
        line: 6,
        column: 3,
        data: { resource: 'span', acquire: "tracer.startSpan('read')", acquireLine: 4, line: 6, event: 'close', handlerLine: 7 },
        suggestions: [],
      },
    ],
  },
  // A release after a 'finish' listener that releases: the stream finishes later and ends the span a second time.
  {
    code: `
import type { ServerResponse } from 'node:http';
export function twice(res: ServerResponse) {
  const span = tracer.startSpan('request');
  res.on('finish', () => span.end());
  span.end();
}`,
    errors: [{ messageId: 'doubleRelease', line: 6, column: 3, suggestions: [] }],
  },
  // The express instrumentation's shape: a release-once closure, registered for 'finish' only, in a finally.
  {
    code: `
import type { ServerResponse } from 'node:http';
export function layer(res: ServerResponse, original: () => unknown) {
  const span = tracer.startSpan('middleware');
  let ended = false;
  const onFinish = () => {
    if (!ended) {
      ended = true;
      span.end();
    }
  };
  try {
    return original();
  } finally {
    res.once('finish', onFinish);
  }
}`,
    errors: [{ messageId: 'leakUnlessFinished', line: 15, column: 5, suggestions: [] }],
  },
  // A helper that only reads the span does not take it: the caller still owes the end.
  {
    code: `
function describe(span) {
  return span.name;
}
export function traced() {
  const span = tracer.startSpan('x');
  return describe(span);
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 7,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
function describe(span) {
  return span.name;
}
export function traced() {
  const span = tracer.startSpan('x');
  try {
    return describe(span);
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // A different test says nothing about the first: the span may be neither stored nor ended.
  {
    code: `
export function consume(msg, options) {
  const span = tracer.startSpan('process');
  if (!options?.noAck) {
    msg.stored = span;
  }
  if (options?.other) {
    span.end();
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 10 }],
  },
  // The span's methods are known; another method of the same parameter is not.
  {
    code: `
function record(span, err) {
  span.setStatus({ code: 2 });
  span.explode(err);
}
export function run() {
  const span = tracer.startSpan('x');
  record(span, 1);
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 8,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
function record(span, err) {
  span.setStatus({ code: 2 });
  span.explode(err);
}
export function run() {
  const span = tracer.startSpan('x');
  try {
    record(span, 1);
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // With an argument `toString` is another method: `Number#toString(radix)` throws a RangeError.
  {
    code: `
export function hex(value: any, radix: number) {
  const span = tracer.startSpan('hex');
  span.setAttribute('value', value.toString(radix));
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export function hex(value: any, radix: number) {
  const span = tracer.startSpan('hex');
  try {
    span.setAttribute('value', value.toString(radix));
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // A release that does not set the flag: the release-once closure then releases again.
  {
    code: `
export async function run() {
  const client = await pool.connect();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    client.release();
  };
  try {
    await client.query('select 1');
    client.release();
  } finally {
    release();
  }
}`,
    errors: [{ messageId: 'doubleRelease', line: 14, column: 5, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 3, release: 'client.release()' } }],
  },
  // Only one of the two tested signals is checked: when only \`retire\` is aborted the block falls through.
  {
    code: `
export async function query(signal: AbortSignal | undefined, retire: AbortSignal | undefined) {
  const client = await pool.connect();
  if (signal?.aborted || retire?.aborted) {
    client.release();
    signal?.throwIfAborted();
  }
  try {
    return await client.query('select 1');
  } finally {
    client.release();
  }
}`,
    errors: [{ messageId: 'doubleRelease', line: 11, column: 5, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 3, release: 'client.release()' } }],
  },
  // The signal's throwIfAborted() throws while the client is held: a leak on that path.
  {
    code: `
export async function query(signal: AbortSignal) {
  const client = await pool.connect();
  if (signal.aborted) {
    signal.throwIfAborted();
  }
  client.release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function query(signal: AbortSignal) {
  const client = await pool.connect();
  try {
    if (signal.aborted) {
      signal.throwIfAborted();
    }
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // Iterating a value the rule knows nothing about may throw (a generator, a custom iterable).
  {
    code: `
function watch(socket, events) {
  for (const event of events) socket.once(event, () => {});
}
export function connect(socket, events) {
  const span = tracer.startSpan('connect');
  watch(socket, events);
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 7,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
function watch(socket, events) {
  for (const event of events) socket.once(event, () => {});
}
export function connect(socket, events) {
  const span = tracer.startSpan('connect');
  try {
    watch(socket, events);
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // Recording is the case that must end the span.
  {
    code: `
export function maybe(flag) {
  const span = tracer.startSpan('x');
  if (span.isRecording() && flag) return;
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 4,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export function maybe(flag) {
  const span = tracer.startSpan('x');
  try {
    if (span.isRecording() && flag) return;
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // A flag set without a release says nothing about the client.
  {
    code: `
export async function run(signal) {
  const client = await pool.connect();
  let dropped = false;
  const drop = () => {
    dropped = true;
  };
  signal?.addEventListener('abort', drop, { once: true });
  try {
    return await client.query('select 1');
  } finally {
    if (!dropped) client.release();
  }
}`,
    errors: [{ messageId: 'leakOnReturn', line: 10 }],
  },
  // The class declares getConfig itself, and its body may throw: not OpenTelemetry's.
  {
    code: `
import { InstrumentationBase } from '@opentelemetry/instrumentation';
export class Instrumentation extends InstrumentationBase {
  getConfig() {
    return JSON.parse(this.raw);
  }
  patch() {
    const self = this;
    return function patched() {
      const span = self.tracer.startSpan('x');
      const { requireParent } = self.getConfig();
      span.setAttribute('parent', requireParent);
      span.end();
    };
  }
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 11,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
import { InstrumentationBase } from '@opentelemetry/instrumentation';
export class Instrumentation extends InstrumentationBase {
  getConfig() {
    return JSON.parse(this.raw);
  }
  patch() {
    const self = this;
    return function patched() {
      const span = self.tracer.startSpan('x');
      try {
        const { requireParent } = self.getConfig();
        span.setAttribute('parent', requireParent);
      } finally {
        span.end();
      }
    };
  }
}`,
          },
        ],
      },
    ],
  },
  // context.with runs its callback, and the callback's exceptions pass through: the span stays open.
  {
    code: `
declare function risky(): number;
export function traced() {
  const span = tracer.startSpan('op');
  const result = context.with(trace.setSpan(context.active(), span), () => risky());
  span.end();
  return result;
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
declare function risky(): number;
export function traced() {
  const span = tracer.startSpan('op');
  try {
    const result = context.with(trace.setSpan(context.active(), span), () => risky());
    return result;
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // Without preventThrowingError, safeExecuteInTheMiddle rethrows what execute threw, after onFinish.
  {
    code: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
declare function risky(): number;
export function hooked() {
  const span = tracer.startSpan('op');
  safeExecuteInTheMiddle(() => risky(), () => {});
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 6,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
declare function risky(): number;
export function hooked() {
  const span = tracer.startSpan('op');
  try {
    safeExecuteInTheMiddle(() => risky(), () => {});
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // With it, what onFinish throws still passes.
  {
    code: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
declare function risky(): number;
export function hooked() {
  const span = tracer.startSpan('op');
  safeExecuteInTheMiddle(() => risky(), (error) => {
    if (error) throw error;
  }, true);
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 6,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
declare function risky(): number;
export function hooked() {
  const span = tracer.startSpan('op');
  try {
    safeExecuteInTheMiddle(() => risky(), (error) => {
      if (error) throw error;
    }, true);
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // The typeof test the wrong way round: the helper returns, without ending it, exactly when there is a span.
  {
    code: `
function endSpan(span) {
  if (typeof span !== 'undefined') return;
  span.end();
}
export function traced() {
  const span = tracer.startSpan('op');
  endSpan(span);
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 9, column: 1, suggestions: [] }],
  },
  // A helper that tests another value than the span does not end it on every path that holds it.
  {
    code: `
function finish(span, ok) {
  if (ok) span.end();
}
export function traced(ok) {
  const span = tracer.startSpan('op');
  finish(span, ok);
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 8, column: 1, suggestions: [] }],
  },
  // pg, like graphile/crystal#978: the client goes back only when the query succeeds.
  {
    code: `
export async function find(id: string) {
  const client = await pool.connect();
  const result = await client.query('select * from jobs where id = $1', [id]);
  client.release();
  return result.rows;
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 18,
        data: {
          resource: 'client',
          acquire: 'pool.connect()',
          acquireLine: 3,
          line: 4,
          expression: "await client.query('select * …",
          release: 'client.release()',
          anchor: 'it is acquired',
        },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function find(id: string) {
  const client = await pool.connect();
  try {
    const result = await client.query('select * from jobs where id = $1', [id]);
    return result.rows;
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // pg, an early return before the release (langchainjs#3003 shape).
  {
    code: `
export async function maybe(id: string) {
  const client = await pool.connect();
  try {
    if (!id) return [];
    const result = await client.query('select 1');
    client.release();
    return result.rows;
  } catch (error) {
    client.release();
    throw error;
  }
}`,
    errors: [{ messageId: 'leakOnReturn', line: 5, column: 14 }],
  },
  // pg: releasing twice on a path — pg throws "Release called on client which has already been released".
  {
    code: `
export async function twice() {
  const client = await pool.connect();
  try {
    await client.query('select 1');
    client.release();
  } finally {
    client.release();
  }
}`,
    errors: [{ messageId: 'doubleRelease', line: 8, column: 5, data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 3, release: 'client.release()' } }],
  },
  // async-mutex, like MetaMask/core#195: the lock is released only when the work succeeds — a deadlock on error.
  {
    code: `
export async function locked() {
  const release = await mutex.acquire();
  await work();
  release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function locked() {
  const release = await mutex.acquire();
  try {
    await work();
  } finally {
    release();
  }
}`,
          },
        ],
      },
    ],
  },
  // async-mutex: the bare form with an early return.
  {
    code: `
export async function bare(skip: boolean) {
  await mutex.acquire();
  if (skip) return;
  mutex.release();
}`,
    errors: [{ messageId: 'leakOnReturn', line: 4, column: 13 }],
  },
  // A semaphore permit never released.
  {
    code: `
export async function permits() {
  const [, release] = await semaphore.acquire();
  await work();
}`,
    errors: [
      {
        messageId: 'leakAtFunctionEnd',
        line: 5,
        column: 1,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function permits() {
  const [, release] = await semaphore.acquire();
  try {
    await work();
  } finally {
    release();
  }
}`,
          },
        ],
      },
    ],
  },
  // pg: the commonest bug, a client released only on success; the suggestion moves the release into a finally.
  {
    code: `
export async function rows() {
  const client = await pool.connect();
  const result = await client.query('select 1');
  client.release();
  return result.rows;
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 18,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function rows() {
  const client = await pool.connect();
  try {
    const result = await client.query('select 1');
    return result.rows;
  } finally {
    client.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // async-mutex: the lock released only on success.
  {
    code: `
export async function guarded() {
  const release = await mutex.acquire();
  await work();
  release();
  return 1;
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function guarded() {
  const release = await mutex.acquire();
  try {
    await work();
    return 1;
  } finally {
    release();
  }
}`,
          },
        ],
      },
    ],
  },
  // generic-pool: released only on success.
  {
    code: `
export async function use() {
  const resource = await resourcePool.acquire();
  await work(resource);
  await resourcePool.release(resource);
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function use() {
  const resource = await resourcePool.acquire();
  try {
    await work(resource);
  } finally {
    resourcePool.release(resource);
  }
}`,
          },
        ],
      },
    ],
  },
  // Web Streams: an early return out of the read loop keeps the stream locked.
  {
    code: `
export async function firstChunk() {
  const reader = stream.getReader();
  const { done, value } = await reader.read();
  if (done) return undefined;
  reader.releaseLock();
  return value;
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 5,
        column: 13,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function firstChunk() {
  const reader = stream.getReader();
  try {
    const { done, value } = await reader.read();
    if (done) return undefined;
    return value;
  } finally {
    reader.releaseLock();
  }
}`,
          },
        ],
      },
    ],
  },
  // Web Streams: cancel() after releaseLock() rejects (the reader has no stream): a double release.
  {
    code: `
export function drop() {
  const reader = stream.getReader();
  try {
    reader.releaseLock();
  } finally {
    void reader.cancel();
  }
}`,
    errors: [{ messageId: 'doubleRelease', line: 7, column: 10, suggestions: [] }],
  },
  // Web Streams: a stream whose source does not touch the reader does not own it.
  {
    code: `
export function unrelated(): ReadableStream<number> {
  const reader = stream.getReader();
  return new ReadableStream<number>({
    pull(controller) {
      controller.enqueue(1);
    },
  });
}`,
    errors: [
      {
        messageId: 'leakOnReturn',
        line: 4,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export function unrelated(): ReadableStream<number> {
  const reader = stream.getReader();
  try {
    return new ReadableStream<number>({
      pull(controller) {
        controller.enqueue(1);
      },
    });
  } finally {
    reader.releaseLock();
  }
}`,
          },
        ],
      },
    ],
  },
  // A variable of the same function reassigned is no store that outlives it.
  {
    code: `
export async function reassigned() {
  let c: PoolClient;
  c = await pool.connect();
  await c.query('SELECT 1');
  c.release();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 5,
        column: 3,
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function reassigned() {
  let c: PoolClient;
  c = await pool.connect();
  try {
    await c.query('SELECT 1');
  } finally {
    c.release();
  }
}`,
          },
        ],
      },
    ],
  },
  // OpenTelemetry, like dd-trace-js#4352: a span that does not end when the work throws.
  {
    code: `
export async function traced() {
  const span = tracer.startSpan('work');
  await work();
  span.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        data: {
          resource: 'span',
          acquire: "tracer.startSpan('work')",
          acquireLine: 3,
          line: 4,
          expression: 'await work()',
          release: 'span.end()',
          anchor: 'it is acquired',
        },
        suggestions: [
          {
            messageId: 'wrapInTryFinally',
            output: `
export async function traced() {
  const span = tracer.startSpan('work');
  try {
    await work();
  } finally {
    span.end();
  }
}`,
          },
        ],
      },
    ],
  },
  // OpenTelemetry: inside a startActiveSpan callback the span must end on every path too.
  {
    code: `
export function active(flag: boolean) {
  return tracer.startActiveSpan('op', (span) => {
    if (flag) return 1;
    span.end();
    return 2;
  });
}`,
    errors: [{ messageId: 'leakOnReturn', line: 4, column: 15, data: { resource: 'span', acquire: 'tracer.startActiveSpan(…)', acquireLine: 3, line: 4, release: 'span.end()', anchor: 'it is acquired', expression: 'return 1;' } }],
  },
  // A discarded acquire: the client can never be released.
  {
    code: `
export async function lost() {
  await pool.connect();
}`,
    errors: [{ messageId: 'discardedAcquire', line: 3, column: 9, data: { resource: 'client', acquire: 'pool.connect()' } }],
  },
  // The nearest real leaks of the shape above: the flag written again, the variable written twice, the test
  // inverted, no end at all.
  {
    code: `
export async function add(parentSpan, flag: boolean) {
  let shouldCreateSpan = flag;
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  shouldCreateSpan = false;
  const span = childSpan ?? parentSpan;
  try {
    await work();
  } finally {
    if (shouldCreateSpan) span.end();
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 15, column: 1 }],
  },
  // Written in a loop, between the guard of one iteration's start and the test around its end.
  {
    code: `
export async function each(items: number[]) {
  let shouldCreateSpan = false;
  for (const item of items) {
    let childSpan;
    if (shouldCreateSpan) childSpan = tracer.startSpan('item');
    shouldCreateSpan = item > 0;
    try {
      await work(item);
    } finally {
      if (shouldCreateSpan) childSpan.end();
    }
  }
}`,
    errors: [
      { messageId: 'leakAtIterationEnd', line: 13, column: 3 },
      { messageId: 'leakAtFunctionEnd', line: 14, column: 1 },
    ],
  },
  // Written only before the guard, but by a closure that may run at any time.
  {
    code: `
export async function add(flag: boolean) {
  let shouldCreateSpan = flag;
  const stop = () => {
    shouldCreateSpan = false;
  };
  let childSpan;
  if (shouldCreateSpan) childSpan = tracer.startSpan('add');
  try {
    await work(stop);
  } finally {
    if (shouldCreateSpan) childSpan.end();
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 14, column: 1 }],
  },
  {
    code: `
export async function add(parentSpan, shouldCreateSpan: boolean, other: boolean) {
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  if (other) childSpan = tracer.startSpan('other');
  const span = childSpan ?? parentSpan;
  try {
    await work();
  } finally {
    if (shouldCreateSpan) span.end();
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 14, column: 1 }],
  },
  {
    code: `
export async function add(parentSpan, shouldCreateSpan: boolean) {
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  const span = childSpan ?? parentSpan;
  try {
    await work();
  } finally {
    if (!shouldCreateSpan) span.end();
  }
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 13, column: 1 }],
  },
  {
    code: `
export async function add(parentSpan, shouldCreateSpan: boolean) {
  let childSpan;
  if (shouldCreateSpan) {
    childSpan = tracer.startSpan('add');
  }
  const span = childSpan ?? parentSpan;
  await work();
  span.setAttribute('done', true);
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 10, column: 1 }],
  },
  // A conditional acquire not released on some path of the branch that acquired.
  {
    code: `
export async function optionalChild(shouldTrace: boolean) {
  const span = shouldTrace ? tracer.startSpan('child') : undefined;
  await work();
  span?.end();
}`,
    errors: [
      {
        messageId: 'leakOnMayThrow',
        line: 4,
        column: 3,
        data: { resource: 'span', acquire: "tracer.startSpan('child')", acquireLine: 3, line: 4, expression: 'await work()', release: 'span.end()', anchor: 'it is acquired' },
      },
    ],
  },
  {
    code: `
export async function optionalChild(shouldTrace: boolean, other: boolean) {
  const span = shouldTrace ? tracer.startSpan('child') : undefined;
  if (other) span.end();
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 5, column: 1 }],
  },
  {
    code: `
export async function optionalChild(flag: boolean) {
  let traced = flag;
  const span = traced && tracer.startSpan('child');
  traced = false;
  if (traced) span.end();
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 7, column: 1 }],
  },
  {
    code: `
export async function maybeQuery(enabled: boolean) {
  const client = enabled ? await pool.connect() : null;
  if (!client) return;
  await client.query('select 1');
}`,
    errors: [{ messageId: 'leakAtFunctionEnd', line: 6, column: 1 }],
  },
  // One report for the span of either branch, not one per branch.
  {
    code: `
export async function connectSpan(secure: boolean) {
  const span = secure ? tracer.startSpan('tls.connect') : tracer.startSpan('tcp.connect');
  await work();
  span.end();
}`,
    errors: [{ messageId: 'leakOnMayThrow', line: 4, column: 3 }],
  },
];

typedTester.run('require-release (typed, real package types)', rule, {
  valid: valid.map(typed),
  invalid: invalid.map(typed),
});

// Without type information the presets match receivers by name (pool, mutex, semaphore, stream, tracer…) in a file
// that imports the preset's package. The imports go last, so the line numbers stay.
const EVIDENCE = `\nimport 'pg'; import 'async-mutex'; import 'generic-pool'; import '@opentelemetry/api';\n`;
const untypedValid = valid.map(withStreams).map((test) => ({
  ...test,
  code: test.code.replace(/: ReadableStream<Uint8Array>|: \{ release\(\): void \}|: string|: boolean|: Uint8Array\[\]/g, '') + EVIDENCE,
}));
const untypedInvalid = invalid.map(withStreams).map((test) => ({
  ...test,
  code: test.code.replace(/: string|: boolean/g, '') + EVIDENCE,
  errors: test.errors.map((error) => {
    const { suggestions } = error;
    // Untyped, the messages are the same; the data is asserted by the typed run.
    const rest = Object.fromEntries(Object.entries(error).filter(([key]) => key !== 'data' && key !== 'suggestions'));
    return {
      ...(rest as typeof error),
      ...(error.column !== undefined && /: (string|boolean)/.test(test.code.split('\n')[(error.line ?? 1) - 1] ?? '')
        ? { column: error.column - (/: string/.test(test.code.split('\n')[(error.line ?? 1) - 1] ?? '') ? 8 : 9) }
        : {}),
      suggestions: suggestions?.map((suggestion) => ({ ...suggestion, output: suggestion.output.replace(/: string|: boolean/g, '') + EVIDENCE })),
    };
  }),
}));
untypedTester.run('require-release (untyped)', rule, { valid: untypedValid, invalid: untypedInvalid });

untypedTester.run('require-release (untyped, evidence)', rule, {
  valid: [
    // A receiver named pool in a file that imports no pool package: another library's object, not reported.
    `
export async function other(pool) {
  const conn = await pool.connect();
  await conn.query('x');
}`,
    // A name that only ends like one (\`shipPool\`, \`bigPool\`) is no evidence without the import.
    `
export async function other(shipPool, bigPool) {
  const a = await shipPool.connect();
  const b = await bigPool.connect();
  await a.query(b);
}`,
    // The same for a tracer and a mutex.
    `
export function spans(tracer, mutex) {
  const span = tracer.startSpan('x');
  void mutex.acquire();
  return span.name;
}`,
  ],
  invalid: [
    // drizzle's node-postgres adapter takes a pg Pool: a file that imports it works with pg's pools (a known leak in
    // @payloadcms/db-postgres: the client is checked out, given an 'error' listener, and never released).
    {
      code: `
import { drizzle } from 'drizzle-orm/node-postgres';
export async function connect({ pool }) {
  const client = await pool.connect();
  client.prependListener('error', () => {});
  return drizzle(pool);
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 6,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
import { drizzle } from 'drizzle-orm/node-postgres';
export async function connect({ pool }) {
  const client = await pool.connect();
  try {
    client.prependListener('error', () => {});
    return drizzle(pool);
  } finally {
    client.release();
  }
}`,
            },
          ],
        },
      ],
    },
    // A pool named for pg (\`pgPool\`, \`rootPgPool\`) is evidence by itself: code that is handed its pool (compiled
    // JavaScript, an options object) imports nothing of pg (postgraphile 4.3.1 took its pgPool from its options).
    {
      code: `
export async function withContext({ rootPgPool }, callback) {
  const pgClient = await rootPgPool.connect();
  const result = await callback(pgClient);
  pgClient.release();
  return result;
}`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 4,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
export async function withContext({ rootPgPool }, callback) {
  const pgClient = await rootPgPool.connect();
  try {
    const result = await callback(pgClient);
    return result;
  } finally {
    pgClient.release();
  }
}`,
            },
          ],
        },
      ],
    },
    // A require() is evidence too.
    {
      code: `
const { Pool } = require('pg');
export async function leak(pool) {
  const client = await pool.connect();
  await client.query('x');
}`,
      errors: [
        {
          messageId: 'leakAtFunctionEnd',
          line: 6,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
const { Pool } = require('pg');
export async function leak(pool) {
  const client = await pool.connect();
  try {
    await client.query('x');
  } finally {
    client.release();
  }
}`,
            },
          ],
        },
      ],
    },
    // A private field named like a mutex, in a file that imports async-mutex.
    {
      code: `
import { Mutex } from 'async-mutex';
export class Nonces {
  #mutex = new Mutex();
  async next(skip) {
    const release = await this.#mutex.acquire();
    if (skip) return 0;
    release();
    return 1;
  }
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 7,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
import { Mutex } from 'async-mutex';
export class Nonces {
  #mutex = new Mutex();
  async next(skip) {
    const release = await this.#mutex.acquire();
    try {
      if (skip) return 0;
      return 1;
    } finally {
      release();
    }
  }
}`,
            },
          ],
        },
      ],
    },
    // A tracer made in place, as compiled code writes it (\`api_1.trace.getTracer(…)\`): a tracer by construction.
    {
      code: `
const api_1 = require('@opentelemetry/api');
exports.sendError = function sendError(error, fn) {
  return api_1.trace.getTracer('appsignal').startActiveSpan('error', (span) => {
    fn(span);
    span.end();
  });
};`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 5,
          suggestions: [],
        },
      ],
    },
    // A helper named for the factory (traceloop's \`const getTracer = () => trace.getTracer(NAME)\`).
    {
      code: `
import { trace } from '@opentelemetry/api';
const getTracer = () => trace.getTracer('sdk');
export function withLLMCall(fn) {
  const span = getTracer().startSpan('llm');
  const res = fn(span);
  return res.then((value) => {
    span.end();
    return value;
  });
}`,
      errors: [{ messageId: 'leakOnRejection', line: 7, suggestions: [] }],
    },
  ],
});

// Compiled JavaScript whose own declaration file (tsc's `.d.ts` beside the `.js`) imports pg: tsc erased the source's
// `import type { Pool } from 'pg'` from the JavaScript, so the declaration file is the evidence (a known leak in
// @lucia-auth/adapter-postgresql 2.0.0). The declaration files are in fixture/declaration-evidence; each case's code
// stands for the `.js` beside one of them.
const declared = (name: string): string => path.join(fixtureDir, 'declaration-evidence', name);
const transactionHelper = `
export const adapter = (pool) => {
  const transaction = async (execute) => {
    const connection = await pool.connect();
    try {
      await connection.query('BEGIN');
      await execute(connection);
      await connection.query('COMMIT');
    } catch (e) {
      connection.query('ROLLBACK');
      throw e;
    }
  };
  return transaction;
};`;
const transactionHelperReleased = `
export const adapter = (pool) => {
  const transaction = async (execute) => {
    const connection = await pool.connect();
    try {
      try {
        await connection.query('BEGIN');
        await execute(connection);
        await connection.query('COMMIT');
      } catch (e) {
        connection.query('ROLLBACK');
        throw e;
      }
    } finally {
      connection.release();
    }
  };
  return transaction;
};`;
const onRethrow = [
  {
    messageId: 'leakOnThrow' as const,
    line: 11,
    column: 7,
    suggestions: [{ messageId: 'wrapInTryFinally' as const, output: transactionHelperReleased }],
  },
];
untypedTester.run('require-release (untyped, declaration evidence)', rule, {
  valid: [
    // The declaration file mentions pg only in its documentation.
    { filename: declared('documented.js'), code: transactionHelper },
    // It imports another library's pool.
    { filename: declared('other.js'), code: transactionHelper },
    // `.d.ts` is the declaration of a `.js` only: `adapter.mjs` would have `adapter.d.mts`.
    { filename: declared('adapter.mjs'), code: transactionHelper },
    // No declaration file beside the JavaScript.
    { filename: declared('undeclared.js'), code: transactionHelper },
    // A TypeScript source's imports are its own: `adapter.d.ts` is no declaration of `adapter.ts`'s code.
    { filename: declared('adapter.ts'), code: transactionHelper },
    // The released form stays clean with the evidence.
    { filename: declared('adapter.js'), code: transactionHelperReleased },
  ],
  invalid: [
    // `import type { Pool } from "pg"` in adapter.d.ts.
    { filename: declared('adapter.js'), code: transactionHelper, errors: onRethrow },
    // `pool: import("pg").Pool`, tsc's inline name for an inferred type.
    { filename: declared('inferred.js'), code: transactionHelper, errors: onRethrow },
    // ES module output: `.d.mts` beside `.mjs`.
    { filename: declared('module.mjs'), code: transactionHelper, errors: onRethrow },
  ],
});

// CommonJS, as tsc writes it: the OpenTelemetry API required into a const cannot throw either.
untypedTester.run('require-release (untyped, OpenTelemetry required)', rule, {
  valid: [
    {
      code: `
const api_1 = require('@opentelemetry/api');
const { trace } = __importStar(require('@opentelemetry/api'));
exports.handle = function handle(instrumentation, next) {
  const span = instrumentation.tracer.startSpan('layer');
  const parent = api_1.context.active();
  trace.setSpan(parent, span);
  span.end();
  return next();
};`,
    },
    {
      // A method inherited from \`instrumentation_1.InstrumentationBase\` (CommonJS) does not throw.
      code: `
const api_1 = require('@opentelemetry/api');
const instrumentation_1 = require('@opentelemetry/instrumentation');
class Instrumentation extends instrumentation_1.InstrumentationBase {
  patch(original) {
    const instrumentation = this;
    return function patched() {
      const span = instrumentation.tracer.startSpan('x');
      const { hook } = instrumentation.getConfig();
      span.end();
      return original.call(this, hook);
    };
  }
}
exports.Instrumentation = Instrumentation;`,
    },
  ],
  invalid: [
    {
      // Another package required the same way is still a library that may throw.
      code: `
const api_1 = require('@opentelemetry/api');
const other = require('other-lib');
exports.handle = function handle(instrumentation) {
  const span = instrumentation.tracer.startSpan('layer');
  other.context.active();
  span.end();
};`,
      errors: [{ messageId: 'leakOnMayThrow', line: 6, suggestions: [{ messageId: 'wrapInTryFinally', output: `
const api_1 = require('@opentelemetry/api');
const other = require('other-lib');
exports.handle = function handle(instrumentation) {
  const span = instrumentation.tracer.startSpan('layer');
  try {
    other.context.active();
  } finally {
    span.end();
  }
};` }] }],
    },
  ],
});

// nice-grpc-opentelemetry's src/client.ts, reduced: without types, a TypeScript source's \`methodPath: string\` makes
// \`methodPath.split('/')\` a string method that cannot throw, and its result an array whose destructuring cannot
// either, so the generator ends the span it is handed on every path.
untypedTester.run('require-release (untyped, a parameter declared string)', rule, {
  valid: [
    { code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
function methodAttributes(methodPath: string) {
  const [, service, method] = methodPath.split('/');
  return { service, method };
}
async function* middleware(span, call) {
  span.setAttributes(methodAttributes(call.method.path));
  try {
    return yield* call.next();
  } finally {
    span.end();
  }
}
export function client(call) {
  return tracer.startActiveSpan('rpc', (span) => {
    return middleware(span, call);
  });
}` },
    {
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export function label(name: string) {
  const span = tracer.startSpan('x');
  const [first] = name.split('.');
  span.end();
  return first;
}`,
    },
  ],
  invalid: [
    {
      // Unannotated (or optional, which may be undefined) the receiver is unknown: its \`split\` may throw before the
      // generator's \`try\`, so the hand-off is not taken.
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
function methodAttributes(methodPath) {
  const [, service, method] = methodPath.split('/');
  return { service, method };
}
async function* middleware(span, call) {
  span.setAttributes(methodAttributes(call.method.path));
  try {
    return yield* call.next();
  } finally {
    span.end();
  }
}
export function client(call) {
  return tracer.startActiveSpan('rpc', (span) => {
    return middleware(span, call);
  });
}`,
      errors: [{ messageId: 'leakOnReturn', line: 18, column: 5 }],
    },
    {
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
function methodAttributes(methodPath?: string) {
  const [, service, method] = methodPath.split('/');
  return { service, method };
}
async function* middleware(span, call) {
  span.setAttributes(methodAttributes(call.method.path));
  try {
    return yield* call.next();
  } finally {
    span.end();
  }
}
export function client(call) {
  return tracer.startActiveSpan('rpc', (span) => {
    return middleware(span, call);
  });
}`,
      errors: [{ messageId: 'leakOnReturn', line: 18, column: 5 }],
    },
  ],
});

typedTester.run('require-release (custom pairs, typed)', rule, {
  valid: [
    {
      code: `
interface Db { getConnection(): Promise<Connection> }
interface Connection { close(): void; run(sql: string): Promise<void> }
declare const db: Db;
export async function ok() {
  const conn = await db.getConnection();
  try {
    await conn.run('x');
  } finally {
    conn.close();
  }
}`,
      options: [{ presets: [], pairs: [{ name: 'connection', acquire: { method: 'getConnection', types: [{ from: 'file', name: 'Db' }] }, release: { resourceMethods: ['close'] } }] }],
    },
  ],
  invalid: [
    {
      code: `
interface Db { getConnection(): Promise<Connection> }
interface Connection { close(): void; run(sql: string): Promise<void> }
declare const db: Db;
export async function leaky() {
  const conn = await db.getConnection();
  await conn.run('x');
  conn.close();
}`,
      options: [{ presets: [], pairs: [{ name: 'connection', acquire: { method: 'getConnection', types: [{ from: 'file', name: 'Db' }] }, release: { resourceMethods: ['close'] } }] }],
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 7,
          column: 3,
          data: { resource: 'connection', acquire: 'db.getConnection()', acquireLine: 6, line: 7, expression: "await conn.run('x')", release: 'conn.close()', anchor: 'it is acquired' },
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
interface Db { getConnection(): Promise<Connection> }
interface Connection { close(): void; run(sql: string): Promise<void> }
declare const db: Db;
export async function leaky() {
  const conn = await db.getConnection();
  try {
    await conn.run('x');
  } finally {
    conn.close();
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

// Callees typed `any` (JavaScript that nothing types): their calls are answered without resolving them (the call's
// type is `any`, and its signature has no declaration). The verdicts are the ones the resolved calls give: the span of
// an `any` tracer is still an acquire (by name, with the import as evidence) and not a promise, and a call of an
// `any` function may still throw.
typedTester.run('require-release (typed, callees of type any)', rule, {
  valid: [
    {
      code: `
import '@opentelemetry/api';
declare const tracer: any;
export function ok() {
  const span = tracer.startSpan('x', { attributes: { a: 1 } });
  span.end();
}`,
    },
  ],
  invalid: [
    {
      code: `
import '@opentelemetry/api';
declare const tracer: any;
declare const handler: any;
export function leaky(req: unknown) {
  const span = tracer.startSpan('x', { attributes: { a: 1 } });
  handler(req, span.spanContext());
  span.end();
}`,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 7,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
import '@opentelemetry/api';
declare const tracer: any;
declare const handler: any;
export function leaky(req: unknown) {
  const span = tracer.startSpan('x', { attributes: { a: 1 } });
  try {
    handler(req, span.spanContext());
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      code: `
import '@opentelemetry/api';
declare const tracer: any;
export function early(flag: boolean) {
  const span = tracer.startSpan('x');
  if (flag) return;
  span.end();
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 6,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
import '@opentelemetry/api';
declare const tracer: any;
export function early(flag: boolean) {
  const span = tracer.startSpan('x');
  try {
    if (flag) return;
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

describe('require-release options', () => {
  const lint = (options: unknown): Linter.LintMessage[] =>
    new Linter({ configType: 'flat' }).verify('const c = await pool.connect();', [
      {
        files: ['**/*.ts'],
        languageOptions: { parser },
        plugins: { workqueue: { rules: { 'require-release': rule as never } } },
        rules: { 'workqueue/require-release': ['error', options] as never },
      },
    ], 'file.ts');

  it('rejects a pair without any release, naming it', () => {
    expect(() => lint({ pairs: [{ name: 'conn', acquire: { method: 'open' }, release: {} }] })).toThrow(/pairs\[0\].*conn.*has no release/);
  });

  it('rejects an invalid receiverNames pattern, naming the option', () => {
    expect(() =>
      lint({ pairs: [{ name: 'conn', acquire: { method: 'open', receiverNames: '([' }, release: { resourceMethods: ['close'] } }] }),
    ).toThrow(/acquire\.receiverNames is not a valid regular expression/);
  });

  it('rejects an unknown preset through the schema', () => {
    expect(() => lint({ presets: ['mysql'] })).toThrow(/require-release[\s\S]*"mysql" should be equal to one of the allowed values/);
  });
});

// A class that implements (or extends) a preset's type is one: a vendor's tracer wrapping OpenTelemetry's.
const VENDOR_TRACER = `import { trace, type Span, type Tracer } from '@opentelemetry/api';
class VendorTracer implements Tracer {
  private readonly tracer = trace.getTracer('vendor');
  startSpan(name: string): Span {
    return this.tracer.startSpan(name);
  }
  startActiveSpan(): never {
    throw new Error('not used');
  }
}
`;
typedTester.run('require-release (typed, a class implementing the preset type)', rule, {
  valid: [
    {
      code: `
${VENDOR_TRACER}const vendor = new VendorTracer();
export function ok() {
  const span = vendor.startSpan('op');
  span.end();
}`,
    },
  ],
  invalid: [
    {
      code: `
${VENDOR_TRACER}class TracingTracer extends VendorTracer {}
const vendor = new TracingTracer();
export function lost(flag: boolean) {
  const span = vendor.startSpan('op');
  if (flag) return;
  span.end();
}`,
      errors: [
        {
          messageId: 'leakOnReturn',
          line: 16,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: `
${VENDOR_TRACER}class TracingTracer extends VendorTracer {}
const vendor = new TracingTracer();
export function lost(flag: boolean) {
  const span = vendor.startSpan('op');
  try {
    if (flag) return;
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
      ],
    },
  ],
});

// Event names that only types know (a string enum of another module, here of the same file): typed, the removal is
// judged; untyped, the events are unknown and the registration stays a hand-off.
const ENUM_EVENTS = `
import { trace } from '@opentelemetry/api';
import type { Socket } from 'node:net';
const tracer = trace.getTracer('net');
enum SocketEvent { CLOSE = 'close', ERROR = 'error', SECURE_CONNECT = 'secureConnect' }
export function tlsSpan(socket: Socket) {
  const span = tracer.startSpan('tls');
  const onSecure = () => span.end();
  socket.prependOnceListener(SocketEvent.SECURE_CONNECT, onSecure);
  const removeListeners = () => socket.removeListener(SocketEvent.SECURE_CONNECT, onSecure);
  for (const event of [SocketEvent.CLOSE, SocketEvent.SECURE_CONNECT]) socket.once(event, removeListeners);
}`;

typedTester.run('require-release (typed, event names from types)', rule, {
  valid: [],
  invalid: [
    {
      code: ENUM_EVENTS,
      errors: [
        {
          messageId: 'leakOnRemovedListener',
          line: 9,
          column: 3,
          data: { resource: 'span', acquire: "tracer.startSpan('tls')", acquireLine: 7, line: 9, event: 'close', handlerLine: 11 },
          suggestions: [],
        },
      ],
    },
  ],
});

untypedTester.run('require-release (untyped, event names from types)', rule, { valid: [{ code: ENUM_EVENTS }], invalid: [] });

// prisma's runInChildSpan: the span goes to the user callback and to a same-file helper that ends it. The function
// ends it itself (through its helper), so the callback only uses it, and a callback that throws skips the end.
const CHILD_SPAN = `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('prisma');
function endSpan(span: any, result: unknown) {
  span.end();
  return result;
}
export function runInChildSpan(name: string, callback: (span: unknown) => unknown) {
  const span = tracer.startSpan(name);
  return endSpan(span, callback(span));
}`;
const CHILD_SPAN_ERROR = {
  messageId: 'leakOnMayThrow' as const,
  line: 10,
  column: 24,
  data: { resource: 'span', acquire: 'tracer.startSpan(name)', acquireLine: 9, line: 10, expression: 'callback(span)', release: 'span.end()', anchor: 'it is acquired' },
  suggestions: [],
};
typedTester.run('require-release (typed, a helper of the same file releases)', rule, { valid: [], invalid: [{ code: CHILD_SPAN, errors: [CHILD_SPAN_ERROR] }] });
untypedTester.run('require-release (untyped, a helper of the same file releases)', rule, { valid: [], invalid: [{ code: CHILD_SPAN, errors: [CHILD_SPAN_ERROR] }] });

// A slot this file fills only with arrays (amqplib's channel[CHANNEL_SPANS_NOT_ENDED]): pushing onto it cannot throw.
const ARRAY_SLOT = `
import { trace } from '@opentelemetry/api';
import { SPANS } from './utils.mjs';
const tracer = trace.getTracer('amqp');
export function consume(channel: any, msg: any) {
  if (!Object.prototype.hasOwnProperty.call(channel, SPANS)) channel[SPANS] = [];
  const span = tracer.startSpan('process');
  channel[SPANS].push({ msg, at: Date.now() });
  span.end();
}
export function reset(channel: any) {
  channel[SPANS] = [];
}`;
// One write that is not an array literal, and the slot says nothing.
const MIXED_SLOT = `
import { trace } from '@opentelemetry/api';
const SPANS = Symbol('spans');
const tracer = trace.getTracer('amqp');
export function consume(channel: any, msg: any) {
  const span = tracer.startSpan('process');
  channel[SPANS].push({ msg });
  span.end();
}
export function reset(channel: any) {
  channel[SPANS] = new Set();
}`;
const MIXED_SLOT_ERROR = {
  messageId: 'leakOnMayThrow' as const,
  line: 7,
  column: 3,
  data: { resource: 'span', acquire: "tracer.startSpan('process')", acquireLine: 6, line: 7, expression: 'channel[SPANS].push({ msg })', release: 'span.end()', anchor: 'it is acquired' },
};
const arraySlotCases = {
  valid: [{ code: ARRAY_SLOT }],
  invalid: [
    {
      code: MIXED_SLOT,
      errors: [
        {
          ...MIXED_SLOT_ERROR,
          suggestions: [
            {
              messageId: 'wrapInTryFinally' as const,
              output: MIXED_SLOT.replace('  channel[SPANS].push({ msg });\n  span.end();', '  try {\n    channel[SPANS].push({ msg });\n  } finally {\n    span.end();\n  }'),
            },
          ],
        },
      ],
    },
  ],
};
typedTester.run('require-release (typed, a slot filled only with arrays)', rule, arraySlotCases);
untypedTester.run('require-release (untyped, a slot filled only with arrays)', rule, arraySlotCases);

// async-mutex's releaser does nothing when called again: a second call of it is no double release (metamask's
// TransactionController); a second `mutex.release()` releases another holder's lock and is one.
const IDEMPOTENT_RELEASER = `
import { Mutex, Semaphore } from 'async-mutex';
const mutex = new Mutex();
const semaphore = new Semaphore(2);
declare function work(): Promise<void>;
export async function early(ready: boolean) {
  const releaseLock = await mutex.acquire();
  try {
    if (!ready) {
      releaseLock();
      return;
    }
    await work();
  } finally {
    releaseLock();
  }
}
export async function permit(ready: boolean) {
  const [, release] = await semaphore.acquire();
  if (!ready) setTimeout(release, 0);
  release();
}`;
const DIRECT_TWICE = `
import { Mutex } from 'async-mutex';
const mutex = new Mutex();
export async function direct(ready: boolean) {
  await mutex.acquire();
  try {
    if (!ready) {
      mutex.release();
      return;
    }
  } finally {
    mutex.release();
  }
}`;
const idempotentCases = {
  valid: [{ code: IDEMPOTENT_RELEASER }],
  invalid: [
    {
      code: DIRECT_TWICE,
      errors: [{ messageId: 'doubleRelease' as const, line: 12, column: 5, data: { resource: 'lock', acquire: 'mutex.acquire()', acquireLine: 5, release: 'mutex.release()' }, suggestions: [] }],
    },
  ],
};
typedTester.run('require-release (typed, an idempotent releaser)', rule, idempotentCases);
untypedTester.run('require-release (untyped, an idempotent releaser)', rule, idempotentCases);

// await-semaphore (the async-mutex preset covers it): acquire() resolves to a releaser, guarded by a `released` flag.
// gaba's CurrencyRateController: the awaited fetch rejects before releaseLock() (MetaMask/core#195). Untyped here:
// the package is not installed for the typed tester (bench:real-world's known-leak corpus checks it typed).
const AWAIT_SEMAPHORE = `
const { Mutex, Semaphore } = require('await-semaphore');
class Controller {
  constructor() {
    this.mutex = new Mutex();
    this.semaphore = new Semaphore(2);
  }
  async update(fetchRate) {
    const releaseLock = await this.mutex.acquire();
    const rate = await fetchRate();
    this.rate = rate;
    releaseLock();
  }
  async guarded(fetchRate) {
    const release = await this.semaphore.acquire();
    try {
      this.rate = await fetchRate();
    } finally {
      release();
      release();
    }
  }
}
module.exports = { Controller };`;
untypedTester.run('require-release (untyped, await-semaphore)', rule, {
  valid: [{ code: AWAIT_SEMAPHORE.replace("require('await-semaphore')", "require('./semaphore')") }],
  invalid: [
    {
      code: AWAIT_SEMAPHORE,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 10,
          column: 24,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: AWAIT_SEMAPHORE.replace(
                '    const rate = await fetchRate();\n    this.rate = rate;\n    releaseLock();',
                '    try {\n      const rate = await fetchRate();\n      this.rate = rate;\n    } finally {\n      releaseLock();\n    }',
              ),
            },
          ],
        },
      ],
    },
  ],
});

// `Object.values(o)` and `Array.from(xs)` always return arrays: an array method on the result cannot throw (metamask's
// CurrencyRateController, untyped). A method of the same name on another call's result still may.
const ARRAY_RESULTS = `
import { Mutex } from 'async-mutex';
import * as constants from './constants';
const mutex = new Mutex();
export async function refresh(nativeCurrency: string) {
  const releaseLock = await mutex.acquire();
  const testnet = Object.values(constants.TESTNET_TICKER_SYMBOLS).includes(nativeCurrency);
  const lengths = Array.from(Object.keys(constants)).map((key) => key.length);
  releaseLock();
  return [testnet, lengths];
}
export async function other(list: any, nativeCurrency: string) {
  const releaseLock = await mutex.acquire();
  const testnet = list.includes(nativeCurrency);
  releaseLock();
  return testnet;
}`;
const arrayResultCases = {
  valid: [],
  invalid: [
    {
      code: ARRAY_RESULTS,
      errors: [
        {
          messageId: 'leakOnMayThrow' as const,
          line: 14,
          column: 19,
          data: { resource: 'lock', acquire: 'mutex.acquire()', acquireLine: 13, line: 14, expression: 'list.includes(nativeCurrency)', release: 'releaseLock()', anchor: 'it is acquired' },
          suggestions: [
            {
              messageId: 'wrapInTryFinally' as const,
              output: ARRAY_RESULTS.replace(
                '  const testnet = list.includes(nativeCurrency);\n  releaseLock();\n  return testnet;',
                '  try {\n    const testnet = list.includes(nativeCurrency);\n    return testnet;\n  } finally {\n    releaseLock();\n  }',
              ),
            },
          ],
        },
      ],
    },
  ],
};
typedTester.run('require-release (typed, global calls that return arrays)', rule, arrayResultCases);
untypedTester.run('require-release (untyped, global calls that return arrays)', rule, arrayResultCases);

// A logger's level method does not throw (appsignal's `sendError`: `Client.internalLogger.debug(…)` in a same-file
// helper hid the real leak, the user's `fn()`, behind a false one). Only level methods, only on a receiver named for a
// logger, and only when given no function to run: `logger.flush()`, `reporter.info(…)` and a lazy message still may.
const LOGGING = `
import { Mutex } from 'async-mutex';
declare const logger: any;
declare const reporter: any;
declare const Client: any;
declare function dump(): string;
const mutex = new Mutex();
function setError(error: Error) {
  if (error.message) Client.internalLogger.debug(\`cannot set \${error.name}\`);
  else Client.internalLogger.warn('not an Error');
}
export class Worker {
  log: any;
  async run(error: Error) {
    const releaseLock = await mutex.acquire();
    logger.info({ error }, 'start');
    this.log.error('failed', error.message);
    setError(error);
    releaseLock();
  }
  async lazy() {
    const releaseLock = await mutex.acquire();
    logger.debug(() => dump());
    releaseLock();
  }
  async flush() {
    const releaseLock = await mutex.acquire();
    logger.flush();
    releaseLock();
  }
  async other() {
    const releaseLock = await mutex.acquire();
    reporter.info('x');
    releaseLock();
  }
}`;
/** The lock's leak at `statement` of `code`, where `expression` may throw, with its try/finally suggestion. */
const lineOf = (code: string, text: string): number => code.slice(0, code.indexOf(text)).split('\n').length;
const lockLeak = (code: string, expression: string, statement: string) => {
  const line = lineOf(code, `    ${statement}\n`);
  return {
    messageId: 'leakOnMayThrow' as const,
    line,
    column: 5 + statement.indexOf(expression),
    data: { resource: 'lock', acquire: 'mutex.acquire()', acquireLine: line - 1, line, expression, release: 'releaseLock()', anchor: 'it is acquired' },
    suggestions: [
      {
        messageId: 'wrapInTryFinally' as const,
        output: code.replace(`    ${statement}\n    releaseLock();\n`, `    try {\n      ${statement}\n    } finally {\n      releaseLock();\n    }\n`),
      },
    ],
  };
};
const loggingCases = {
  valid: [],
  invalid: [
    {
      code: LOGGING,
      errors: [
        lockLeak(LOGGING, 'logger.debug(() => dump())', 'logger.debug(() => dump());'),
        lockLeak(LOGGING, 'logger.flush()', 'logger.flush();'),
        lockLeak(LOGGING, "reporter.info('x')", "reporter.info('x');"),
      ],
    },
  ],
};
typedTester.run('require-release (typed, logging calls)', rule, loggingCases);
untypedTester.run('require-release (untyped, logging calls)', rule, loggingCases);

// Programming errors are no throw points (docs/analysis.md): `Number` / `parseInt` / `parseFloat` convert as `String` does; destructuring an `Object.entries` element iterates a
// new array. `JSON.parse` and `encodeURIComponent` throw on run-time text and stay throw points, and so does
// `JSON.stringify` (a BigInt or a cycle in a caller's value). A function named for
// an error sink (`exceptionLogger`, `captureException`, also in tsc's down-levelled optional call: traceloop's mcp
// instrumentation) records the error like a logger; a handler (`onError`) decides the path and may rethrow. A release
// of the resource in a helper it is passed to (`span.end()` in `finish`'s finally) is no throw point either, so the
// `catch` after the helper's call is no second end.
const PROGRAMMING_ERRORS = `
import { Mutex } from 'async-mutex';
import { trace } from '@opentelemetry/api';
declare const Sentry: any;
declare function onError(error: unknown): void;
declare function logError(error: unknown): void;
declare const config: { exceptionLogger?: (error: unknown) => void; errorReporter?: (error: unknown) => void };
const mutex = new Mutex();
const tracer = trace.getTracer('svc');
const state: Record<string, unknown> = {};
function setAll(span: any, attributes: Record<string, unknown>) {
  for (const [key, value] of Object.entries(attributes)) span.setAttribute(key, value);
}
function finish(span: any, result: unknown) {
  try {
    span.setAttribute('out', String(result));
    span.setAttribute('json', JSON.stringify(result));
  } catch (error) {
    config.exceptionLogger?.(error);
  } finally {
    span.end();
  }
}
export class Worker {
  async convert(v: unknown, text: string) {
    const releaseLock = await mutex.acquire();
    state.n = Number(text) + parseInt(text, 10) + parseFloat(text) + Number.parseInt(text) + Number.parseFloat(text);
    releaseLock();
  }
  async stringified(v: unknown) {
    const releaseLock = await mutex.acquire();
    state.out = JSON.stringify(v);
    releaseLock();
  }
  async parsed(text: string) {
    const releaseLock = await mutex.acquire();
    state.out = JSON.parse(text);
    releaseLock();
  }
  async encoded(text: string) {
    const releaseLock = await mutex.acquire();
    state.out = encodeURIComponent(text);
    releaseLock();
  }
  traced(attributes: Record<string, unknown>) {
    const span = tracer.startSpan('attrs');
    setAll(span, attributes);
    span.end();
  }
  async sinks(error: unknown) {
    const releaseLock = await mutex.acquire();
    config.exceptionLogger?.(error);
    config.errorReporter?.(error);
    Sentry.captureException(error);
    logError(error);
    releaseLock();
  }
  async downLevelled(error: unknown) {
    let _a: any, _b: any;
    const releaseLock = await mutex.acquire();
    (_b = (_a = config).exceptionLogger) === null || _b === void 0 ? void 0 : _b.call(_a, error);
    releaseLock();
  }
  async handled(error: unknown) {
    const releaseLock = await mutex.acquire();
    onError(error);
    releaseLock();
  }
  run(original: () => unknown) {
    const span = tracer.startSpan('run');
    try {
      const result = original();
      finish(span, result);
      return result;
    } catch (error) {
      span.end();
      throw error;
    }
  }
}`;
const programmingErrorCases = {
  valid: [],
  invalid: [
    {
      code: PROGRAMMING_ERRORS,
      errors: [
        lockLeak(PROGRAMMING_ERRORS, 'JSON.stringify(v)', 'state.out = JSON.stringify(v);'),
        lockLeak(PROGRAMMING_ERRORS, 'JSON.parse(text)', 'state.out = JSON.parse(text);'),
        lockLeak(PROGRAMMING_ERRORS, 'encodeURIComponent(text)', 'state.out = encodeURIComponent(text);'),
        lockLeak(PROGRAMMING_ERRORS, 'onError(error)', 'onError(error);'),
      ],
    },
  ],
};
typedTester.run('require-release (typed, programming errors and error sinks)', rule, programmingErrorCases);
untypedTester.run('require-release (untyped, programming errors and error sinks)', rule, programmingErrorCases);

// The strict view (`loggersMayThrow: true`) counts an error sink as a throw point again, as it does a logger.
const STRICT_SINK = `
import { Mutex } from 'async-mutex';
declare const config: { exceptionLogger?: (error: unknown) => void };
const mutex = new Mutex();
export async function report(e: unknown) {
  const releaseLock = await mutex.acquire();
  config.exceptionLogger?.(e);
  releaseLock();
}`;
const strictSinkCases = {
  valid: [{ code: STRICT_SINK }],
  invalid: [
    {
      code: STRICT_SINK,
      options: [{ loggersMayThrow: true }] as Options,
      errors: [
        {
          ...lockLeak(STRICT_SINK.replaceAll('\n  ', '\n    '), 'config.exceptionLogger?.(e)', 'config.exceptionLogger?.(e);'),
          column: 3,
          suggestions: [
            {
              messageId: 'wrapInTryFinally' as const,
              output: STRICT_SINK.replace('  config.exceptionLogger?.(e);\n  releaseLock();\n', '  try {\n    config.exceptionLogger?.(e);\n  } finally {\n    releaseLock();\n  }\n'),
            },
          ],
        },
      ],
    },
  ],
};
typedTester.run('require-release (typed, an error sink in the strict view)', rule, strictSinkCases);
untypedTester.run('require-release (untyped, an error sink in the strict view)', rule, strictSinkCases);

// A parameter's default function (appsignal's `sendError(error, fn = () => {})`) or a `let`'s first value is not what
// every call runs: the caller passes, or a later assignment stores, another function. Typed, the signature's
// declaration is that first value, so it must not be summarised; a `const` is. And a call of a parameter, which for
// async-mutex may be a releaser passed in (`unlock(release)`), may be any other function too: `withLock(fn)`.
const REPLACEABLE = `
import { Mutex } from 'async-mutex';
const mutex = new Mutex();
export async function send(fn = () => {}) {
  const releaseLock = await mutex.acquire();
  fn();
  releaseLock();
}
export async function later(strict: boolean) {
  let next = () => {};
  if (strict) next = () => { throw new Error('strict'); };
  const releaseLock = await mutex.acquire();
  next();
  releaseLock();
}
export async function fixed() {
  const noop = () => {};
  const releaseLock = await mutex.acquire();
  noop();
  releaseLock();
}
function unlock(release: () => void) {
  release();
}
export async function withLock(fn: () => void) {
  const releaseLock = await mutex.acquire();
  fn();
  unlock(releaseLock);
}`;
const replaceableLeak = (line: number, expression: string) => ({
  messageId: 'leakOnMayThrow' as const,
  line,
  column: 3,
  data: { resource: 'lock', acquire: 'mutex.acquire()', acquireLine: line - 1, line, expression, release: 'releaseLock()', anchor: 'it is acquired' },
  suggestions: [
    {
      messageId: 'wrapInTryFinally' as const,
      output: REPLACEABLE.replace(`  ${expression};\n  releaseLock();\n`, `  try {\n    ${expression};\n  } finally {\n    releaseLock();\n  }\n`),
    },
  ],
});
const replaceableCases = {
  valid: [],
  invalid: [
    {
      code: REPLACEABLE,
      errors: [
        replaceableLeak(6, 'fn()'),
        replaceableLeak(13, 'next()'),
        // A call of a parameter releases only if the caller passed a releaser; `unlock(releaseLock)` releases.
        // (No suggestion: the release is a helper's, which the fix would have to move.)
        { ...replaceableLeak(27, 'fn()'), suggestions: [] },
      ],
    },
  ],
};
typedTester.run('require-release (typed, default and let functions)', rule, replaceableCases);
untypedTester.run('require-release (untyped, default and let functions)', rule, replaceableCases);

// Typed, an identifier argument of an acquire is a callback (the callback form, which hands the resource on) when its
// type is callable. A `const` whose value syntax shows is no function is answered without the type question, so the
// two must agree: a string or options `const` leaves the call an acquire, a choice between two functions does not.
typedTester.run('require-release (typed, identifier arguments of an acquire)', rule, {
  valid: [
    typed({
      code: `
export function listen(ready: boolean) {
  const onConnect = ready ? (_e: unknown, _c: unknown, done: () => void) => done() : (_e: unknown, _c: unknown, done: () => void) => done();
  pool.connect(onConnect);
}`,
    }),
  ],
  invalid: [
    typed({
      code: `
export function traced(kind: string, route: string | undefined) {
  const spanName = route ? \`\${kind} \${route}\` : 'anonymous ' + kind;
  const options = { attributes: { kind } };
  tracer.startSpan(spanName, options);
}`,
      errors: [{ messageId: 'discardedAcquire', line: 5 }],
    }),
  ],
});

// `context.bind(ctx, fn)` returns a wrapper and runs nothing (instrumentation-fs's callback patch): the bound callback
// is where the wrapper goes (here the fs call's arguments), not a release now, so the `catch` that ends the span when
// the call throws synchronously is no second end; nor does the bind run what the wrapped function may throw.
const BOUND_CALLBACK = `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('fs');
declare function risky(): number;
export function patched(original: (...args: unknown[]) => unknown, args: unknown[], cb: (error?: Error) => void) {
  const span = tracer.startSpan('fs');
  args[args.length - 1] = context.bind(context.active(), function (error?: Error) {
    span.end();
    cb(error);
  });
  try {
    return original(...args);
  } catch (error) {
    span.end();
    throw error;
  }
}
export function later() {
  const span = tracer.startSpan('op');
  const run = context.bind(context.active(), () => risky());
  try {
    return run;
  } finally {
    span.end();
  }
}`;
typedTester.run('require-release (typed, context.bind)', rule, { valid: [{ code: BOUND_CALLBACK }], invalid: [] });
untypedTester.run('require-release (untyped, context.bind)', rule, { valid: [{ code: BOUND_CALLBACK.replace(/: \(\.\.\.args: unknown\[\]\) => unknown|: unknown\[\]|: \(error\?: Error\) => void|\?: Error|: number/g, '') }], invalid: [] });

// An acquire stored straight on a property is handed on, as an alias stored there is (langchain's PGVectorStore:
// `this.client = await this.pool.connect()` in one method, `this.client?.release()` in another).
const STORED_ON_FIELD = `
import { Pool } from 'pg';
export class Store {
  private readonly pool = new Pool();
  private client: unknown;
  private readonly clients: unknown[] = [];
  async initialize() {
    this.client = await this.pool.connect();
  }
  async more(i: number) {
    this.clients[i] = await this.pool.connect();
  }
}`;
typedTester.run('require-release (typed, an acquire stored on a property)', rule, { valid: [{ code: STORED_ON_FIELD }], invalid: [] });
untypedTester.run('require-release (untyped, an acquire stored on a property)', rule, {
  valid: [{ code: STORED_ON_FIELD.replace(/private (readonly )?|: unknown(\[\])?|: number/g, '') }],
  invalid: [],
});

// Untyped, a name a bundler renamed apart (esbuild's `tracer2`, Rollup's `pool$1`) is still the author's name: otel-cf-workers'
// bundled `tracer2.startActiveSpan` leaked its span when the awaited call rejected (logfire-js#201). Not any digit: `tracer2x`.
const BUNDLER_RENAMED = `
import { trace } from '@opentelemetry/api';
const tracer2 = trace.getTracer('kv');
export async function get(key) {
  const span = tracer2.startSpan('kv.get');
  const value = await load(key);
  span.end();
  return value;
}`;
untypedTester.run('require-release (untyped, a receiver name a bundler renamed)', rule, {
  valid: [{ code: BUNDLER_RENAMED.replaceAll('tracer2', 'tracer2x') }],
  invalid: [
    ...['tracer2', 'tracer$1'].map((name) => {
      const code = BUNDLER_RENAMED.replaceAll('tracer2', name);
      const wrapped = code.replace(
        '  const value = await load(key);\n  span.end();\n  return value;',
        '  try {\n    const value = await load(key);\n    return value;\n  } finally {\n    span.end();\n  }',
      );
      return { code, errors: [{ messageId: 'leakOnMayThrow' as const, line: 6, column: 17, suggestions: [{ messageId: 'wrapInTryFinally' as const, output: wrapped }] }] };
    }),
  ],
});

// Untyped, a private field is named like any other field: `this.#pool` is a pool (mastra's PostgresStore).
const PRIVATE_POOL = `
import { Pool } from 'pg';
export class Store {
  #pool = new Pool();
  async count() {
    const client = await this.#pool.connect();
    const result = await client.query('select count(*) from t');
    client.release();
    return result;
  }
}`;
untypedTester.run('require-release (untyped, a private field named for a pool)', rule, {
  valid: [],
  invalid: [
    {
      code: PRIVATE_POOL,
      errors: [
        {
          messageId: 'leakOnMayThrow',
          line: 7,
          column: 20,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              output: PRIVATE_POOL.replace(
                "    const result = await client.query('select count(*) from t');\n    client.release();\n    return result;",
                "    try {\n      const result = await client.query('select count(*) from t');\n      return result;\n    } finally {\n      client.release();\n    }",
              ),
            },
          ],
        },
      ],
    },
  ],
});

// A method called on a `const` bound to `new C()` of a same-file class is C's method (mastra's PostgresStore:
// `db.setSchemaSnapshot(null)` in the `finally`, before the release, only assigns a private field). A method that
// can throw still may.
const INSTANCE_METHOD = `
import { Pool } from 'pg';
const pool = new Pool();
class Routing {
  #snapshot: unknown = null;
  setSchemaSnapshot(value: unknown) {
    this.#snapshot = value;
  }
  parse(text: string) {
    return JSON.parse(text);
  }
}
const db = new Routing();
export async function migrate() {
  const client = await pool.connect();
  db.setSchemaSnapshot(null);
  try {
    await client.query('select 1');
  } finally {
    client.release();
  }
}
export async function read(text: string) {
  const client = await pool.connect();
  db.parse(text);
  try {
    await client.query('select 1');
  } finally {
    client.release();
  }
}`;
const instanceMethodCases = (code: string) => ({
  valid: [],
  invalid: [
    {
      code,
      errors: [
        {
          messageId: 'leakOnMayThrow' as const,
          line: 25,
          column: 3,
          suggestions: [
            {
              messageId: 'moveIntoTry' as const,
              output: code.replace('  db.parse(text);\n  try {\n', '  try {\n    db.parse(text);\n'),
            },
          ],
        },
      ],
    },
  ],
});
typedTester.run('require-release (typed, a method of a same-file class instance)', rule, instanceMethodCases(INSTANCE_METHOD));
untypedTester.run(
  'require-release (untyped, a method of a same-file class instance)',
  rule,
  instanceMethodCases(INSTANCE_METHOD.replace(/: unknown|: string/g, '').replace('#snapshot = null;', '#snapshot = null;')),
);

// Regression (issue 11, run-once callbacks): in a file that imports async-mutex, a call of a parameter may release a
// releaser the function is given, and that call's callbacks were not followed: a completion callback's early return
// was reported at the function's end, and a callback that is no completion callback (`(e) => …`) was not a hand-off.
const PARAMETER_CALLEE = (param: string): string => `
import { Mutex } from 'async-mutex';
import pg from 'pg';
export const mutex = new Mutex();
const pool = new pg.Pool();
export async function f(run: (cb: (${param}?: Error) => void) => void) {
  const client = await pool.connect();
  run((${param}) => { if (${param}) return; client.release(); });
}`;
const parameterCalleeCases = {
  valid: [{ code: PARAMETER_CALLEE('e') }],
  invalid: [
    {
      code: PARAMETER_CALLEE('err'),
      errors: [
        {
          messageId: 'leakOnCallbackReturn' as const,
          line: 8,
          column: 27,
          data: { resource: 'client', acquire: 'pool.connect()', acquireLine: 7, line: 8, callbackLine: 8, release: 'client.release()' },
          suggestions: [],
        },
      ],
    },
  ],
};
typedTester.run('require-release (typed, a parameter given a callback)', rule, parameterCalleeCases);
untypedTester.run('require-release (untyped, a parameter given a callback)', rule, parameterCalleeCases);

// The same through a private field every value of which is `new Routing()` (mastra's PostgresStore: `this.#db`,
// assigned in the constructor). A field also given another value is unknown, and its method may throw.
const PRIVATE_FIELD_INSTANCE = `
import { Pool } from 'pg';
const pool = new Pool();
class Routing {
  #snapshot: unknown = null;
  setSchemaSnapshot(value: unknown) {
    this.#snapshot = value;
  }
}
export class Store {
  #db: Routing;
  constructor() {
    this.#db = new Routing();
  }
  async migrate() {
    const client = await pool.connect();
    this.#db.setSchemaSnapshot(null);
    try {
      await client.query('select 1');
    } finally {
      client.release();
    }
  }
}
export class Loose {
  #db: Routing;
  constructor(db: Routing) {
    this.#db = new Routing();
    this.#db = db;
  }
  async migrate() {
    const client = await pool.connect();
    this.#db.setSchemaSnapshot(null);
    try {
      await client.query('select 1');
    } finally {
      client.release();
    }
  }
}`;
const privateFieldCases = (code: string) => ({
  valid: [],
  invalid: [
    {
      code,
      errors: [
        {
          messageId: 'leakOnMayThrow' as const,
          line: 33,
          column: 5,
          suggestions: [
            {
              messageId: 'moveIntoTry' as const,
              // Loose's, the second of the two identical bodies.
              output: ((from: string, to: string) => code.slice(0, code.lastIndexOf(from)) + to + code.slice(code.lastIndexOf(from) + from.length))(
                '    this.#db.setSchemaSnapshot(null);\n    try {\n',
                '    try {\n      this.#db.setSchemaSnapshot(null);\n',
              ),
            },
          ],
        },
      ],
    },
  ],
});
// Typed, the field's declared type already names the class, whatever else the field is given.
typedTester.run('require-release (typed, a private field holding a same-file class instance)', rule, { valid: [{ code: PRIVATE_FIELD_INSTANCE }], invalid: [] });
untypedTester.run(
  'require-release (untyped, a private field holding a same-file class instance)',
  rule,
  privateFieldCases(PRIVATE_FIELD_INSTANCE.replace(/: unknown|: Routing/g, '')),
);
// A bundler writes the class as `var Routing = class { … }` (mastra's dist): a variable never assigned again.
untypedTester.run('require-release (untyped, a private field holding an instance of a var-bound class)', rule, {
  valid: [{ code: PRIVATE_FIELD_INSTANCE.slice(0, PRIVATE_FIELD_INSTANCE.indexOf('\nexport class Loose')).replace(/: unknown|: Routing/g, '').replace('class Routing {', 'var Routing = class {') }],
  invalid: [],
});

// A parameter a helper passes on to a second same-file helper that releases it is released by the first: the
// traceloop instrumentations' `_wrapPromise(span, p)`, whose settlement handlers end the span through `_endSpan`
// (a destructured `{ span, result }`, plain or as tsc's `__awaiter(this, arguments, …)` generator).
describe('require-release: hand-offs through a helper that passes the parameter on', () => {
  const HELPERS = `import { trace } from '@opentelemetry/api';
class P {
  m(tracer, p) {
    const span = tracer.startSpan('x');
    return this._wrapPromise(span, p);
  }
  _wrapPromise(span, promise) {
    return promise
      .then((result) => { this._endSpan({ span, result }); return result; })
      .catch((error) => { span.end(); throw error; });
  }
  _endSpan({ span, result }) {
    try { this.record(result); } catch (e) { console.debug(e); }
    span.end();
  }
}
`;
  untypedTester.run('require-release (untyped, second helpers)', rule, {
    valid: [
      { code: HELPERS },
      {
        code: `import { trace } from '@opentelemetry/api';
function b(span) { span.end(); }
function a(span) { b(span); }
export function m(tracer) {
  const span = tracer.startSpan('x');
  a(span);
}
`,
      },
      {
        code: `import { trace } from '@opentelemetry/api';
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) { return new P(function () {}); };
class P {
  m(tracer, p) {
    const span = tracer.startSpan('x');
    return this._wrapPromise(span, p);
  }
  _wrapPromise(span, promise) {
    return promise
      .then((result) => __awaiter(this, void 0, void 0, function* () { yield this._endSpan({ span, result }); return result; }))
      .catch((error) => { span.end(); throw error; });
  }
  _endSpan(_a) {
    return __awaiter(this, arguments, void 0, function* ({ span, result }) {
      try { yield result.response; } catch (e) { console.debug(e); }
      span.end();
    });
  }
}
`,
      },
    ],
    invalid: [
      {
        // Only fulfilment ends it: a rejected promise leaves the span open.
        code: HELPERS.replace(".catch((error) => { span.end(); throw error; })", ".catch((error) => { throw error; })"),
        errors: [{ messageId: 'leakOnReturn', line: 5, column: 5 }],
      },
      {
        code: `import { trace } from '@opentelemetry/api';
function b(span) { span.end(); }
function a(span) { b(span); }
export function n(tracer) {
  const span = tracer.startSpan('x');
  a(span);
  span.end();
}
`,
        errors: [{ messageId: 'doubleRelease', line: 7, column: 3 }],
      },
    ],
  });
});

// A context made from a span by `trace.setSpan(ctx, span)` holds the span: whoever gets the context can end it
// (`trace.getSpan(ctx)?.end()`, `trace.getActiveSpan()` in code run in it). It carries the span as an object literal
// does, and hands it on only where it escapes: returned, stored, captured by a closure that escapes (returned, a
// listener), or bound into a returned function by `context.bind`. Given to `context.with(ctx, fn)` (`fn` runs at
// once), to any call (a logger's record reads it) or read by an iteration callback, it escapes nowhere.
const SPAN_CONTEXTS = `
import { EventEmitter } from 'node:events';
import { context, trace, type Context } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
declare function work(): void;
export function wrap(fn: (...args: unknown[]) => unknown, ctx: Context) {
  return tracer.startActiveSpan('Root', {}, ctx, (rootSpan) => {
    const spanContext = trace.setSpan(ctx, rootSpan);
    return (...args: unknown[]) => context.with(spanContext, () => fn(...args));
  });
}
export function begin(parent: Context) {
  const span = tracer.startSpan('op');
  return { context: trace.setSpan(parent, span) };
}
export function bound(fn: () => void) {
  const span = tracer.startSpan('op');
  return context.bind(trace.setSpan(context.active(), span), fn);
}
export function onDone(emitter: EventEmitter, fn: () => void) {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  emitter.once('done', () => context.with(ctx, fn));
}
export class Holder {
  current: Context | undefined;
  open() {
    const span = tracer.startSpan('op');
    this.current = trace.setSpan(context.active(), span);
  }
}
`;
const SPAN_CONTEXT_LEAKS = `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
declare function work(): void;
export function inContext() {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  context.with(ctx, () => {
    work();
    span.end();
  });
}
export function dropped() {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  return 1;
}
export function notEscaping() {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  const run = () => context.with(ctx, () => work());
  run();
  return 2;
}
declare const logger: { emit(record: { context: unknown; body: string }): void };
export function logged(messages: { role: string }[]) {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  messages.forEach((message) => logger.emit({ context: ctx, body: message.role }));
  return span;
}
declare function record(ctx: unknown): void;
export function recorded() {
  const span = tracer.startSpan('op');
  record(trace.setSpan(context.active(), span));
  span.end();
}
`;
/** The suggestion wraps what follows the acquire of the function ending on `end` in a `try`/`finally`. */
const wrapSpanContextLeak = (code: string, body: string): string =>
  code.replace(body, `  try {\n${body.replace(/^/gm, '  ')}\n  } finally {\n    span.end();\n  }`);
const spanContextErrors = (code: string): Invalid['errors'] => [
  { messageId: 'leakOnCallbackMayThrow', line: 9, column: 5 },
  {
    messageId: 'leakOnReturn',
    line: 16,
    column: 3,
    suggestions: [{ messageId: 'wrapInTryFinally', output: wrapSpanContextLeak(code, `  const ctx = trace.setSpan(context.active(), span);\n  return 1;`) }],
  },
  {
    messageId: 'leakOnReturn',
    line: 23,
    column: 3,
    suggestions: [
      {
        messageId: 'wrapInTryFinally',
        output: wrapSpanContextLeak(code, `  const ctx = trace.setSpan(context.active(), span);\n  const run = () => context.with(ctx, () => work());\n  run();\n  return 2;`),
      },
    ],
  },
  // Read by the logger an iteration callback calls: the context escapes nowhere (instrumentation-openai's log events).
  { messageId: 'leakOnMayThrow', line: 29, column: 3 },
  {
    messageId: 'leakOnMayThrow',
    line: 35,
    column: 3,
    suggestions: [
      {
        messageId: 'wrapInTryFinally',
        output: code.replace(`  record(trace.setSpan(context.active(), span));\n  span.end();`, `  try {\n    record(trace.setSpan(context.active(), span));\n  } finally {\n    span.end();\n  }`),
      },
    ],
  },
];
const untypedSpanContexts = (code: string): string =>
  code.replace(/, type Context|: Context( \| undefined)?|: \(\.\.\.args: unknown\[\]\) => unknown|: unknown\[\]|: \(\) => void|: EventEmitter|: \{ role: string \}\[\]|: unknown|declare (function|const) .*;/g, '');
typedTester.run('require-release (typed, a span context carries its span)', rule, {
  valid: [{ code: SPAN_CONTEXTS }],
  invalid: [{ code: SPAN_CONTEXT_LEAKS, errors: spanContextErrors(SPAN_CONTEXT_LEAKS) }],
});
untypedTester.run('require-release (untyped, a span context carries its span)', rule, {
  valid: [{ code: untypedSpanContexts(SPAN_CONTEXTS) }],
  invalid: [{ code: untypedSpanContexts(SPAN_CONTEXT_LEAKS), errors: spanContextErrors(untypedSpanContexts(SPAN_CONTEXT_LEAKS)) }],
});
