import { kind, type Pair } from './pair.js';

/**
 * Google Cloud Pub/Sub: the message a subscription's `'message'` listener receives must get `message.ack()` or
 * `message.nack()` on every path. Checked statically only: there is no local server to run it against.
 */
export const googlePubsub: readonly Pair[] = [
  {
    preset: 'google-pubsub',
    packages: ['@google-cloud/pubsub'],
    resource: 'message',
    methods: new Set(),
    types: [{ from: 'package', package: '@google-cloud/pubsub', name: 'Subscription' }],
    typeNames: new Set(),
    receiverNames: /(?:^|[a-z])(?:subscription|Subscription|subscriber|Subscriber|sub)$/,
    kind: kind('google-pubsub', {
      handleReleases: new Set(['ack', 'nack', 'ackWithResponse', 'nackWithResponse']),
      describeRelease: (_r, h) => h && `${h}.ack()`,
    }),
    callbackMethods: new Set(),
    callbacks: [
      { method: 'on', event: 'message', argument: 1, parameter: 0 },
      { method: 'addListener', event: 'message', argument: 1, parameter: 0 },
      { method: 'once', event: 'message', argument: 1, parameter: 0 },
    ],
    wording: { pending: 'acked or nacked', settled: 'acked or nacked' },
    // Pub/Sub redelivers a nacked message (to the dead-letter topic after maxDeliveryAttempts, when one is set).
    errorSettle: (_r, h) => `${h}.nack()`,
  },
];
