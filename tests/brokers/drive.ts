/**
 * Runs a broker fixture against the real broker with the fault payloads (tests/brokers/faults.ts) and reads the
 * broker's own verdict:
 *
 * - RabbitMQ: deliveries left unacknowledged — the queue's ready count after the consumer's channel is closed
 *   (RabbitMQ requeues what it had not been acked for) minus the count before; a double settle is the channel closed
 *   by the broker with 406 PRECONDITION_FAILED. Consumer fixtures are also cancelled by the broker (the queue is
 *   deleted, the callback gets `null`) and must take that without an error.
 * - NATS JetStream: the durable consumer's `num_ack_pending` (a pull consumer — the driver's, or one the fixture
 *   creates itself with its own ack policy — or the push consumer a fixture's `js.subscribe` creates) once the
 *   fixture has returned or thrown. Cancelled: the fixture's connection is drained while its loop waits for a message
 *   that never comes; the loop must end, and the count is read again.
 * - BullMQ: the queue's active jobs once the fixture has returned or thrown. Cancelled: the worker is paused while the
 *   handler works on the last job, so the next `getNextJob` finds no job though one is still waiting.
 *
 * A cancellation *while a handler holds a message* means nothing for NATS and for BullMQ beyond this: a deleted
 * JetStream consumer forgets its pending messages (there is no count left to read), and after a drained connection or
 * a closed worker no code can settle the message in hand (the settle throws); the broker's own recovery (redelivery
 * after `ack_wait`, BullMQ's stalled-job check) takes over. So NATS is cancelled between messages, and BullMQ by a
 * pause, which leaves the job in hand settleable.
 */
import amqp from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { AckPolicy, connect, type Consumer, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';

import { AFTER_CANCEL, injectDuringWork, isInjected, PAYLOADS } from './faults.js';

export interface BrokerVerdict {
  /** Deliveries the broker still counts as unsettled. */
  readonly unsettled: number;
  /** The broker closed the channel for a second settle (AMQP only). */
  readonly doubleSettle: boolean;
  /** What the fixture threw on an injected fault, if it did (anything else fails the run). */
  readonly threw: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function settleRun(run: () => Promise<void>, expected: (error: unknown) => boolean = isInjected): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (error) {
    if (!expected(error)) throw error;
    return true;
  }
}

// ---- RabbitMQ ---------------------------------------------------------------------------------------------------

export type AmqpStart = (channel: amqp.Channel, queue: string) => Promise<void>;

export async function driveAmqp(port: number, name: string, start: AmqpStart, confirm = false): Promise<BrokerVerdict> {
  const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`);
  try {
    const admin = await connection.createChannel();
    const queue = `workqueue.${name}`;
    await admin.assertQueue(queue, { durable: false });
    await admin.purgeQueue(queue);
    for (const payload of PAYLOADS) admin.sendToQueue(queue, Buffer.from(payload));
    const channel = confirm ? await connection.createConfirmChannel() : await connection.createChannel();
    await channel.prefetch(PAYLOADS.length * 2);
    // Set by the channel's events while the fixture runs.
    const seen = { doubleSettle: false, closed: false };
    channel.on('error', (error: Error & { code?: number }) => {
      if (error.code === 406 && error.message.includes('PRECONDITION_FAILED')) seen.doubleSettle = true;
      else throw error;
    });
    channel.on('close', () => {
      seen.closed = true;
    });
    const threw = await settleRun(() => start(channel, queue));
    // Let the handlers run: every message delivered, and a quiet moment for the last one's work.
    for (let i = 0; i < 50 && (await admin.checkQueue(queue)).messageCount > 0 && !seen.closed; i++) await sleep(50);
    await sleep(300);
    const ready = (await admin.checkQueue(queue)).messageCount;
    if (!seen.closed) await channel.close();
    await sleep(100);
    const unsettled = (await admin.checkQueue(queue)).messageCount - ready;
    await admin.deleteQueue(queue);
    return { unsettled, doubleSettle: seen.doubleSettle, threw };
  } finally {
    await connection.close();
  }
}

/**
 * The consumer is cancelled by the broker (its queue deleted): the callback gets `null`, which the fixture must
 * treat as no message. Resolves once the cancel was delivered; an error in the callback fails the run.
 */
export async function cancelAmqp(port: number, name: string, start: AmqpStart, confirm = false): Promise<void> {
  const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`);
  try {
    const channel = confirm ? await connection.createConfirmChannel() : await connection.createChannel();
    const queue = `workqueue.${name}.cancel`;
    await channel.assertQueue(queue, { durable: false });
    await start(channel, queue);
    const admin = await connection.createChannel();
    await admin.deleteQueue(queue);
    await sleep(200);
  } finally {
    await connection.close();
  }
}

