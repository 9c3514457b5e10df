// A generated, realistic multi-file TypeScript project that uses work queues the way Kubernetes-style controllers do:
// controllers (class-based, informer → queue → workers → sync handler with rate-limited retries), function-style
// worker pools, HTTP-ish handlers and utilities that never touch a queue (but call plenty of other `get(…)`s), and
// the shared modules they import. Deterministic: the same files every run.
//
// Some controllers and workers carry the leak the plugin exists to find (an early `return` before the `try`, a
// `continue` that skips `done()`), as a real code base would; the rest are correct. The corpus type-checks.

import fs from 'node:fs';
import path from 'node:path';

const RESOURCES = [
  'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Endpoint',
  'Ingress', 'ConfigMap', 'Secret', 'Namespace', 'Node', 'PersistentVolume',
];
const WORKERS = [
  'image-pull', 'metrics-export', 'audit-ship', 'webhook-delivery', 'email', 'thumbnail',
  'search-index', 'billing-sync', 'cache-warm', 'report-build', 'gc-orphans', 'dns-update',
];
const HANDLERS = ['health', 'users', 'orders', 'inventory', 'sessions', 'tokens', 'files', 'search', 'billing', 'admin'];

const kebab = (name) => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const camel = (name) => name[0].toLowerCase() + name.slice(1);
const pascal = (name) => name.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('');

