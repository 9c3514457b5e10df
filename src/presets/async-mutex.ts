import { kind, type Pair } from './pair.js';

/**
 * async-mutex: acquire() resolves to a releaser; mutex.release() also releases; runExclusive() is the safe form.
 * await-semaphore, the older library of the same contract, is covered by the same preset.
 */
export const asyncMutex: readonly Pair[] = [
    {
      preset: 'async-mutex',
      packages: ['async-mutex'],
      resource: 'lock',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'async-mutex', name: ['Mutex', 'MutexInterface'] }],
      typeNames: new Set(),
      receiverNames: /(?:mutex|Mutex|lock|Lock)$/,
      kind: kind('async-mutex', {
        acquireNeverThrows: true,
        callReleases: true,
        // Semaphore#_dispatch builds each releaser with a `called` flag (async-mutex 0.2 and later): once is enough.
        idempotentCallRelease: true,
        receiverBareReleases: new Set(['release']),
        unboundHolds: true,
        describeRelease: (r, h) => (h ? `${h}()` : `${r}.release()`),
      }),
      callbackMethods: new Set(),
    },
    {
      preset: 'async-mutex',
      packages: ['async-mutex'],
      resource: 'permit',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'async-mutex', name: ['Semaphore', 'SemaphoreInterface'] }],
      typeNames: new Set(),
      receiverNames: /(?:semaphore|Semaphore|sem)$/,
      kind: kind('async-mutex-semaphore', {
        acquireNeverThrows: true,
        handle: { index: 1, key: 'release' },
        callReleases: true,
        idempotentCallRelease: true,
        receiverBareReleases: new Set(['release']),
        unboundHolds: true,
        describeRelease: (r, h) => (h ? `${h}()` : `${r}.release()`),
      }),
      callbackMethods: new Set(),
    },
    {
      // await-semaphore (MetaMask's gaba used it): the same contract with a releaser only. Its Mutex and Semaphore
      // both resolve acquire() to a function guarded by a `released` flag (0.1.3), and neither has a release method.
      preset: 'async-mutex',
      packages: ['await-semaphore'],
      resource: 'lock',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'await-semaphore', name: ['Mutex', 'Semaphore'] }],
      typeNames: new Set(),
      receiverNames: /(?:mutex|Mutex|lock|Lock|semaphore|Semaphore|sem)$/,
      kind: kind('await-semaphore', {
        acquireNeverThrows: true,
        callReleases: true,
        idempotentCallRelease: true,
        describeRelease: (r, h) => (h ? `${h}()` : `the releaser ${r}.acquire() resolved to`),
      }),
      callbackMethods: new Set(),
    },
  ];