// ---- NATS JetStream ---------------------------------------------------------------------------------------------

export type NatsRun = (consumer: Consumer, count: number) => Promise<void>;
/** A push subscription fixture: `js.subscribe(subject, opts)` with the durable name it is given. */
export type NatsSubscribe = (js: JetStreamClient, subject: string, durable: string, count: number) => Promise<void>;
/**
 * A fixture that creates its own pull consumer on `stream`, named `fixture` (written as a literal, so that the rule
 * sees which consumer it gets and with which ack policy), and consumes from it.
 */
export type NatsCreate = (js: JetStreamClient, jsm: JetStreamManager, stream: string, count: number) => Promise<void>;
export interface NatsFixture {
  readonly run?: NatsRun;
  readonly subscribe?: NatsSubscribe;
  readonly create?: NatsCreate;
}

/** The consumer every NATS fixture settles on: the driver's pull consumer, the fixture's own, or its push durable. */
const DURABLE = 'fixture';

async function startNats(nc: NatsConnection, stream: string, fixture: NatsFixture, count: number): Promise<() => Promise<void>> {
  const js = nc.jetstream();
  if (fixture.subscribe) {
    const { subscribe } = fixture;
    return () => subscribe(js, `${stream}.jobs`, DURABLE, count);
  }
  if (fixture.create) {
    const { create } = fixture;
    const jsm = await nc.jetstreamManager();
    return () => create(js, jsm, stream, count);
  }
  if (fixture.run) {
    const { run } = fixture;
    const jsm = await nc.jetstreamManager();
    // A long ack wait: nothing is redelivered while the verdict is read.
    await jsm.consumers.add(stream, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, ack_wait: 60_000_000_000 });
    const consumer = await js.consumers.get(stream, DURABLE);
    return () => run(consumer, count);
  }
  throw new Error(`the NATS fixture ${stream} exports none of run(consumer, count), subscribe(js, subject, durable, count), create(js, jsm, stream, count)`);
}

