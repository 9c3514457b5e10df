import { kind, type Pair } from './pair.js';

/** generic-pool: a resource from pool.acquire() goes back with pool.release(resource) or pool.destroy(resource). */
export const genericPool: readonly Pair[] = [
    {
      preset: 'generic-pool',
      packages: ['generic-pool'],
      resource: 'resource',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'generic-pool', name: 'Pool' }],
      typeNames: new Set(),
      receiverNames: /(?:^|[a-z])(?:pool|Pool)$/,
      kind: kind('generic-pool', {
        acquireNeverThrows: true,
        receiverReleases: new Set(['release', 'destroy']),
        describeRelease: (r, h) => h && `${r}.release(${h})`,
      }),
      callbackMethods: new Set(),
    },
  ];
