import { methodCall } from '../analysis/syntax.js';
import { ABSENT, literalOption } from './options.js';
import { kind, type Pair } from './pair.js';

const CHANNEL_TYPES = [
  { from: 'package' as const, package: 'amqplib', name: ['Channel', 'ConfirmChannel'] },
  { from: 'package' as const, package: 'amqplib/callback_api', name: ['Channel', 'ConfirmChannel'] },
];

/**
 * amqplib: a message delivered to a `channel.consume` callback, or taken by `await channel.get(queue)`, must be
 * settled on the same channel by `ack`, `nack` or `reject` (`ackAll()`/`nackAll()` settle everything). With
 * `{ noAck: true }` the broker settles on delivery and nothing is owed. `null` (the consumer was cancelled) and
 * `false` (`get` found nothing) are absent messages.
 */
export const amqplib: readonly Pair[] = [
  {
    preset: 'amqplib',
    packages: ['amqplib'],
    resource: 'message',
    methods: new Set(['get']),
    types: CHANNEL_TYPES,
    typeNames: new Set(),
    receiverNames: /(?:^|[a-z])(?:channel|Channel|ch)$/,
    kind: kind('amqplib', {
      receiverReleases: new Set(['ack', 'nack', 'reject']),
      receiverBareReleases: new Set(['ackAll', 'nackAll']),
      // A message is data the handler works on (`JSON.parse(msg.content)`, `handle(msg)`): passing it to a function of
      // another file does not settle it… but the rule cannot see whether that function settles it, so it stays silent.
      describeRelease: (r, h) => h && `${r}.ack(${h})`,
    }),
    callbackMethods: new Set(),
    callbacks: [{ method: 'consume', argument: 1, parameter: 0 }],
    // `{ noAck: true }`: the broker considers the message settled on delivery. Options the rule cannot read owe nothing.
    owes: (call) => {
      const noAck = literalOption(call, methodCall(call)?.name === 'consume' ? 2 : 1, 'noAck');
      return noAck === ABSENT || noAck === false;
    },
    wording: { pending: 'acked or nacked', settled: 'acked or nacked' },
    // No requeue: a message the handler gives up on at a `return` would come straight back to it.
    errorSettle: (r, h) => `${r}.nack(${h}, false, false)`,
  },
];
