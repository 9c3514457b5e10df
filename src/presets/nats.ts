import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { methodCall, unwrapValue } from '../analysis/syntax.js';
import { consumerPolicy } from './nats-ack-policy.js';
import type { ConstInit } from './options.js';
import { kind, type Pair } from './pair.js';

/**
 * NATS JetStream (nats.js): each message a `for await` loop takes from `consumer.consume()`, `consumer.fetch()` or
 * `js.subscribe()`/`js.pullSubscribe()` (with `manualAck()`) must get `ack()`, `nak()`, `term()` or `ackAck()` before its iteration ends;
 * `working()` only extends the deadline. `await consumer.next()` is owed unless `null`. Only explicit-ack consumers
 * owe per message: ordered consumers (`js.consumers.get(stream)` without a consumer name), consumers this file
 * creates with ack policy none or all, and subscriptions with `ackNone()`/`ackAll()` owe nothing (nats-ack-policy.ts).
 */
export const nats: readonly Pair[] = [
  {
    preset: 'nats',
    packages: ['nats', '@nats-io/jetstream'],
    resource: 'message',
    methods: new Set(['next']),
    types: [
      { from: 'package', package: 'nats', name: ['Consumer', 'PullConsumer', 'ExportedConsumer', 'JetStreamClient'] },
      { from: 'package', package: '@nats-io/jetstream', name: ['Consumer', 'PullConsumer', 'ExportedConsumer', 'JetStreamClient'] },
    ],
    typeNames: new Set(),
    receiverNames: /(?:^|[a-z])(?:consumer|Consumer|js|jetstream|JetStream)$/,
    kind: kind('nats', {
      handleReleases: new Set(['ack', 'nak', 'term', 'ackAck']),
      describeRelease: (_r, h) => h && `${h}.ack()`,
    }),
    callbackMethods: new Set(),
    elementMethods: new Set(['consume', 'fetch', 'subscribe', 'pullSubscribe']),
    owes: (call, origin, sourceCode) => {
      const method = methodCall(call);
      if (!method) return false;
      if (method.name === 'subscribe' || method.name === 'pullSubscribe') return explicitManualAcks(call.arguments[1], origin);
      return consumerAcksExplicitly(method.object, origin, sourceCode);
    },
    wording: { pending: 'acked or nakked', settled: 'acked or nakked' },
    // `term()`: the server stops redelivering a message the handler gave up on; `nak()` would redeliver it.
    errorSettle: (_r, h) => `${h}.term()`,
  },
];

/**
 * The consumer's messages are owed one by one: not an ordered consumer (`js.consumers.get(stream)` without a consumer
 * name, or with ordered options: ack policy none), and not one this file creates with ack policy none or all.
 */
function consumerAcksExplicitly(consumer: TSESTree.Node, origin: ConstInit, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const created = origin(consumer);
  if (created?.type !== AST_NODE_TYPES.CallExpression || methodCall(created)?.name !== 'get') return true;
  const name = created.arguments[1];
  if (name === undefined || unwrapValue(name).type === AST_NODE_TYPES.ObjectExpression) return false;
  return consumerPolicy(sourceCode, origin, name) === 'explicit';
}

/**
 * `js.subscribe(subject, opts)` (and `js.pullSubscribe`, whose messages arrive after `psub.pull()`) acks for the code
 * unless the options ask for manual acks (`manualAck()`), and its messages are owed one by one only with ack policy
 * explicit, `consumerOpts()`'s default: not after `ackNone()`, `ackAll()` or `orderedConsumer()`. The options are
 * `consumerOpts()…` in place, or a `const opts` whose calls are chained on it or made on it as statements.
 */
function explicitManualAcks(options: TSESTree.Node | undefined, origin: ConstInit): boolean {
  if (!options) return false;
  const calls = new Set<string>();
  const value = unwrapValue(options);
  chainCalls(value, calls);
  if (value.type === AST_NODE_TYPES.Identifier) {
    const init = origin(value);
    if (init) chainCalls(init, calls);
    // `const opts = consumerOpts(); opts.manualAck();`
    for (let scope: TSESTree.Node | undefined = value.parent; scope; scope = scope.parent) {
      if (scope.type === AST_NODE_TYPES.Program || scope.type === AST_NODE_TYPES.BlockStatement) statementCalls(scope, value.name, calls);
    }
  }
  return calls.has('manualAck') && !NOT_EXPLICIT.some((name) => calls.has(name));
}

/** Option calls after which a message is not owed one by one: ack policy none or all, or an ordered consumer. */
const NOT_EXPLICIT = ['ackNone', 'ackAll', 'orderedConsumer'];

/** The methods of a call chain: `consumerOpts().durable('d').manualAck()` → durable, manualAck. */
function chainCalls(node: TSESTree.Node, calls: Set<string>): TSESTree.Node {
  let current: TSESTree.Node = node;
  while (current.type === AST_NODE_TYPES.CallExpression) {
    const method = methodCall(current);
    if (!method) break;
    calls.add(method.name);
    current = method.object;
  }
  return current;
}

/** The option calls a block's statements make on `name`: `opts.manualAck();`, `opts.durable('d').ackAll();`. */
function statementCalls(block: TSESTree.Program | TSESTree.BlockStatement, name: string, calls: Set<string>): void {
  for (const statement of block.body) {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
    const mine = new Set<string>();
    const root = chainCalls(statement.expression, mine);
    if (root.type === AST_NODE_TYPES.Identifier && root.name === name) for (const call of mine) calls.add(call);
  }
}