const SHARED = {
  'src/workqueue.ts': `/** The work-queue contract the controllers rely on (client-go's util/workqueue). */
export type GetResult<T> = [item: T, shutdown: false] | [item: undefined, shutdown: true];

export interface Queue<T> {
  add(item: T): void;
  get(): Promise<GetResult<T>>;
  done(item: T): void;
  len(): number;
  shutDown(): void;
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
}

export interface DelayingQueue<T> extends Queue<T> {
  addAfter(item: T, delayMs: number): void;
}

export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  addRateLimited(item: T): void;
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** A small in-memory implementation, good enough for tests and single-process tools. */
export class MemoryQueue<T> implements RateLimitingQueue<T> {
  private readonly items: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly requeues = new Map<T, number>();
  private readonly waiters: Array<(result: GetResult<T>) => void> = [];
  private closed = false;

  constructor(private readonly baseDelayMs = 5, private readonly maxDelayMs = 60_000) {}

  add(item: T): void {
    if (this.closed || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(item);
      this.processing.add(item);
      waiter([item, false]);
      return;
    }
    this.items.push(item);
  }

  addAfter(item: T, delayMs: number): void {
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    setTimeout(() => this.add(item), delayMs);
  }

  addRateLimited(item: T): void {
    const count = this.requeues.get(item) ?? 0;
    this.requeues.set(item, count + 1);
    this.addAfter(item, Math.min(this.baseDelayMs * 2 ** count, this.maxDelayMs));
  }

  forget(item: T): void {
    this.requeues.delete(item);
  }

  numRequeues(item: T): number {
    return this.requeues.get(item) ?? 0;
  }

  async get(): Promise<GetResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.dirty.delete(item);
      this.processing.add(item);
      return [item, false];
    }
    if (this.closed) return [undefined, true];
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
  }

  len(): number {
    return this.items.length;
  }

  shutDown(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter([undefined, true]);
  }

  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    while (this.processing.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  shuttingDown(): boolean {
    return this.closed;
  }
}

export function newRateLimitingQueue<T>(): RateLimitingQueue<T> {
  return new MemoryQueue<T>();
}
`,
  'src/types.ts': `export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  resourceVersion: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export type Phase = 'Pending' | 'Progressing' | 'Ready' | 'Degraded' | 'Failed';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

export interface Resource<Spec = unknown> {
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: { phase?: Phase; observedGeneration?: number; replicas?: number; conditions?: Condition[] };
}

export interface Event {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
`,
  'src/errors.ts': `export class NotFoundError extends Error {
  constructor(readonly key: string) {
    super(\`\${key} not found\`);
  }
}

export class ConflictError extends Error {
  constructor(readonly key: string, readonly resourceVersion: string) {
    super(\`\${key}: resource version \${resourceVersion} is stale\`);
  }
}

export class TransientError extends Error {
  constructor(message: string, readonly retryAfterMs = 0) {
    super(message);
  }
}

export function isNotFound(error: unknown): error is NotFoundError {
  return error instanceof NotFoundError;
}

export function isConflict(error: unknown): error is ConflictError {
  return error instanceof ConflictError;
}

export function describe(error: unknown): string {
  if (error instanceof Error) return \`\${error.name}: \${error.message}\`;
  return String(error);
}
`,
  'src/log.ts': `export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
  with(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(minimum: Level = 'info', base: Record<string, unknown> = {}): Logger {
  return {
    log(level, message, fields) {
      if (ORDER[level] < ORDER[minimum]) return;
      const line = JSON.stringify({ level, message, ...base, ...fields, time: new Date().toISOString() });
      if (level === 'error' || level === 'warn') console.error(line);
      else console.log(line);
    },
    with(fields) {
      return createLogger(minimum, { ...base, ...fields });
    },
  };
}
`,
  'src/metrics.ts': `export interface Counter {
  inc(labels?: Record<string, string>, value?: number): void;
}

export interface Histogram {
  observe(labels: Record<string, string>, value: number): void;
}

class MemoryCounter implements Counter {
  readonly values = new Map<string, number>();
  inc(labels: Record<string, string> = {}, value = 1): void {
    const key = JSON.stringify(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + value);
  }
}

class MemoryHistogram implements Histogram {
  readonly samples = new Map<string, number[]>();
  observe(labels: Record<string, string>, value: number): void {
    const key = JSON.stringify(labels);
    const list = this.samples.get(key) ?? [];
    list.push(value);
    this.samples.set(key, list);
  }
}

const counters = new Map<string, Counter>();
const histograms = new Map<string, Histogram>();

export function counter(name: string): Counter {
  let found = counters.get(name);
  if (!found) {
    found = new MemoryCounter();
    counters.set(name, found);
  }
  return found;
}

export function histogram(name: string): Histogram {
  let found = histograms.get(name);
  if (!found) {
    found = new MemoryHistogram();
    histograms.set(name, found);
  }
  return found;
}

export async function timed<T>(name: string, labels: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    histogram(name).observe(labels, performance.now() - start);
  }
}
`,
  'src/keys.ts': `export function keyFor(namespace: string, name: string): string {
  return namespace ? \`\${namespace}/\${name}\` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  if (slash === -1) return { namespace: '', name: key };
  if (key.indexOf('/', slash + 1) !== -1) throw new Error(\`unexpected key format: \${key}\`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
`,
  'src/store.ts': `import type { Resource } from './types.js';
import { keyFor } from './keys.js';

export type Handler<T> = {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
};

/** A cache of objects by namespace/name, fed by an informer. */
export class Lister<T extends Resource> {
  private readonly objects = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(keyFor(namespace, name));
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((obj) => obj.metadata.namespace === namespace);
  }

  upsert(obj: T): T | undefined {
    const key = keyFor(obj.metadata.namespace, obj.metadata.name);
    const previous = this.objects.get(key);
    this.objects.set(key, obj);
    return previous;
  }

  remove(obj: T): boolean {
    return this.objects.delete(keyFor(obj.metadata.namespace, obj.metadata.name));
  }
}

export class Informer<T extends Resource> {
  readonly lister = new Lister<T>();
  private readonly handlers: Handler<T>[] = [];
  private synced = false;

  addEventHandler(handler: Handler<T>): void {
    this.handlers.push(handler);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  deliver(type: 'add' | 'update' | 'delete', obj: T): void {
    const previous = type === 'delete' ? undefined : this.lister.upsert(obj);
    if (type === 'delete') this.lister.remove(obj);
    for (const handler of this.handlers) {
      if (type === 'add' || (type === 'update' && !previous)) handler.onAdd?.(obj);
      else if (type === 'update' && previous) handler.onUpdate?.(previous, obj);
      else handler.onDelete?.(obj);
    }
    this.synced = true;
  }
}
`,
  'src/client.ts': `import type { Event, Resource } from './types.js';
import { ConflictError, NotFoundError } from './errors.js';
import { keyFor } from './keys.js';

export interface ApiClient {
  get<T extends Resource>(kind: string, namespace: string, name: string): Promise<T | undefined>;
  update<T extends Resource>(obj: T): Promise<T>;
  updateStatus<T extends Resource>(obj: T): Promise<T>;
  delete(kind: string, namespace: string, name: string): Promise<void>;
  recordEvent(obj: Resource, event: Event): Promise<void>;
}

/** A fake API server for tests: optimistic concurrency on resourceVersion. */
export class FakeClient implements ApiClient {
  private readonly objects = new Map<string, Resource>();
  readonly events: Array<{ key: string; event: Event }> = [];
  private version = 0;

  private key(kind: string, namespace: string, name: string): string {
    return \`\${kind}:\${keyFor(namespace, name)}\`;
  }

  async get<T extends Resource>(kind: string, namespace: string, name: string): Promise<T | undefined> {
    return this.objects.get(this.key(kind, namespace, name)) as T | undefined;
  }

  async update<T extends Resource>(obj: T): Promise<T> {
    const key = this.key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const current = this.objects.get(key);
    if (!current) throw new NotFoundError(key);
    if (current.metadata.resourceVersion !== obj.metadata.resourceVersion) {
      throw new ConflictError(key, obj.metadata.resourceVersion);
    }
    const next = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.version) } };
    this.objects.set(key, next);
    return next;
  }

  async updateStatus<T extends Resource>(obj: T): Promise<T> {
    return this.update(obj);
  }

  async delete(kind: string, namespace: string, name: string): Promise<void> {
    if (!this.objects.delete(this.key(kind, namespace, name))) throw new NotFoundError(keyFor(namespace, name));
  }

  async recordEvent(obj: Resource, event: Event): Promise<void> {
    this.events.push({ key: keyFor(obj.metadata.namespace, obj.metadata.name), event });
  }
}
`,
  'src/backoff.ts': `export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor?: number;
  jitter?: number;
}

export function delayFor(attempt: number, options: BackoffOptions): number {
  const factor = options.factor ?? 2;
  const raw = Math.min(options.baseMs * factor ** attempt, options.maxMs);
  const jitter = options.jitter ?? 0;
  return jitter > 0 ? raw * (1 - jitter + Math.random() * jitter * 2) : raw;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

export async function retry<T>(run: (attempt: number) => Promise<T>, attempts: number, options: BackoffOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      lastError = error;
      await sleep(delayFor(attempt, options));
    }
  }
  throw lastError;
}
`,
};

