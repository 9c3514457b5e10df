/**
 * require-release's broker presets (amqplib, google-pubsub, nats, bullmq, azure-service-bus) and the pair shapes
 * they are built from: a resource handed to a callback's parameter, and each element of an owed iterable. The typed
 * run resolves every receiver through the packages' real declarations; the untyped run matches receiver names, and
 * only in a file that imports the package. Google Pub/Sub and Azure Service Bus are judged here only (no local
 * server); the others are also run against the real brokers (tests/brokers).
 */
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import parser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';

import rule, { type MessageIds, type Options } from '../../rules/require-release.js';
import { typedTester, untypedTester } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

const ALL: Options = [{ presets: ['amqplib', 'google-pubsub', 'nats', 'bullmq', 'azure-service-bus'] }];
const withPresets = <T extends Valid | Invalid>(test: T): T => (test.options ? test : { ...test, options: ALL });

const AMQP = `import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
declare const channel: Channel;
declare function work(x: unknown): Promise<void>;
`;
const PUBSUB = `import { PubSub } from '@google-cloud/pubsub';
const subscription = new PubSub().subscription('s');
declare function work(x: unknown): Promise<void>;
`;
const NATS = `import type { Consumer, JetStreamClient } from 'nats';
import { consumerOpts } from 'nats';
declare const consumer: Consumer;
declare const js: JetStreamClient;
declare function work(x: unknown): Promise<void>;
`;
const BULL = `import { Worker } from 'bullmq';
const worker = new Worker('q', null, { connection: {} });
declare function work(x: unknown): Promise<void>;
`;
const AZURE = `import { ServiceBusClient } from '@azure/service-bus';
const client = new ServiceBusClient('conn');
const receiver = client.createReceiver('q');
declare function work(x: unknown): Promise<void>;
`;

