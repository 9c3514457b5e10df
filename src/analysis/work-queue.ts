/**
 * What makes a value a work queue, for every rule about client-go's contract: the obligation kind (`get()` →
 * `[item, shutdown]` → `done(item)`), the options that widen or name queues, and the matcher the analysis calls.
 */
import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, type JSONSchema, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation, ObligationKind } from './events.js';
import type { ObligationAnalysisOptions } from './obligations.js';
import { releaseText, type ReleaseText } from './report.js';
import { methodCall, receiverName } from './syntax.js';
import { guarded, hasMethods, isOpaque, isThenable, matchesSpecifiers, typeOrValueSpecifiersSchema, typeServices } from './types.js';

/** client-go's contract: `const [item, shutdown] = await q.get()`, then exactly one `q.done(item)`. */
export const WORK_QUEUE: ObligationKind = {
  id: 'workqueue',
  handle: { index: 0, key: 'item' },
  flag: { index: 1, key: 'shutdown' },
  receiverReleases: new Set(['done']),
  receiverBareReleases: new Set(),
  unboundHolds: false,
  handleReleases: new Set(),
  callReleases: false,
  checkpoints: new Set(),
  // A second `done` of the item is the misuse the contract forbids, also when two listeners run it.
  listenersReleaseTwice: true,
  describeRelease: (receiver, handle) => (handle === undefined ? undefined : `${receiver}.done(${handle})`),
};

/**
 * k8s-workqueue's lease: `const lease = await q.lease()` holds the item until `lease.done()` or its disposal
 * (`await using lease = await q.lease()`); `lease.shutdown` is the shutdown flag.
 */
export const WORK_QUEUE_LEASE: ObligationKind = {
  id: 'workqueue-lease',
  handle: 'self',
  flag: { index: -1, key: 'shutdown' },
  receiverReleases: new Set(),
  receiverBareReleases: new Set(),
  unboundHolds: false,
  handleReleases: new Set(['done']),
  callReleases: false,
  checkpoints: new Set(),
  disposeReleases: true,
  describeRelease: (_receiver, handle) => `${handle}.done()`,
};

export const DEFAULT_UNTYPED_QUEUE_NAMES = '^(?:q|wq|.*[Qq]ueue|.*[Tt]asks)$';

export interface QueueOptions {
  queueTypes?: TypeOrValueSpecifier[];
  untypedQueueNames?: string;
}

/** The schema properties every work-queue rule accepts. */
export const QUEUE_OPTION_SCHEMA: Record<keyof QueueOptions, JSONSchema.JSONSchema4> = {
  queueTypes: {
    ...typeOrValueSpecifiersSchema,
    description:
      'Types to treat as work queues besides any type with a no-argument `get()` and a one-argument `done()` (TypeOrValueSpecifier format).',
  },
  untypedQueueNames: {
    type: 'string',
    description:
      'Regular expression for receiver names treated as queues when a file has no type information (or the receiver is `any`).',
  },
};

const GET_OR_LEASE = new Set(['get', 'lease']);

export interface WorkQueueMatcher {
  /** The receiver is a work queue: by type (structural or `queueTypes`), else by name. */
  isQueue(receiver: TSESTree.Node): boolean;
  /** The analysis options that recognise a queue's `get()`. */
  readonly analysis: Pick<
    ObligationAnalysisOptions,
    'kinds' | 'matchAcquire' | 'isUnawaitedPromise' | 'isAcquireReceiver' | 'services'
  >;
  /** `q.done(item)` as the user would write it for an obligation; `code: false` when it is only a description. */
  releaseText(ob: Obligation): ReleaseText;
  /** What of the options changes the analysis, for sharing one analysis between the rules of a file. */
  readonly optionsKey: Record<string, unknown>;
}

export function workQueueMatcher(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  ruleName: string,
  options: QueueOptions,
): WorkQueueMatcher {
  let namePattern: RegExp;
  try {
    namePattern = new RegExp(options.untypedQueueNames ?? DEFAULT_UNTYPED_QUEUE_NAMES);
  } catch (error) {
    throw new Error(
      `workqueue/${ruleName}: option "untypedQueueNames" is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  const services = typeServices(context);
  const queueTypes = options.queueTypes ?? [];
  const { sourceCode } = context;

  // Without types, a name like `sendQueue` is evidence only with more: the file calls a work queue's own methods
  // (`done`, `forget`, `addRateLimited`…), or the name is a work queue's usual one (`q`, `wq`, `queue`,
  // `workqueue`). A `get()` on a message packer's `_sendQueue` with no `done()` anywhere is another kind of queue.
  const customNames = options.untypedQueueNames !== undefined && options.untypedQueueNames !== DEFAULT_UNTYPED_QUEUE_NAMES;
  let queueCalls: boolean | undefined;
  const marksDone = (receiverText: string | undefined): boolean =>
    (receiverText !== undefined && /^(?:q|wq|queue|workqueue|workQueue)$/.test(receiverText)) ||
    (queueCalls ??= /\.(?:done|forget|addRateLimited|numRequeues|shutDown|shutDownWithDrain|addAfter|shuttingDown)\s*\(/.test(sourceCode.text));

  const isQueue = (receiver: TSESTree.Node): boolean => {
    if (services) {
      const type = guarded(() => services.typeOf(receiver), undefined);
      if (type && !isOpaque(type)) return hasMethods(services, type, 'get', ['done']) || matchesSpecifiers(services, type, queueTypes);
    }
    const name = receiverName(receiver);
    // Names the user chose (`untypedQueueNames`) are evidence enough.
    return name !== undefined && namePattern.test(name) && (customNames || marksDone(name));
  };

  return {
    isQueue,
    analysis: {
      kinds: [WORK_QUEUE, WORK_QUEUE_LEASE],
      matchAcquire: (call) => {
        // `get()`, or `get({ signal })`: an options object, never a key (`cache.get(key)` is a Map's).
        const [options, ...rest] = call.arguments;
        if (rest.length > 0 || (options && options.type !== AST_NODE_TYPES.ObjectExpression)) return undefined;
        const method = methodCall(call, GET_OR_LEASE);
        if (!method || !isQueue(method.object)) return undefined;
        return { kind: method.name === 'lease' ? WORK_QUEUE_LEASE : WORK_QUEUE, receiver: method.object };
      },
      isUnawaitedPromise: services ? (call) => isThenable(services, call) : undefined,
      services,
      isAcquireReceiver: isQueue,
    },
    releaseText: (ob) => releaseText(sourceCode, ob, { receiver: 'queue', handle: 'item' }),
    optionsKey: { queueTypes, untypedQueueNames: options.untypedQueueNames ?? DEFAULT_UNTYPED_QUEUE_NAMES },
  };
}

/** Cheap test before any listener: the file calls something named `get` or `lease`. */
export function mayCallGet(text: string): boolean {
  return /\b(?:get|lease)\s*\(/.test(text);
}

/**
 * Cross-file summaries (typed): a function of another file is read when its body marks something done. Wrappers are
 * not asked for: a `get()` wrapper's item needs its queue, which its callers cannot name.
 */
export const WORK_QUEUE_CROSS_FILE = { acquireNames: [], releaseNames: ['done'], callReleases: false } as const;
