import { kind, type Pair } from './pair.js';

/** async-mutex: acquire() resolves to a releaser; mutex.release() also releases; runExclusive() is the safe form. */
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
  ];
