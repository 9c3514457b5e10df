// Shared helpers for the work queue tests. Nothing here waits on wall-clock
// time: `flush()` only lets pending promise continuations run.
import type { WorkQueue } from '../../src/queue/index.js';

/** Lets every pending promise continuation run (one macrotask turn, repeated). */
export async function flush(turns = 2): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Whether `p` has settled, after letting continuations run. */
export async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await flush();
  return settled;
}

/** Takes the next item, failing the test if the queue reports shutdown. */
export async function mustGet<T>(q: WorkQueue<T>): Promise<T> {
  const [item, shutdown] = await q.get();
  if (shutdown) throw new Error('unexpected shutdown');
  return item;
}

/** Takes everything currently queued (without waiting), marking each done. */
export async function drainNow<T>(q: WorkQueue<T>): Promise<T[]> {
  const out: T[] = [];
  while (q.len() > 0) {
    const item = await mustGet(q);
    out.push(item);
    q.done(item);
  }
  return out;
}

/** A deterministic pseudo-random generator (mulberry32). */
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
