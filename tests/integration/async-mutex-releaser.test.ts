/**
 * The async-mutex preset treats a second call of a releaser as doing nothing (`idempotentCallRelease`): checked here
 * against the real package, so the rule's silence on `release(); … finally { release(); }` stays true.
 */
import { Mutex, Semaphore } from 'async-mutex';
import { describe, expect, it } from 'vitest';

describe('async-mutex releasers', () => {
  it("a mutex releaser called twice does not release the next holder's lock", async () => {
    const mutex = new Mutex();
    const first = await mutex.acquire();
    const second = mutex.acquire();
    first();
    const releaseSecond = await second;
    expect(mutex.isLocked()).toBe(true);
    first();
    expect(mutex.isLocked()).toBe(true);
    releaseSecond();
    expect(mutex.isLocked()).toBe(false);
  });

  it('a semaphore releaser called twice gives its permit back once', async () => {
    const semaphore = new Semaphore(2);
    const [, release] = await semaphore.acquire();
    expect(semaphore.getValue()).toBe(1);
    release();
    release();
    expect(semaphore.getValue()).toBe(2);
  });

  it('mutex.release() is not idempotent: it releases whoever holds the lock', async () => {
    const mutex = new Mutex();
    await mutex.acquire();
    const second = mutex.acquire();
    mutex.release();
    await second;
    expect(mutex.isLocked()).toBe(true);
    mutex.release();
    expect(mutex.isLocked()).toBe(false);
  });
});