function controller(resource, index) {
  const file = kebab(resource);
  const lower = camel(resource);
  const buggy = index % 5 === 3; // Volcano's bug: the retry cap returns before the try/finally.
  const continueBug = index % 7 === 5; // A loop that skips done() on one path.
  const maxRetries = 5 + (index % 4) * 5;
  const workers = 1 + (index % 4);
  const processNext = buggy
    ? `  /** Takes one key off the queue and syncs it. Returns false once the queue shuts down. */
  async processNextWorkItem(): Promise<boolean> {
    const [key, shutdown] = await this.queue.get();
    if (shutdown) return false;

    if (this.queue.numRequeues(key) > ${maxRetries}) {
      this.log.log('warn', 'dropping ${lower} out of retries', { key });
      this.queue.forget(key);
      return true;
    }
    try {
      await this.syncHandler(key);
      this.queue.forget(key);
    } catch (error) {
      this.handleError(error, key);
    } finally {
      this.queue.done(key);
    }
    return true;
  }`
    : `  /** Takes one key off the queue and syncs it. Returns false once the queue shuts down. */
  async processNextWorkItem(): Promise<boolean> {
    const [key, shutdown] = await this.queue.get();
    if (shutdown) return false;
    try {
      if (this.queue.numRequeues(key) > ${maxRetries}) {
        this.log.log('warn', 'dropping ${lower} out of retries', { key });
        this.queue.forget(key);
        return true;
      }
      await timed('${file}_sync_duration_ms', { controller: '${file}' }, () => this.syncHandler(key));
      this.queue.forget(key);
    } catch (error) {
      this.handleError(error, key);
    } finally {
      this.queue.done(key);
    }
    return true;
  }`;
  const resync = continueBug
    ? `  /** Re-queues every object that is not ready; drains the retry queue first. */
  async drainRetries(): Promise<number> {
    let drained = 0;
    while (this.retries.len() > 0) {
      const [key, shutdown] = await this.retries.get();
      if (shutdown) break;
      if (!this.informer.hasSynced()) continue;
      this.queue.add(key);
      this.retries.done(key);
      drained++;
    }
    return drained;
  }`
    : `  /** Re-queues every object that is not ready; drains the retry queue first. */
  async drainRetries(): Promise<number> {
    let drained = 0;
    while (this.retries.len() > 0) {
      const [key, shutdown] = await this.retries.get();
      if (shutdown) break;
      try {
        if (!this.informer.hasSynced()) continue;
        this.queue.add(key);
        drained++;
      } finally {
        this.retries.done(key);
      }
    }
    return drained;
  }`;
  return `import type { ApiClient } from '../client.js';
import { describe, isConflict, isNotFound, TransientError } from '../errors.js';
import { keyFor, splitKey } from '../keys.js';
import type { Logger } from '../log.js';
import { counter, timed } from '../metrics.js';
import type { Informer } from '../store.js';
import type { Condition, Phase, Resource } from '../types.js';
import { newRateLimitingQueue, type RateLimitingQueue } from '../workqueue.js';

export interface ${resource}Spec {
  replicas: number;
  paused?: boolean;
  selector: Record<string, string>;
  template: { image: string; args?: string[] };
}

export type ${resource} = Resource<${resource}Spec>;

const syncs = counter('${file}_syncs_total');

/** Reconciles ${resource} objects: informer events feed a rate-limited queue drained by ${workers} worker(s). */
export class ${resource}Controller {
  readonly queue: RateLimitingQueue<string> = newRateLimitingQueue<string>();
  readonly retries: RateLimitingQueue<string> = newRateLimitingQueue<string>();
  private running = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly informer: Informer<${resource}>,
    private readonly log: Logger,
  ) {
    informer.addEventHandler({
      onAdd: (obj) => this.enqueue(obj),
      onUpdate: (oldObj, newObj) => {
        if (oldObj.metadata.resourceVersion === newObj.metadata.resourceVersion) return;
        this.enqueue(newObj);
      },
      onDelete: (obj) => this.enqueue(obj),
    });
  }

  enqueue(obj: ${resource}): void {
    this.queue.add(keyFor(obj.metadata.namespace, obj.metadata.name));
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutDown());
    const loops: Promise<void>[] = [];
    for (let i = 0; i < ${workers}; i++) loops.push(this.runWorker());
    await Promise.all(loops);
  }

  private async runWorker(): Promise<void> {
    this.running++;
    try {
      while (await this.processNextWorkItem()) {
        // keep going until the queue shuts down
      }
    } finally {
      this.running--;
    }
  }

${processNext}

${resync}

  private handleError(error: unknown, key: string): void {
    if (isNotFound(error)) {
      this.queue.forget(key);
      return;
    }
    if (isConflict(error) || error instanceof TransientError) {
      this.queue.addRateLimited(key);
      return;
    }
    this.log.log('error', 'sync failed', { key, error: describe(error), requeues: this.queue.numRequeues(key) });
    this.queue.addRateLimited(key);
  }

  /** Brings one object's status in line with its spec. */
  async syncHandler(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.informer.lister.get(namespace, name);
    if (!cached) {
      this.log.log('debug', '${lower} deleted', { key });
      return;
    }
    if (cached.metadata.deletionTimestamp) {
      await this.finalize(cached);
      return;
    }
    const current = (await this.client.get<${resource}>('${resource}', namespace, name)) ?? cached;
    const phase = this.computePhase(current);
    syncs.inc({ phase });
    switch (phase) {
      case 'Pending':
        await this.client.recordEvent(current, { type: 'Normal', reason: 'Scheduling', message: \`waiting for \${current.spec.replicas} replicas\` });
        break;
      case 'Progressing':
        if (current.spec.paused) {
          this.log.log('info', 'rollout paused', { key });
          return;
        }
        await this.scale(current);
        break;
      case 'Degraded':
      case 'Failed':
        await this.client.recordEvent(current, { type: 'Warning', reason: phase, message: this.summarize(current) });
        break;
      default:
        break;
    }
    if (current.status?.phase === phase && current.status.observedGeneration === current.metadata.generation) return;
    await this.client.updateStatus({
      ...current,
      status: {
        ...current.status,
        phase,
        observedGeneration: current.metadata.generation,
        conditions: this.conditions(current, phase),
      },
    });
  }

  private computePhase(obj: ${resource}): Phase {
    const replicas = obj.status?.replicas ?? 0;
    if (replicas === 0 && obj.spec.replicas > 0) return 'Pending';
    if (replicas < obj.spec.replicas) return 'Progressing';
    const failing = obj.status?.conditions?.find((condition) => condition.type === 'Available' && condition.status === 'False');
    if (failing) return failing.reason === 'Crash' ? 'Failed' : 'Degraded';
    return 'Ready';
  }

  private async scale(obj: ${resource}): Promise<void> {
    const replicas = obj.status?.replicas ?? 0;
    const step = Math.max(1, Math.ceil(obj.spec.replicas / 4));
    const next = Math.min(obj.spec.replicas, replicas + step);
    await this.client.updateStatus({ ...obj, status: { ...obj.status, replicas: next } });
  }

  private conditions(obj: ${resource}, phase: Phase): Condition[] {
    const now = new Date().toISOString();
    const previous = obj.status?.conditions ?? [];
    const ready: Condition = { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason: phase, lastTransitionTime: now };
    return [...previous.filter((condition) => condition.type !== 'Ready'), ready];
  }

  private summarize(obj: ${resource}): string {
    const conditions = obj.status?.conditions ?? [];
    return conditions.map((condition) => \`\${condition.type}=\${condition.status}\${condition.message ? \` (\${condition.message})\` : ''}\`).join(', ');
  }

  private async finalize(obj: ${resource}): Promise<void> {
    try {
      await this.client.delete('${resource}', obj.metadata.namespace, obj.metadata.name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  get activeWorkers(): number {
    return this.running;
  }
}
`;
}

