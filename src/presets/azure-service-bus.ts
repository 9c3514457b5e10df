import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { methodCall } from '../analysis/syntax.js';
import { ABSENT, type ConstInit, literalOption } from './options.js';
import { kind, type Pair } from './pair.js';

/**
 * Azure Service Bus: with `autoCompleteMessages: false` the message `processMessage` receives must get
 * `completeMessage`, `abandonMessage`, `deadLetterMessage` or `deferMessage` on every path; each message of
 * `await receiver.receiveMessages(n)`, `receiver.getMessageIterator()` and `receiveDeferredMessages(…)` likewise. Auto-complete (the default) and receivers created in
 * `receiveAndDelete` mode owe nothing. Checked statically only: there is no local server to run it against.
 */
export const azureServiceBus: readonly Pair[] = [
  {
    preset: 'azure-service-bus',
    packages: ['@azure/service-bus'],
    resource: 'message',
    methods: new Set(),
    types: [{ from: 'package', package: '@azure/service-bus', name: ['ServiceBusReceiver', 'ServiceBusSessionReceiver'] }],
    typeNames: new Set(),
    receiverNames: /(?:^|[a-z])(?:receiver|Receiver)$/,
    kind: kind('azure-service-bus', {
      receiverReleases: new Set(['completeMessage', 'abandonMessage', 'deadLetterMessage', 'deferMessage']),
      // The 1.x API settled through the message: `await msg.complete()`.
      handleReleases: new Set(['complete', 'abandon', 'deadLetter', 'defer']),
      describeRelease: (r, h) => h && `${r}.completeMessage(${h})`,
    }),
    callbackMethods: new Set(),
    callbacks: [{ method: 'subscribe', argument: 0, property: 'processMessage', parameter: 0 }],
    // `getMessageIterator()` receives one message at a time with `receiveMessages(1)`; deferred messages come locked.
    elementMethods: new Set(['receiveMessages', 'getMessageIterator', 'receiveDeferredMessages']),
    owes: (call, origin) => {
      if (peekLock(call, origin) !== true) return false;
      if (methodCall(call)?.name !== 'subscribe') return true;
      return literalOption(call, 1, 'autoCompleteMessages') === false;
    },
    wording: { pending: 'settled', settled: 'settled' },
    // An abandoned message is delivered again, and dead-lettered once its delivery count passes maxDeliveryCount.
    // The 1.x API has no `abandonMessage` on the receiver: no suggestion there.
    errorSettle: (r, h, acquire) => (usesVersion1(acquire) ? undefined : `await ${r}.abandonMessage(${h})`),
  },
];

/** The receiver settles by peek-lock: true; `receiveAndDelete`: false; `undefined` when the rule cannot tell. */
function peekLock(call: TSESTree.CallExpression, origin: ConstInit): boolean | undefined {
  const method = methodCall(call);
  const created = method && origin(method.object);
  // A receiver whose creation the rule does not see (a parameter, a property): the default mode, peek-lock.
  if (created?.type !== AST_NODE_TYPES.CallExpression) return true;
  const creator = methodCall(created)?.name;
  if (creator !== 'createReceiver' && creator !== 'acceptSession' && creator !== 'acceptNextSession') return true;
  // The 1.x API: `queueClient.createReceiver(ReceiveMode.receiveAndDelete)` (samples spell it `ReceiveAndDelete` too).
  if (created.arguments.some((arg) => arg.type === AST_NODE_TYPES.MemberExpression && !arg.computed && arg.property.type === AST_NODE_TYPES.Identifier && arg.property.name.toLowerCase() === 'receiveanddelete')) {
    return false;
  }
  // `createReceiver(queue, options)` or `createReceiver(topic, subscription, options)`: the options are an object
  // literal after the names; names alone are the default, peek-lock.
  const last = created.arguments.length - 1;
  if (created.arguments[last]?.type !== AST_NODE_TYPES.ObjectExpression) return true;
  const mode = literalOption(created, last, 'receiveMode');
  if (mode === ABSENT || mode === 'peekLock') return true;
  return mode === 'receiveAndDelete' ? false : undefined;
}

/**
 * The file is written against the 1.x API: it takes `ReceiveMode` (an enum 1.x exported and 7.x does not) from the
 * package, by `import { ReceiveMode }` or `const { ReceiveMode } = require(…)`.
 */
function usesVersion1(node: TSESTree.Node): boolean {
  let program: TSESTree.Node = node;
  while (program.parent) program = program.parent;
  // Only the Program has no parent.
  return program.body.some((statement) => {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      return statement.specifiers.some(
        (specifier) =>
          specifier.type === AST_NODE_TYPES.ImportSpecifier &&
          specifier.imported.type === AST_NODE_TYPES.Identifier &&
          specifier.imported.name === 'ReceiveMode',
      );
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) return false;
    return statement.declarations.some(
      (declarator) =>
        declarator.id.type === AST_NODE_TYPES.ObjectPattern &&
        declarator.id.properties.some(
          (property) =>
            property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'ReceiveMode',
        ),
    );
  });
}
