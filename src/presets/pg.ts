import { kind, type Pair } from './pair.js';

/** node-postgres: a client checked out of a Pool must go back with client.release(); pool.query() needs nothing. */
export const pg: readonly Pair[] = [
    {
      preset: 'pg',
      packages: ['pg', 'pg-pool', 'drizzle-orm/node-postgres'],
      resource: 'client',
      methods: new Set(['connect']),
      types: [{ from: 'package', package: 'pg', name: 'Pool' }, { from: 'package', package: 'pg-pool', name: 'Pool' }],
      typeNames: new Set(),
      receiverNames: /(?:^|[a-z])(?:pool|Pool)$/,
      selfEvidentNames: { names: /(?:^|[a-z_])(?:pg|Pg)_?(?:pool|Pool)$/, text: /(?:pg|Pg)_?(?:pool|Pool)\b/ },
      kind: kind('pg', {
        acquireNeverThrows: true,
        handleReleases: new Set(['release']),
        // `client.query(text)` returns a promise and reports failures by rejecting, typed or not.
        nonThrowingHandleMethods: new Set(['query']),
        describeRelease: (_r, h) => h && `${h}.release()`,
      }),
      callbackMethods: new Set(),
    },
  ];
