import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { methodCall, unwrapValue } from '../analysis/syntax.js';
import type { ConstInit } from './options.js';
import { kind, type Pair } from './pair.js';

/**
 * NATS JetStream (nats.js): each message a `for await` loop takes from `consumer.consume()`, `consumer.fetch()` or
 * `js.subscribe()` (with `manualAck()`) must get `ack()`, `nak()`, `term()` or `ackAck()` before its iteration ends;
 * `working()` only extends the deadline. `await consumer.next()` is owed unless `null`. Ordered consumers
 * (`js.consumers.get(stream)` without a consumer name) acknowledge nothing and owe nothing.
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
    elementMethods: new Set(['consume', 'fetch', 'subscribe']),
    owes: (call, origin) => {
      const method = methodCall(call);
      if (!method) return false;
      if (method.name === 'subscribe') return manualAck(call.arguments[1], origin);
      return !ordered(method.object, origin);
    },
    wording: { pending: 'acked or nakked', settled: 'acked or nakked' },
    // `term()`: the server stops redelivering a message the handler gave up on; `nak()` would redeliver it.
    errorSettle: (_r, h) => `${h}.term()`,
  },
];

/** `js.consumers.get(stream)` without a consumer name, or with ordered options: an ordered consumer (no acks). */
function ordered(consumer: TSESTree.Node, origin: ConstInit): boolean {
  const created = origin(consumer);
  if (created?.type !== AST_NODE_TYPES.CallExpression || methodCall(created)?.name !== 'get') return false;
  const name = created.arguments[1];
  return name === undefined || unwrapValue(name).type === AST_NODE_TYPES.ObjectExpression;
}

/**
 * `js.subscribe(subject, opts)` acks for the code unless the options ask for manual acks: `consumerOpts()…manualAck()`
 * in place, or a `const opts` on which `manualAck()` is called.
 */
function manualAck(options: TSESTree.Node | undefined, origin: ConstInit): boolean {
  if (!options) return false;
  const value = unwrapValue(options);
  if (callsManualAck(value)) return true;
  if (value.type !== AST_NODE_TYPES.Identifier) return false;
  const init = origin(value);
  if (init && callsManualAck(init)) return true;
  // `const opts = consumerOpts(); opts.manualAck();`
  for (let scope: TSESTree.Node | undefined = value.parent; scope; scope = scope.parent) {
    if (scope.type === AST_NODE_TYPES.Program || scope.type === AST_NODE_TYPES.BlockStatement) {
      if (statementsCallManualAck(scope, value.name)) return true;
    }
  }
  return false;
}

function callsManualAck(node: TSESTree.Node): boolean {
  for (let current: TSESTree.Node = node; current.type === AST_NODE_TYPES.CallExpression; ) {
    const method = methodCall(current);
    if (!method) return false;
    if (method.name === 'manualAck') return true;
    current = method.object;
  }
  return false;
}

function statementsCallManualAck(block: TSESTree.Program | TSESTree.BlockStatement, name: string): boolean {
  return block.body.some((statement) => {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    let current: TSESTree.Node = statement.expression;
    while (current.type === AST_NODE_TYPES.CallExpression) {
      const method = methodCall(current);
      if (!method) return false;
      if (method.name === 'manualAck') {
        let root: TSESTree.Node = method.object;
        while (root.type === AST_NODE_TYPES.CallExpression) {
          const inner = methodCall(root);
          if (!inner) return false;
          root = inner.object;
        }
        return root.type === AST_NODE_TYPES.Identifier && root.name === name;
      }
      current = method.object;
    }
    return false;
  });
}
