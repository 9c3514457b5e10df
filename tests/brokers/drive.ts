/**
 * Runs a broker fixture against the real broker with the fault payloads (tests/brokers/faults.ts) and reads the
 * broker's own verdict:
 *
 * - RabbitMQ: deliveries left unacknowledged — the queue's ready count after the consumer's channel is closed
 *   (RabbitMQ requeues what it had not been acked for) minus the count before; a double settle is the channel closed
 *   by the broker with 406 PRECONDITION_FAILED. Consumer fixtures are also cancelled by the broker (the queue is
 *   deleted, the callback gets `null`) and must take that without an error.
 * - NATS JetStream: the durable consumer's `num_ack_pending` (a pull consumer, or the push consumer a fixture's
 *   `js.subscribe` creates) once the fixture has returned or thrown.
 * - BullMQ: the queue's active jobs once the fixture has returned or thrown.
 */
import amqp from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { AckPolicy, connect, type Consumer, type JetStreamClient, type NatsConnection } from 'nats';

import { isInjected, PAYLOADS } from './faults.js';

export interface BrokerVerdict {
  /** Deliveries the broker still counts as unsettled. */
  readonly unsettled: number;
  /** The broker closed the channel for a second settle (AMQP only). */
  readonly doubleSettle: boolean;
  /** What the fixture threw on an injected fault, if it did (anything else fails the run). */
  readonly threw: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function settleRun(run: () => Promise<void>): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (error) {
    if (!isInjected(error)) throw error;
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

export async function driveNats(port: number, name: string, fixture: { run?: NatsRun; subscribe?: NatsSubscribe }): Promise<BrokerVerdict> {
  const nc: NatsConnection = await connect({ servers: `127.0.0.1:${port}` });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = `WQ_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const js = nc.jetstream();
    for (const payload of PAYLOADS) await js.publish(`${stream}.jobs`, payload);
    let threw: boolean;
    if (fixture.subscribe) {
      const { subscribe } = fixture;
      threw = await settleRun(() => subscribe(js, `${stream}.jobs`, 'fixture', PAYLOADS.length));
    } else if (fixture.run) {
      const { run } = fixture;
      // A long ack wait: nothing is redelivered while the verdict is read.
      await jsm.consumers.add(stream, { durable_name: 'fixture', ack_policy: AckPolicy.Explicit, ack_wait: 60_000_000_000 });
      const consumer = await js.consumers.get(stream, 'fixture');
      threw = await settleRun(() => run(consumer, PAYLOADS.length));
    } else {
      throw new Error(`the NATS fixture ${name} exports neither run(consumer, count) nor subscribe(js, subject, durable, count)`);
    }
    await sleep(200);
    const info = await jsm.consumers.info(stream, 'fixture');
    await jsm.streams.delete(stream);
    return { unsettled: info.num_ack_pending, doubleSettle: false, threw };
  } finally {
    await nc.close();
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