const valid: Valid[] = [
  // amqplib: every path acks or nacks; null is a cancelled consumer.
  `${AMQP}
void channel.consume('q', async (msg) => {
  if (msg === null) return;
  try {
    await work(msg.content);
    channel.ack(msg);
  } catch {
    channel.nack(msg, false, false);
  }
});`,
  // noAck: settled on delivery.
  `${AMQP}
void channel.consume('q', async (msg) => { await work(msg?.content); }, { noAck: true });`,
  // Options the rule cannot read owe nothing it can judge.
  `${AMQP}
declare const options: { noAck: boolean };
void channel.consume('q', async (msg) => { await work(msg?.content); }, options);`,
  // ackAll settles everything; a ConfirmChannel is a channel.
  `${AMQP}
declare const confirm: ConfirmChannel;
void confirm.consume('q', (msg) => {
  if (!msg) return;
  confirm.ackAll();
});`,
  // channel.get: false is no message.
  `${AMQP}
export async function poll() {
  const msg = await channel.get('q');
  if (msg === false) return;
  channel.ack(msg);
}`,
  // channel.get with noAck: settled on delivery.
  `${AMQP}
export async function peek() {
  const msg = await channel.get('q', { noAck: true });
  if (msg) await work(msg.content);
}`,
  // A same-file helper that settles on every path.
  `${AMQP}
function settle(ch: Channel, m: ConsumeMessage, ok: boolean) {
  if (ok) ch.ack(m);
  else ch.nack(m);
}
void channel.consume('q', (msg) => {
  if (msg) settle(channel, msg, msg.fields.redelivered);
});`,
  // Stored for later settlement: handed on.
  `${AMQP}
const pending: ConsumeMessage[] = [];
void channel.consume('q', (msg) => {
  if (msg) pending.push(msg);
});`,
  // Handed to a function of another file: it is that function's to settle.
  `${AMQP}
declare function handle(ch: Channel, m: ConsumeMessage): Promise<void>;
void channel.consume('q', async (msg) => {
  if (msg) await handle(channel, msg);
});`,
  // google-pubsub
  `${PUBSUB}
subscription.on('message', async (message) => {
  try {
    await work(message.data);
    message.ack();
  } catch {
    message.nack();
  }
});`,
  // Another event's listener is not handed a message to settle.
  `${PUBSUB}
subscription.on('error', (error) => { console.error(error); });`,
  // nats
  `${NATS}
export async function drain() {
  const messages = await consumer.consume();
  for await (const m of messages) {
    try {
      await work(m.data);
      m.ack();
    } catch {
      m.nak();
    }
  }
}`,
  `${NATS}
export async function one() {
  const m = await consumer.next();
  if (m === null) return;
  m.term();
}`,
  // js.subscribe without manualAck(): the client acks.
  `${NATS}
export async function auto() {
  const sub = await js.subscribe('s', consumerOpts().durable('d'));
  for await (const m of sub) await work(m.data);
}`,
  // An ordered consumer acknowledges nothing.
  `${NATS}
export async function ordered() {
  const c = await js.consumers.get('stream');
  for await (const m of await c.fetch()) await work(m.data);
}`,
  // A consumer this file creates with ack policy none: the server counts each delivery as done.
  `${NATS}
import { AckPolicy, type JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
export async function none() {
  await jsm.consumers.add('jobs', { durable_name: 'audit', ack_policy: AckPolicy.None });
  const auditConsumer = await js.consumers.get('jobs', 'audit');
  for await (const m of await auditConsumer.fetch({ max_messages: 10 })) await work(m.data);
}`,
  // Created without ack_policy: the server's default is none.
  `${NATS}
import type { JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
const NAME = 'audit';
export async function unset() {
  await jsm.consumers.add('jobs', { durable_name: NAME });
  const auditConsumer = await js.consumers.get('jobs', NAME);
  const m = await auditConsumer.next();
  if (m) await work(m.data);
}`,
  // An ephemeral consumer named by what consumers.add returned (nats.js's own example): the only consumer this file
  // creates has ack policy none, and the name cannot be matched by its text, so the rule takes it as that one.
  `${NATS}
import { AckPolicy, type JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
export async function ephemeral(stream: string) {
  const ci = await jsm.consumers.add(stream, { ack_policy: AckPolicy.None });
  const eventsConsumer = await js.consumers.get(stream, ci.name);
  const m = await eventsConsumer.next();
  if (m) console.log(m.json());
}`,
  // Ack policy all: a later ack settles an earlier message, so a message left unacked is not judged.
  `${NATS}
import { AckPolicy, type ConsumerConfig, type JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
const config: Partial<ConsumerConfig> = { name: 'batch', ack_policy: AckPolicy.All };
export async function all() {
  await jsm.consumers.add('jobs', config);
  const batchConsumer = await js.consumers.get('jobs', 'batch');
  let n = 0;
  for await (const m of await batchConsumer.consume()) {
    if (++n % 10 === 0) m.ack();
  }
}`,
  // A pull subscription without manualAck(): the client acks.
  `${NATS}
export async function pullAuto() {
  const psub = await js.pullSubscribe('s', consumerOpts().durable('d'));
  psub.pull({ batch: 10 });
  for await (const m of psub) await work(m.data);
}`,
  // Push subscriptions with ackNone(), ackAll() or an ordered consumer: not owed one by one.
  `${NATS}
export async function pushNone() {
  const sub = await js.subscribe('s', consumerOpts().durable('d').manualAck().ackNone());
  for await (const m of sub) await work(m.data);
}`,
  `${NATS}
export async function pushAll() {
  const opts = consumerOpts();
  opts.durable('d');
  opts.manualAck();
  opts.ackAll();
  const sub = await js.subscribe('s', opts);
  for await (const m of sub) await work(m.data);
}`,
  `${NATS}
export async function pushOrdered() {
  const sub = await js.subscribe('s', consumerOpts().orderedConsumer().manualAck());
  for await (const m of sub) await work(m.data);
}`,
  // bullmq
  `${BULL}
export async function take(token: string) {
  const job = await worker.getNextJob(token);
  if (!job) return;
  try {
    await work(job.data);
    await job.moveToCompleted('ok', token, false);
  } catch (error) {
    await job.moveToFailed(error as Error, token, false);
  }
}`,
  // azure-service-bus: auto-complete (the default) owes nothing.
  `${AZURE}
receiver.subscribe({
  async processMessage(message) { await work(message.body); },
  async processError() {},
});`,
  `${AZURE}
receiver.subscribe(
  {
    async processMessage(message) {
      try {
        await work(message.body);
        await receiver.completeMessage(message);
      } catch {
        await receiver.abandonMessage(message);
      }
    },
    async processError() {},
  },
  { autoCompleteMessages: false },
);`,
  // The list is iterated twice: the second loop settles, so the first is not judged.
  `${AZURE}
export async function twice() {
  const messages = await receiver.receiveMessages(10);
  if (messages.length === 0) return;
  for (const message of messages) console.log(message.messageId);
  for (const message of messages) await receiver.completeMessage(message);
}`,
  // Taken twice, by a loop and by forEach: the other may be where each is settled, so neither is judged.
  `${AZURE}
export async function each() {
  const messages = await receiver.receiveMessages(10);
  for (const message of messages) await work(message.body);
  messages.forEach((message) => void receiver.completeMessage(message));
}`,
  // forEach: the callback's parameter is each message, settled on every path of the callback.
  `${AZURE}
export async function each() {
  const messages = await receiver.receiveMessages(10);
  messages.forEach(async (message) => {
    try {
      await work(message.body);
      await receiver.completeMessage(message);
    } catch {
      await receiver.abandonMessage(message);
    }
  });
}`,
  // Promise.all over map, on the call itself.
  `${AZURE}
export async function all() {
  await Promise.all(
    (await receiver.receiveMessages(10)).map(async (message) => {
      if (message.deliveryCount > 3) {
        await receiver.deadLetterMessage(message);
        return;
      }
      await receiver.completeMessage(message);
    }),
  );
}`,
  // A function of this file, passed by name, that settles on every path.
  `${AZURE}
async function handle(message: import('@azure/service-bus').ServiceBusReceivedMessage) {
  try {
    await work(message.body);
    await receiver.completeMessage(message);
  } catch {
    await receiver.abandonMessage(message);
  }
}
export async function named() {
  const messages = await receiver.receiveMessages(10);
  if (messages.length > 0) messages.forEach(handle);
}`,
  // A function of another file: the rule cannot see whether it settles.
  `${AZURE}
declare function settleLater(message: import('@azure/service-bus').ServiceBusReceivedMessage): Promise<void>;
export async function elsewhere() {
  (await receiver.receiveMessages(10)).forEach(settleLater);
  (await receiver.receiveMessages(10)).forEach((message) => void settleLater(message));
}`,
  // map keeps each message in the new list (an arrow's value is returned): settled from there.
  `${AZURE}
export async function kept() {
  const messages = await receiver.receiveMessages(10);
  const tagged = messages.map((message) => ({ message, id: message.messageId }));
  for (const { message } of tagged) await receiver.completeMessage(message);
}`,
  // getMessageIterator(): each message settled in the loop's body.
  `${AZURE}
export async function iterate() {
  for await (const message of receiver.getMessageIterator()) {
    try {
      await work(message.body);
      await receiver.completeMessage(message);
    } catch {
      await receiver.deadLetterMessage(message);
    }
  }
}`,
  // receiveAndDelete: forEach owes nothing either.
  `import { ServiceBusClient } from '@azure/service-bus';
declare function work(x: unknown): Promise<void>;
const deleting = new ServiceBusClient('conn').createReceiver('q', { receiveMode: 'receiveAndDelete' });
export async function each() {
  (await deleting.receiveMessages(10)).forEach((message) => void work(message.body));
}`,
  // receiveAndDelete: nothing to settle.
  `import { ServiceBusClient } from '@azure/service-bus';
declare function work(x: unknown): Promise<void>;
const deleting = new ServiceBusClient('conn').createReceiver('q', { receiveMode: 'receiveAndDelete' });
export async function batch() {
  for (const message of await deleting.receiveMessages(10)) await work(message.body);
}`,
].map((code) => ({ code }));