async function natsStream(nc: NatsConnection, name: string, prefix: string): Promise<{ jsm: JetStreamManager; stream: string }> {
  const jsm = await nc.jetstreamManager();
  const stream = `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const js = nc.jetstream();
  for (const payload of PAYLOADS) await js.publish(`${stream}.jobs`, payload);
  return { jsm, stream };
}

export async function driveNats(port: number, name: string, fixture: NatsFixture): Promise<BrokerVerdict> {
  const nc: NatsConnection = await connect({ servers: `127.0.0.1:${port}` });
  try {
    const { jsm, stream } = await natsStream(nc, name, 'WQ');
    const run = await startNats(nc, stream, fixture, PAYLOADS.length);
    const threw = await settleRun(run);
    await sleep(200);
    const info = await jsm.consumers.info(stream, DURABLE);
    await jsm.streams.delete(stream);
    return { unsettled: info.num_ack_pending, doubleSettle: false, threw };
  } finally {
    await nc.close();
  }
}

export interface CancelVerdict extends BrokerVerdict {
  /** The fault hit a fixture that was still running (waiting for a message, or working on one). */
  readonly fired: boolean;
}

/** What the client throws at a fixture whose connection was drained or closed under it. */
function isCancelled(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return isInjected(error) || code === 'CONNECTION_DRAINING' || code === 'CONNECTION_CLOSED' || (typeof message === 'string' && /CONNECTION_(DRAINING|CLOSED)/.test(message));
}

/**
 * The consumer cancelled: the fixture is told to expect one message more than is published, so its loop is still
 * waiting once it has handled every delivery; then its connection is drained (the subscription ends, as on a
 * shutdown). The fixture must end — returning, or throwing what the client throws at a drained connection — and the
 * count of deliveries left pending is read from a second connection.
 */
export async function cancelNats(port: number, name: string, fixture: NatsFixture): Promise<CancelVerdict> {
  const admin: NatsConnection = await connect({ servers: `127.0.0.1:${port}` });
  const nc: NatsConnection = await connect({ servers: `127.0.0.1:${port}` });
  try {
    const { jsm, stream } = await natsStream(admin, name, 'WQC');
    const run = await startNats(nc, stream, fixture, PAYLOADS.length + 1);
    const state = { ended: false };
    const running = settleRun(run, isCancelled).finally(() => {
      state.ended = true;
    });
    // Every delivery handled: nothing left to deliver and the pending count unchanged for 300 ms, or the fixture
    // already gone (it threw out of its loop).
    let last = -1;
    let quiet = 0;
    for (let i = 0; i < 100 && !state.ended && quiet < 3; i++) {
      await sleep(100);
      const info = await jsm.consumers.info(stream, DURABLE).catch(() => undefined);
      const settled = info !== undefined && info.num_pending === 0 && info.num_ack_pending === last;
      quiet = settled ? quiet + 1 : 0;
      last = info?.num_ack_pending ?? -1;
    }
    const fired = !state.ended;
    if (!nc.isClosed()) await nc.drain();
    const threw = await Promise.race([running, sleep(10_000).then(() => 'hung' as const)]);
    if (threw === 'hung') throw new Error(`NATS fixture ${name} did not end once its connection was drained`);
    await sleep(200);
    const info = await jsm.consumers.info(stream, DURABLE);
    await jsm.streams.delete(stream);
    return { unsettled: info.num_ack_pending, doubleSettle: false, threw, fired };
  } finally {
    if (!nc.isClosed()) await nc.close();
    await admin.close();
  }
}

// ---- BullMQ (Redis) ---------------------------------------------------------------------------------------------

export type BullRun = (worker: Worker, token: string) => Promise<void>;

export async function driveBull(port: number, name: string, run: BullRun): Promise<BrokerVerdict> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const queueName = `workqueue-${name}`;
  const queue = new Queue(queueName, { connection });
  // Manual processing: no processor, and the stalled-job checker is never started, so a job left active stays so.
  const worker = new Worker(queueName, null, { connection, lockDuration: 60_000 });
  try {
    await queue.obliterate({ force: true });
    for (const [index, payload] of PAYLOADS.entries()) await queue.add(`job-${index}`, payload, { attempts: 1 });
    const threw = await settleRun(() => run(worker, `token-${name}`));
    const unsettled = await queue.getActiveCount();
    await queue.obliterate({ force: true });
    return { unsettled, doubleSettle: false, threw };
  } finally {
    await worker.close(true);
    await queue.close();
  }
}

/**
 * The worker paused while the handler works on the last job (`worker.pause(true)`: it takes no job after this one).
 * One more job is published, so the next `getNextJob` returns no job though a job is still waiting; the job in hand
 * can still be settled. The verdict is the active count as before; `fired` says the pause came while the fixture ran.
 */
export async function pauseBull(port: number, name: string, run: BullRun): Promise<CancelVerdict & { readonly waiting: number }> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const queueName = `workqueue-${name}-paused`;
  const queue = new Queue(queueName, { connection });
  const worker = new Worker(queueName, null, { connection, lockDuration: 60_000 });
  let fired = false;
  try {
    await queue.obliterate({ force: true });
    for (const [index, payload] of [...PAYLOADS, AFTER_CANCEL].entries()) await queue.add(`job-${index}`, payload, { attempts: 1 });
    const last = (JSON.parse(PAYLOADS[PAYLOADS.length - 1] ?? '{}') as { id?: number }).id;
    injectDuringWork(async (job) => {
      if (job.id !== last || fired) return;
      fired = true;
      await worker.pause(true);
    });
    const threw = await settleRun(() => run(worker, `token-${name}`));
    const unsettled = await queue.getActiveCount();
    const waiting = await queue.getWaitingCount();
    await queue.obliterate({ force: true });
    return { unsettled, doubleSettle: false, threw, fired, waiting };
  } finally {
    injectDuringWork(undefined);
    await worker.close(true);
    await queue.close();
  }
}
