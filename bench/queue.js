// Work queue benchmark: `npm run bench:queue` (builds, then runs this file).
//
// Prints, in one run:
//  - items/second of an add/get/done cycle with 1 and 8 async workers for
//    (a) our queue, (b) fastq.promise doing the same work, (c) a naive
//    array-and-shift queue with the same semantics; and the ratio ours/fastq;
//  - our per-item cost with 10k and with 1M items through the queue, and their ratio
//    (O(1) operations keep it near 1); and the same with all items queued at once, beside
//    a bare V8 Set's own ratio on the same keys (the memory hierarchy, not the algorithm).
//
// Each figure is the median of several timed runs after warm-up runs. The
// workload: W workers loop on `await q.get()` / work / `q.done(item)`; the
// producer adds N distinct string keys (`namespace/name`) in one go, so the
// queue holds up to N items, then shuts the queue down; the run ends when
// every worker has seen the shutdown. For fastq the producer pushes the same
// keys to `fastq.promise(worker, W)` and awaits `drained()`.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import fastq from 'fastq';
import { newQueue } from 'k8s-workqueue';
import { NaiveQueue } from './naive-queue.js';

const THROUGHPUT_ITEMS = 100_000;
const SMALL = 10_000;
const LARGE = 1_000_000;

let sink = 0;
/** The "work" every contender does per item. */
function work(item) {
  sink += item.length;
}

function makeKeys(n) {
  const keys = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = `default/object-${i}`;
  return keys;
}

async function workerLoop(q) {
  for (;;) {
    const [item, shutdown] = await q.get();
    if (shutdown) return;
    work(item);
    q.done(item);
  }
}

async function runWorkQueue(makeQueue, keys, workers) {
  const q = makeQueue();
  const t0 = performance.now();
  const loops = [];
  for (let w = 0; w < workers; w++) loops.push(workerLoop(q));
  for (let i = 0; i < keys.length; i++) q.add(keys[i]);
  q.shutDown();
  await Promise.all(loops);
  const ms = performance.now() - t0;
  if (q.len() !== 0) throw new Error('queue not drained');
  if (typeof q.stats === 'function' && q.stats().dones !== keys.length) throw new Error('items lost');
  return ms;
}

async function runFastq(keys, workers) {
  let processed = 0;
  const q = fastq.promise(async (item) => {
    work(item);
    processed++;
  }, workers);
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i++) q.push(keys[i]);
  await q.drained();
  const ms = performance.now() - t0;
  if (processed !== keys.length) throw new Error('fastq lost items');
  return ms;
}

const contenders = {
  ours: (keys, w) => runWorkQueue(() => newQueue(), keys, w),
  fastq: (keys, w) => runFastq(keys, w),
  naive: (keys, w) => runWorkQueue(() => new NaiveQueue(), keys, w),
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(fn, keys, workers, warmups, runs) {
  for (let i = 0; i < warmups; i++) await fn(keys, workers);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await fn(keys, workers));
  return median(times);
}

/**
 * Median per-item cost (ns) of `fn` on `small` and `large` keys. The runs are
 * interleaved (one large run, then `smallPerLarge` small runs, repeated) so
 * that load from other processes affects both sizes alike.
 */
async function compareSizes(fn, small, large, rounds, smallPerLarge) {
  for (let i = 0; i < 20; i++) await fn(small);
  await fn(large);
  const ts = [];
  const tl = [];
  for (let r = 0; r < rounds; r++) {
    tl.push(await fn(large));
    for (let i = 0; i < smallPerLarge; i++) ts.push(await fn(small));
  }
  return [(median(ts) * 1e6) / small.length, (median(tl) * 1e6) / large.length];
}

/**
 * `keys` through one queue in chunks: each chunk is queued, then drained, before the next. The queue's own
 * tables stay at most `chunk` large, so the per-item cost shows what the operations cost, not the CPU caches.
 */
async function runStreaming(keys, chunk) {
  const q = newQueue();
  let processed = 0;
  let target = 0;
  let wake = () => {};
  const loop = (async () => {
    for (;;) {
      const [item, shutdown] = await q.get();
      if (shutdown) return;
      work(item);
      q.done(item);
      if (++processed === target) wake();
    }
  })();
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i += chunk) {
    const end = Math.min(i + chunk, keys.length);
    target = end;
    const drained = new Promise((resolve) => {
      wake = resolve;
    });
    for (let j = i; j < end; j++) q.add(keys[j]);
    await drained;
  }
  q.shutDown();
  await loop;
  const ms = performance.now() - t0;
  if (processed !== keys.length || q.stats().dones !== keys.length) throw new Error('items lost');
  return ms;
}

/** Reference: a bare V8 Set, adding then deleting every key (the hash-table floor). */
async function bareSet(keys) {
  const t0 = performance.now();
  const s = new Set();
  for (let i = 0; i < keys.length; i++) s.add(keys[i]);
  for (let i = 0; i < keys.length; i++) s.delete(keys[i]);
  return performance.now() - t0;
}