const invalid: Invalid[] = [
  {
    code: `${AMQP}
void channel.consume('q', async (msg) => {
  if (msg === null) return;
  const body = msg.content.toString();
  if (body === '') {
    return;
  }
  channel.ack(msg);
});`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 9,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${AMQP}
void channel.consume('q', async (msg) => {
  if (msg === null) return;
  const body = msg.content.toString();
  if (body === '') {
    channel.nack(msg, false, false);
    return;
  }
  channel.ack(msg);
});`,
          },
        ],
      },
    ],
  },
  {
    // The work throws before the ack; the suggestion is for returns only.
    code: `${AMQP}
void channel.consume('q', async (msg) => {
  if (!msg) return;
  await work(JSON.parse(msg.content.toString()));
  channel.ack(msg);
});`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 7, suggestions: [] }],
  },
  {
    code: `${AMQP}
void channel.consume('q', (msg) => {
  if (!msg) return;
  if (msg.fields.redelivered) channel.reject(msg, false);
  channel.ack(msg);
});`,
    errors: [{ messageId: 'doubleSettle', line: 8 }],
  },
  {
    // A handler declared by name and handed over by that name.
    code: `${AMQP}
function onMessage(msg: ConsumeMessage | null) {
  if (!msg) return;
  if (msg.fields.redelivered) return;
  channel.ack(msg);
}
void channel.consume('q', onMessage);`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 7,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${AMQP}
function onMessage(msg: ConsumeMessage | null) {
  if (!msg) return;
  if (msg.fields.redelivered) { channel.nack(msg, false, false); return; }
  channel.ack(msg);
}
void channel.consume('q', onMessage);`,
          },
        ],
      },
    ],
  },
  {
    code: `${AMQP}
export async function poll() {
  const msg = await channel.get('q');
  if (!msg) return;
  await work(msg.content);
  channel.ack(msg);
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 8 }],
  },
  {
    code: `${PUBSUB}
subscription.on('message', (message) => {
  if (message.deliveryAttempt > 5) return;
  message.ack();
});`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 6,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${PUBSUB}
subscription.on('message', (message) => {
  if (message.deliveryAttempt > 5) { message.nack(); return; }
  message.ack();
});`,
          },
        ],
      },
    ],
  },
  {
    // A handler bound to a const and registered by name.
    code: `${PUBSUB}
const onMessage = async (message: import('@google-cloud/pubsub').Message) => {
  await work(message.data);
  message.ack();
};
subscription.on('message', onMessage);`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 6 }],
  },
  {
    code: `${NATS}
export async function drain() {
  for await (const m of await consumer.fetch({ max_messages: 10 })) {
    if (m.redelivered) continue;
    m.ack();
  }
}`,
    errors: [{ messageId: 'leakOnContinueSettle', line: 9 }],
  },
  {
    // working() extends the deadline; it settles nothing.
    code: `${NATS}
export async function drain() {
  const messages = await consumer.consume();
  for await (const m of messages) {
    m.working();
  }
}`,
    errors: [{ messageId: 'leakAtIterationEndSettle', line: 11 }],
  },
  {
    code: `${NATS}
export async function drain() {
  for await (const m of await consumer.fetch()) {
    if (m.data.length === 0) {
      return;
    }
    m.ack();
  }
}`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 10,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${NATS}
export async function drain() {
  for await (const m of await consumer.fetch()) {
    if (m.data.length === 0) {
      m.term();
      return;
    }
    m.ack();
  }
}`,
          },
        ],
      },
    ],
  },
  {
    code: `${NATS}
export async function manual() {
  const opts = consumerOpts();
  opts.durable('d');
  opts.manualAck();
  opts.ackExplicit();
  const sub = await js.subscribe('s', opts);
  for await (const m of sub) {
    if (m.redelivered) break;
    m.ack();
  }
}`,
    errors: [{ messageId: 'leakOnBreakSettle', line: 14 }],
  },
  {
    code: `${NATS}
export async function one() {
  const m = await consumer.next();
  if (!m) return;
  await work(m.data);
  m.ack();
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 10 }],
  },
  {
    // A pull subscription with manual acks: the message that fails is never acked.
    code: `${NATS}
export async function pull() {
  const opts = consumerOpts();
  opts.durable('d');
  opts.manualAck();
  const psub = await js.pullSubscribe('s', opts);
  psub.pull({ batch: 10, expires: 5000 });
  for await (const m of psub) {
    await work(m.data);
    m.ack();
  }
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 14, column: 5 }],
  },
  {
    // Deferred messages come locked: each is owed, here in a forEach.
    code: `${AZURE}
export async function deferred(sequenceNumbers: import('@azure/service-bus').ServiceBusReceivedMessage['sequenceNumber'][]) {
  const messages = await receiver.receiveDeferredMessages(sequenceNumbers.flatMap((n) => (n ? [n] : [])));
  messages.forEach((message) => {
    if (message.body) void receiver.completeMessage(message);
  });
}`,
    errors: [{ messageId: 'leakAtFunctionEndSettle', line: 10, column: 3 }],
  },
  {
    // getMessageIterator(): a skipped message continues unsettled.
    code: `${AZURE}
export async function iterate() {
  for await (const message of receiver.getMessageIterator()) {
    if (message.deliveryCount > 3) continue;
    await receiver.completeMessage(message);
  }
}`,
    errors: [{ messageId: 'leakOnContinueSettle', line: 8, column: 36 }],
  },
  {
    // Created in this file with ack policy explicit: each message owed.
    code: `${NATS}
import { AckPolicy, type JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
export async function explicit() {
  await jsm.consumers.add('jobs', { durable_name: 'work', ack_policy: AckPolicy.Explicit });
  const workConsumer = await js.consumers.get('jobs', 'work');
  for await (const m of await workConsumer.fetch({ max_messages: 10 })) {
    if (m.redelivered) continue;
    m.ack();
  }
}`,
    errors: [{ messageId: 'leakOnContinueSettle', line: 13, column: 24 }],
  },
  {
    // Another consumer of the file has ack policy none; this one is not created here, so it is taken as explicit.
    code: `${NATS}
import { AckPolicy, type JetStreamManager } from 'nats';
declare const jsm: JetStreamManager;
export async function other() {
  await jsm.consumers.add('jobs', { durable_name: 'audit', ack_policy: 'none' as AckPolicy });
  const workConsumer = await js.consumers.get('jobs', 'work');
  const m = await workConsumer.next();
  if (m === null) return;
  await work(m.data);
  m.ack();
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 14, column: 3 }],
  },
  {
    code: `${BULL}
export async function take(token: string) {
  const job = await worker.getNextJob(token);
  if (!job) return;
  if (job.attemptsMade > 3) {
    return;
  }
  await job.moveToCompleted('ok', token, false);
}`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 9,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${BULL}
export async function take(token: string) {
  const job = await worker.getNextJob(token);
  if (!job) return;
  if (job.attemptsMade > 3) {
    await job.moveToFailed(new Error('not processed'), token);
    return;
  }
  await job.moveToCompleted('ok', token, false);
}`,
          },
        ],
      },
    ],
  },
  {
    code: `${AZURE}
receiver.subscribe(
  {
    async processMessage(message) {
      if (message.deliveryCount > 3) {
        return;
      }
      await receiver.completeMessage(message);
    },
    async processError() {},
  },
  { autoCompleteMessages: false },
);`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 10,
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${AZURE}
receiver.subscribe(
  {
    async processMessage(message) {
      if (message.deliveryCount > 3) {
        await receiver.abandonMessage(message);
        return;
      }
      await receiver.completeMessage(message);
    },
    async processError() {},
  },
  { autoCompleteMessages: false },
);`,
          },
        ],
      },
    ],
  },
  {
    code: `${AZURE}
export async function batch() {
  const messages = await receiver.receiveMessages(10);
  if (messages.length === 0) return;
  for (const message of messages) {
    await work(message.body);
    await receiver.completeMessage(message);
  }
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 10 }],
  },
  {
    // forEach: each message owed on every path of the callback; an early return leaves it locked.
    code: `${AZURE}
export async function each() {
  const messages = await receiver.receiveMessages(10);
  await Promise.all(messages.map(async (message) => {
    if (message.deliveryCount > 3) return;
    await receiver.completeMessage(message);
  }));
}`,
    errors: [
      {
        messageId: 'leakOnReturnSettle',
        line: 9,
        column: 36,
        data: {
          subject: 'The message from `receiver.receiveMessa…` (line 7)',
          pending: 'settled',
          advice: 'Settle it on every path: `receiver.completeMessage(message)` when the work is done.',
          line: 9,
        },
        suggestions: [
          {
            messageId: 'settleBeforeReturn',
            output: `${AZURE}
export async function each() {
  const messages = await receiver.receiveMessages(10);
  await Promise.all(messages.map(async (message) => {
    if (message.deliveryCount > 3) { await receiver.abandonMessage(message); return; }
    await receiver.completeMessage(message);
  }));
}`,
          },
        ],
      },
    ],
  },
  {
    // The work throws before the settle.
    code: `${AZURE}
export async function each() {
  (await receiver.receiveMessages(10)).forEach(async (message) => {
    await work(message.body);
    await receiver.completeMessage(message);
  });
}`,
    errors: [{ messageId: 'leakOnMayThrowSettle', line: 8, column: 5, suggestions: [] }],
  },
  {
    // A function of this file passed by name: its missing path is reported in it.
    code: `${AZURE}
function handle(message: import('@azure/service-bus').ServiceBusReceivedMessage) {
  if (message.body === null) return;
  void receiver.completeMessage(message);
}
export async function named() {
  const messages = await receiver.receiveMessages(10);
  messages.forEach(handle);
}`,
    errors: [{ messageId: 'leakOnReturnSettle', line: 7, column: 30 }],
  },
  {
    // Settled twice in the callback.
    code: `${AZURE}
export async function each() {
  const messages = await receiver.receiveMessages(10);
  messages.forEach(async (message) => {
    await receiver.completeMessage(message);
    await receiver.completeMessage(message);
  });
}`,
    errors: [{ messageId: 'doubleSettle', line: 10, column: 11 }],
  },
];

typedTester.run('require-release brokers (typed, real package types)', rule, {
  valid: valid.map(withPresets),
  invalid: invalid.map(withPresets),
});

// Untyped, the same verdicts: every case imports its package, and the receivers are named as the presets expect.
untypedTester.run('require-release brokers (untyped)', rule, {
  valid: valid.map(withPresets),
  invalid: invalid.map(withPresets),
});

untypedTester.run('require-release brokers (untyped, no import: no evidence)', rule, {
  valid: [
    `declare const channel: any;
void channel.consume('q', (msg: any) => { if (msg && msg.ok) return; channel.ack(msg); });`,
    `declare const consumer: any;
export async function f() { for await (const m of await consumer.fetch()) { m.working(); } }`,
    `declare const worker: any;
export async function f(token: string) { const job = await worker.getNextJob(token); if (job) await job.process(); }`,
  ].map((code) => ({ code, options: ALL })),
  invalid: [],
});

// The 1.x Service Bus API (untyped: its declarations are not installed) settles through the message.
untypedTester.run('require-release brokers (azure-service-bus 1.x, untyped)', rule, {
  valid: [
    `const { ServiceBusClient, ReceiveMode } = require('@azure/service-bus');
const receiver = ServiceBusClient.createFromConnectionString('c').createQueueClient('q').createReceiver(ReceiveMode.peekLock);
export async function each() {
  const messages = await receiver.receiveMessages(250);
  messages.forEach(async (msg) => {
    console.log(msg.body);
    await msg.complete();
  });
}`,
    `const { ServiceBusClient, ReceiveMode } = require('@azure/service-bus');
const receiver = ServiceBusClient.createFromConnectionString('c').createQueueClient('q').createReceiver(ReceiveMode.ReceiveAndDelete);
export async function peek() {
  const messages = await receiver.receiveMessages(3);
  console.log(messages.map((message) => message.body));
}`,
  ].map((code) => ({ code, options: ALL })),
  invalid: [
    {
      code: `const { ServiceBusClient, ReceiveMode } = require('@azure/service-bus');
const receiver = ServiceBusClient.createFromConnectionString('c').createQueueClient('q').createReceiver(ReceiveMode.peekLock);
export async function each() {
  const messages = await receiver.receiveMessages(250);
  messages.forEach(async (msg) => {
    if (!msg.body) return;
    await msg.complete();
  });
}`,
      options: ALL,
      // No suggestion: the 1.x receiver has no abandonMessage.
      errors: [{ messageId: 'leakOnReturnSettle', line: 6, column: 20, suggestions: [] }],
    },
  ],
});

untypedTester.run('require-release brokers (defaults)', rule, {
  // google-pubsub and azure-service-bus are opt-in.
  valid: [
    `import { PubSub } from '@google-cloud/pubsub';
const subscription = new PubSub().subscription('s');
subscription.on('message', (message: any) => { if (message.x) return; message.ack(); });`,
  ],
  invalid: [
    {
      code: `import amqp from 'amqplib';
declare const channel: amqp.Channel;
void channel.consume('q', (msg) => { if (msg && msg.fields.redelivered) return; if (msg) channel.ack(msg); });`,
      errors: [
        {
          messageId: 'leakOnReturnSettle',
          suggestions: [
            {
              messageId: 'settleBeforeReturn',
              output: `import amqp from 'amqplib';
declare const channel: amqp.Channel;
void channel.consume('q', (msg) => { if (msg && msg.fields.redelivered) { channel.nack(msg, false, false); return; } if (msg) channel.ack(msg); });`,
            },
          ],
        },
      ],
    },
  ],
});

// A team's own broker client, through the new pair shapes.
const OWN = `interface Delivery { body: string }
interface Broker {
  listen(topic: string, handler: (d: Delivery) => Promise<void>): void;
  pull(n: number): Promise<Delivery[]>;
  settle(d: Delivery): void;
}
declare const broker: Broker;
declare function work(x: unknown): Promise<void>;
`;
const OWN_PAIRS = [
  { name: 'delivery', acquire: { method: 'listen', types: [{ from: 'file' as const, name: 'Broker' }], receiverNames: '^broker$', callback: { argument: 1, parameter: 0 } }, release: { receiverMethods: ['settle'] } },
  { name: 'delivery', acquire: { method: 'pull', types: [{ from: 'file' as const, name: 'Broker' }], receiverNames: '^broker$', elements: true }, release: { receiverMethods: ['settle'] } },
];

for (const [label, tester] of [
  ['typed', typedTester],
  ['untyped', untypedTester],
] as const) {
  tester.run(`require-release own broker pairs (${label})`, rule, {
    valid: [
      {
        code: `${OWN}
broker.listen('t', async (d) => {
  try { await work(d.body); } finally { broker.settle(d); }
});`,
        options: [{ presets: [], pairs: OWN_PAIRS }],
      },
    ],
    invalid: [
      {
        code: `${OWN}
broker.listen('t', async (d) => {
  await work(d.body);
  broker.settle(d);
});`,
        options: [{ presets: [], pairs: OWN_PAIRS }],
        errors: [{ messageId: 'leakOnMayThrowSettle', line: 11 }],
      },
      {
        code: `${OWN}
export async function batch() {
  for (const d of await broker.pull(5)) {
    if (!d.body) continue;
    broker.settle(d);
  }
}`,
        options: [{ presets: [], pairs: OWN_PAIRS }],
        errors: [{ messageId: 'leakOnContinueSettle', line: 12 }],
      },
      {
        // elements: true covers a forEach callback too.
        code: `${OWN}
export async function batch() {
  (await broker.pull(5)).forEach((d) => {
    if (!d.body) return;
    broker.settle(d);
  });
}`,
        options: [{ presets: [], pairs: OWN_PAIRS }],
        errors: [{ messageId: 'leakOnReturnSettle', line: 12, column: 18 }],
      },
    ],
  });
}

describe('require-release broker pair options', () => {
  const lint = (pairs: unknown): Linter.LintMessage[] =>
    new Linter({ configType: 'flat' }).verify('broker.listen("t", (d) => {});', [
      {
        files: ['**/*.ts'],
        languageOptions: { parser },
        plugins: { workqueue: { rules: { 'require-release': rule as never } } },
        rules: { 'workqueue/require-release': ['error', { presets: [], pairs }] },
      },
    ], 'file.ts');
  const base = { name: 'delivery', release: { receiverMethods: ['settle'] } };

  it("speaks the API's language", () => {
    const [first] = invalid;
    const messages = new Linter({ configType: 'flat' }).verify(first?.code ?? '', [
      {
        files: ['**/*.ts'],
        languageOptions: { parser },
        plugins: { workqueue: { rules: { 'require-release': rule as never } } },
        rules: { 'workqueue/require-release': ['error', ...ALL] as never },
      },
    ], 'file.ts');
    expect(messages.map((m) => m.message)).toEqual([
      'The message delivered to `channel.consume` is not acked or nacked at the `return` on line 9. Settle it on every path: `channel.ack(msg)` when the work is done.',
    ]);
  });

  it('rejects a callback and elements on one acquire, naming the pair', () => {
    expect(() => lint([{ ...base, acquire: { method: 'listen', callback: { argument: 1, parameter: 0 }, elements: true } }])).toThrow(
      /pairs\[0\]" \(delivery\) cannot be honoured: acquire\.callback and acquire\.elements/,
    );
  });

  it('rejects resourceIndex with a callback or elements', () => {
    expect(() => lint([{ ...base, resourceIndex: 1, acquire: { method: 'listen', elements: true } }])).toThrow(/resourceIndex/);
  });

  it('rejects an event name on the callback at argument 0', () => {
    expect(() => lint([{ ...base, acquire: { method: 'on', callback: { argument: 0, parameter: 0, event: 'message' } } }])).toThrow(
      /acquire\.callback\.event/,
    );
  });

  it('rejects callResource with a callback', () => {
    expect(() => lint([{ name: 'delivery', release: { callResource: true }, acquire: { method: 'listen', callback: { argument: 1, parameter: 0 } } }])).toThrow(
      /release\.callResource/,
    );
  });

  it('rejects a negative or missing callback index by schema', () => {
    expect(() => lint([{ ...base, acquire: { method: 'listen', callback: { argument: -1, parameter: 0 } } }])).toThrow(/pairs\[0\]" \(delivery\) cannot be honoured: acquire\.callback\.argument is -1/);
    expect(() => lint([{ ...base, acquire: { method: 'listen', callback: { argument: 1 } } }])).toThrow(/required property 'parameter'/);
  });
});