function worker(name, index) {
  const type = pascal(name);
  const buggy = index % 4 === 2; // A validation `return` before the try.
  const concurrency = 2 + (index % 3);
  const validation = buggy
    ? `    if (!isValid(task)) {
      log.log('warn', 'invalid ${name} task', { id: task.id });
      return;
    }
    try {`
    : `    try {
      if (!isValid(task)) {
        log.log('warn', 'invalid ${name} task', { id: task.id });
        return;
      }`;
  return `import { delayFor, sleep } from '../backoff.js';
import { describe, TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import { counter, histogram } from '../metrics.js';
import type { Queue, RateLimitingQueue } from '../workqueue.js';

export interface ${type}Task {
  id: string;
  attempt: number;
  payload: Record<string, string>;
  createdAt: number;
}

const processed = counter('${name}_processed_total');
const latency = histogram('${name}_latency_ms');
const cache = new Map<string, ${type}Task>();

function isValid(task: ${type}Task): boolean {
  return task.id.length > 0 && Object.keys(task.payload).length > 0;
}

async function perform(task: ${type}Task, signal: AbortSignal): Promise<void> {
  const previous = cache.get(task.id);
  if (previous && previous.createdAt >= task.createdAt) return;
  if (task.attempt > 0) await sleep(delayFor(task.attempt, { baseMs: 10, maxMs: 5_000, jitter: 0.2 }), signal);
  if (Math.random() < 0.01) throw new TransientError('${name} backend unavailable', 100);
  cache.set(task.id, task);
}

/** One worker: takes tasks until the queue shuts down. */
export async function run${type}Worker(queue: RateLimitingQueue<${type}Task>, log: Logger, signal: AbortSignal): Promise<void> {
  for (;;) {
    const [task, shutdown] = await queue.get();
    if (shutdown) return;
${validation}
      const start = performance.now();
      await perform(task, signal);
      latency.observe({ result: 'ok' }, performance.now() - start);
      processed.inc({ result: 'ok' });
      queue.forget(task);
    } catch (error) {
      processed.inc({ result: 'error' });
      if (error instanceof TransientError && queue.numRequeues(task) < ${3 + index}) {
        queue.addRateLimited({ ...task, attempt: task.attempt + 1 });
      } else {
        log.log('error', '${name} task failed', { id: task.id, error: describe(error) });
      }
    } finally {
      queue.done(task);
    }
  }
}

/** Runs a pool of ${concurrency} workers and drains the queue on shutdown. */
export async function run${type}Pool(queue: RateLimitingQueue<${type}Task>, log: Logger, signal: AbortSignal): Promise<void> {
  signal.addEventListener('abort', () => queue.shutDown());
  const workers = Array.from({ length: ${concurrency} }, () => run${type}Worker(queue, log, signal));
  await Promise.all(workers);
}

/** Moves up to \`limit\` tasks from one queue to another, marking each done on the source. */
export async function transfer${type}(from: Queue<${type}Task>, to: Queue<${type}Task>, limit: number): Promise<number> {
  let moved = 0;
  while (moved < limit && from.len() > 0) {
    const [task, shutdown] = await from.get();
    if (shutdown) break;
    try {
      to.add(task);
      moved++;
    } finally {
      from.done(task);
    }
  }
  return moved;
}

export function ${camel(type)}Stats(): { cached: number } {
  return { cached: cache.size };
}
`;
}

