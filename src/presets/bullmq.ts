import { AST_NODE_TYPES } from '@typescript-eslint/utils';

import { kind, type Pair } from './pair.js';

/**
 * BullMQ manual processing: a job taken by `await worker.getNextJob(token)` stays active (holding its lock) until
 * `job.moveToCompleted(value, token)` or `job.moveToFailed(error, token)`. `undefined` (no job) owes nothing.
 */
export const bullmq: readonly Pair[] = [
  {
    preset: 'bullmq',
    packages: ['bullmq'],
    resource: 'job',
    methods: new Set(['getNextJob']),
    types: [{ from: 'package', package: 'bullmq', name: 'Worker' }],
    typeNames: new Set(),
    receiverNames: /(?:^|[a-z])(?:worker|Worker)$/,
    kind: kind('bullmq', {
      handleReleases: new Set(['moveToCompleted', 'moveToFailed', 'moveToDelayed', 'moveToWait', 'moveToWaitingChildren']),
      describeRelease: (_r, h) => h && `${h}.moveToCompleted(result, token)`,
    }),
    callbackMethods: new Set(),
    wording: { pending: 'completed or failed', settled: 'completed or failed' },
    // A failed job is retried when its `attempts` allow, else it stays failed.
    errorSettle: (_r, h, acquire) => {
      const token = acquire.arguments[0];
      return token?.type === AST_NODE_TYPES.Identifier ? `await ${h}.moveToFailed(new Error('not processed'), ${token.name})` : undefined;
    },
  },
];