const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const pad = (s, n) => String(s).padStart(n);

async function main() {
  const t0 = performance.now();
  const keys = makeKeys(LARGE);
  const throughputKeys = keys.slice(0, THROUGHPUT_ITEMS);
  const smallKeys = keys.slice(0, SMALL);
  // Hash every key once so that no contender pays for the first hashing.
  new Set(keys);

  console.log(`workqueue benchmark — node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}`);
  console.log('');
  console.log(`add/get/done cycle, ${fmtInt(THROUGHPUT_ITEMS)} distinct "namespace/name" keys per run (queue depth up to ${fmtInt(THROUGHPUT_ITEMS)})`);
  console.log('median of 7 runs after 3 warm-up runs (naive: of 3 runs after 1 warm-up run; it is O(n) per get)');
  console.log(`${'workers'.padEnd(8)}${pad('ours items/s', 16)}${pad('fastq items/s', 16)}${pad('naive items/s', 16)}${pad('ours/fastq', 12)}`);
  const ratios = [];
  for (const workers of [1, 8]) {
    const row = {};
    for (const [name, fn] of Object.entries(contenders)) {
      const ms = name === 'naive' ? await measure(fn, throughputKeys, workers, 1, 3) : await measure(fn, throughputKeys, workers, 3, 7);
      row[name] = (THROUGHPUT_ITEMS / ms) * 1000;
    }
    const ratio = row.ours / row.fastq;
    ratios.push(ratio);
    console.log(
      `${String(workers).padEnd(8)}${pad(fmtInt(row.ours), 16)}${pad(fmtInt(row.fastq), 16)}${pad(fmtInt(row.naive), 16)}${pad(ratio.toFixed(2), 12)}`,
    );
  }

  console.log('');
  console.log(`per-item cost of ours, 1 worker, ${fmtInt(SMALL)} vs ${fmtInt(LARGE)} items through one queue, at most ${fmtInt(SMALL)} queued at a time;`);
  console.log('medians of interleaved runs (7 runs of 1M, 42 of 10k):');
  const [streamSmallNs, streamLargeNs] = await compareSizes((k) => runStreaming(k, SMALL), smallKeys, keys, 7, 6);
  const scaling = streamLargeNs / streamSmallNs;
  console.log(`  ${pad(fmtInt(SMALL), 9)} items: ${pad(streamSmallNs.toFixed(1), 7)} ns/item`);
  console.log(`  ${pad(fmtInt(LARGE), 9)} items: ${pad(streamLargeNs.toFixed(1), 7)} ns/item`);
  console.log(`  ratio 1M/10k: ${scaling.toFixed(2)} (target <= 1.5)`);

  console.log('');
  console.log('the same with every item queued at once (queue depth = items: the hash tables outgrow the CPU caches);');
  console.log('medians of interleaved runs (7 runs of 1M, 42 of 10k):');
  const [smallNs, largeNs] = await compareSizes((k) => contenders.ours(k, 1), smallKeys, keys, 7, 6);
  const deepScaling = largeNs / smallNs;
  console.log(`  ${pad(fmtInt(SMALL), 9)} items: ${pad(smallNs.toFixed(1), 7)} ns/item`);
  console.log(`  ${pad(fmtInt(LARGE), 9)} items: ${pad(largeNs.toFixed(1), 7)} ns/item`);
  console.log(`  ratio 1M/10k: ${deepScaling.toFixed(2)} (no target: compare the bare Set below)`);
  const [setSmall, setLarge] = await compareSizes(bareSet, smallKeys, keys, 7, 6);
  console.log(
    `  reference, a bare V8 Set add+delete of the same keys: ${setSmall.toFixed(1)} vs ${setLarge.toFixed(1)} ns/key, ratio ${(setLarge / setSmall).toFixed(2)}`,
  );
  const naiveKeys = keys.slice(0, THROUGHPUT_ITEMS);
  const naiveSmall = (await measure(contenders.naive, smallKeys, 1, 3, 7)) * 1e6 / SMALL;
  const naiveLarge = (await measure(contenders.naive, naiveKeys, 1, 0, 1)) * 1e6 / THROUGHPUT_ITEMS;
  console.log(
    `  reference, the naive shift queue at 10k vs 100k items: ${naiveSmall.toFixed(1)} vs ${naiveLarge.toFixed(1)} ns/item, ratio ${(naiveLarge / naiveSmall).toFixed(2)}`,
  );

  console.log('');
  const okFastq = ratios.every((r) => r >= 1);
  console.log(
    `targets: ours >= fastq: ${okFastq ? 'met' : 'MISSED'}; ours 1M/10k <= 1.5 (streaming): ${scaling <= 1.5 ? 'met' : 'MISSED'}`,
  );
  console.log(`(benchmark took ${((performance.now() - t0) / 1000).toFixed(1)} s${sink === 0 ? '' : ''})`);
}

await main();