function handler(name, index) {
  const type = pascal(name);
  return `import { describe, NotFoundError } from '../errors.js';
import type { Logger } from '../log.js';
import { counter } from '../metrics.js';

export interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers: Map<string, string>;
  query: URLSearchParams;
  body?: unknown;
}

export interface Response {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface ${type}Record {
  id: string;
  owner: string;
  version: number;
  data: Record<string, unknown>;
}

const requests = counter('http_${name.replace(/-/g, '_')}_requests_total');
const records = new Map<string, ${type}Record>();
const etags = new WeakMap<${type}Record, string>();

function etagOf(record: ${type}Record): string {
  let tag = etags.get(record);
  if (!tag) {
    tag = \`"\${record.id}-\${record.version}"\`;
    etags.set(record, tag);
  }
  return tag;
}

function authorize(req: Request): string {
  const header = req.headers.get('authorization');
  if (!header?.startsWith('Bearer ')) throw new Error('unauthorized');
  return header.slice('Bearer '.length);
}

export async function handle${type}(req: Request, log: Logger): Promise<Response> {
  requests.inc({ method: req.method });
  try {
    const user = authorize(req);
    const id = req.query.get('id') ?? '';
    const record = records.get(id);
    switch (req.method) {
      case 'GET': {
        if (!record) throw new NotFoundError(id);
        if (req.headers.get('if-none-match') === etagOf(record)) return { status: 304 };
        return { status: 200, headers: { etag: etagOf(record) }, body: record.data };
      }
      case 'PUT': {
        const next: ${type}Record = { id, owner: record?.owner ?? user, version: (record?.version ?? 0) + 1, data: req.body as Record<string, unknown> };
        if (record && record.owner !== user) return { status: 403 };
        records.set(id, next);
        return { status: record ? 200 : 201, headers: { etag: etagOf(next) } };
      }
      case 'DELETE':
        if (!record) return { status: 404 };
        records.delete(id);
        return { status: 204 };
      default:
        return { status: 405 };
    }
  } catch (error) {
    if (error instanceof NotFoundError) return { status: 404, body: { error: error.message } };
    log.log(${index % 2 ? "'warn'" : "'error'"}, '${name} request failed', { path: req.path, error: describe(error) });
    return { status: describe(error).includes('unauthorized') ? 401 : 500 };
  }
}

export function list${type}(owner: string, limit = 50): ${type}Record[] {
  const out: ${type}Record[] = [];
  for (const record of records.values()) {
    if (record.owner !== owner) continue;
    out.push(record);
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
`;
}

const UTILITIES = {
  'src/util/lru.ts': `/** A least-recently-used cache over a Map's insertion order. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
`,
  'src/util/semaphore.ts': `/** Counts permits; waiters are served in order. */
export class Semaphore {
  private readonly waiters: Array<() => void> = [];
  constructor(private permits: number) {}

  async acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.permits++;
  }

  async with<T>(run: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await run();
    } finally {
      this.release();
    }
  }
}
`,
  'src/util/config.ts': `export interface Config {
  namespace: string;
  workers: number;
  resyncSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  features: Set<string>;
}

function intFrom(env: Map<string, string>, name: string, fallback: number): number {
  const raw = env.get(name);
  if (raw === undefined) return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isFinite(value) || value < 0) throw new Error(\`\${name} must be a non-negative integer, got \${raw}\`);
  return value;
}

export function loadConfig(env: Map<string, string>): Config {
  const level = env.get('LOG_LEVEL') ?? 'info';
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error') throw new Error(\`bad LOG_LEVEL \${level}\`);
  return {
    namespace: env.get('NAMESPACE') ?? 'default',
    workers: intFrom(env, 'WORKERS', 2),
    resyncSeconds: intFrom(env, 'RESYNC_SECONDS', 300),
    logLevel: level,
    features: new Set((env.get('FEATURES') ?? '').split(',').filter(Boolean)),
  };
}
`,
  'src/util/selectors.ts': `export type Selector = Record<string, string>;

export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels?.[key] !== value) return false;
  }
  return true;
}

export function parseSelector(text: string): Selector {
  const out: Selector = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(\`bad selector term: \${trimmed}\`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}
`,
  'src/util/batch.ts': `/** Groups items into batches of at most \`size\`, flushing at least every \`intervalMs\`. */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly size: number,
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => Promise<void>,
  ) {}

  async push(item: T): Promise<void> {
    this.pending.push(item);
    if (this.pending.length >= this.size) {
      await this.drain();
      return;
    }
    this.timer ??= setTimeout(() => void this.drain(), this.intervalMs);
  }

  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) await this.flush(batch);
  }
}
`,
  'src/util/leader.ts': `import { sleep } from '../backoff.js';

export interface Lease {
  holder: string;
  renewedAt: number;
  durationMs: number;
}

export interface LeaseStore {
  get(name: string): Promise<Lease | undefined>;
  tryUpdate(name: string, expected: Lease | undefined, next: Lease): Promise<boolean>;
}

/** Runs \`lead\` while this process holds the lease; gives it up when the signal aborts. */
export async function runWithLease(store: LeaseStore, name: string, identity: string, lead: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const current = await store.get(name);
    const now = Date.now();
    const expired = !current || now - current.renewedAt > current.durationMs;
    if (current?.holder !== identity && !expired) {
      await sleep(1_000, signal).catch(() => undefined);
      continue;
    }
    const acquired = await store.tryUpdate(name, current, { holder: identity, renewedAt: now, durationMs: 15_000 });
    if (!acquired) continue;
    const leading = new AbortController();
    signal.addEventListener('abort', () => leading.abort());
    await lead(leading.signal);
  }
}
`,
};

const MAIN = `import { FakeClient } from './client.js';
import { createLogger } from './log.js';
import { Informer } from './store.js';
import { loadConfig } from './util/config.js';
${RESOURCES.map((resource) => `import { ${resource}Controller, type ${resource} } from './controllers/${kebab(resource)}-controller.js';`).join('\n')}

export async function main(env: Map<string, string>, signal: AbortSignal): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  const client = new FakeClient();
  const controllers = [
${RESOURCES.map((resource) => `    new ${resource}Controller(client, new Informer<${resource}>(), log.with({ controller: '${kebab(resource)}' })),`).join('\n')}
  ];
  await Promise.all(controllers.map((controller) => controller.run(signal)));
}
`;

/** The leaks planted in the corpus: `workqueue/require-done` should report in these files and nowhere else. */
export const PLANTED_LEAKS = [
  ...RESOURCES.flatMap((resource, index) => [
    ...(index % 5 === 3 ? [{ file: `src/controllers/${kebab(resource)}-controller.ts`, what: 'retry cap returns before the try (processNextWorkItem)' }] : []),
    ...(index % 7 === 5 ? [{ file: `src/controllers/${kebab(resource)}-controller.ts`, what: '`continue` skips done() (drainRetries)' }] : []),
  ]),
  ...WORKERS.flatMap((name, index) =>
    index % 4 === 2 ? [{ file: `src/workers/${name}-worker.ts`, what: 'validation `return` before the try' }] : [],
  ),
];

/** Writes the corpus under `dir` (with a tsconfig.json) and returns the list of .ts files, relative to `dir`. */
export function writeCorpus(dir) {
  const files = { ...SHARED, ...UTILITIES, 'src/main.ts': MAIN };
  RESOURCES.forEach((resource, index) => {
    files[`src/controllers/${kebab(resource)}-controller.ts`] = controller(resource, index);
  });
  WORKERS.forEach((name, index) => {
    files[`src/workers/${name}-worker.ts`] = worker(name, index);
  });
  HANDLERS.forEach((name, index) => {
    files[`src/handlers/${name}.ts`] = handler(name, index);
  });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'workqueue-bench-corpus', private: true, type: 'module' }, null, 2));
  return Object.keys(files).sort();
}
