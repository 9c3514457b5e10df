import { kind, type Pair } from './pair.js';

/** Web Streams: getReader() locks the stream until reader.releaseLock(). */
export const webStreams: readonly Pair[] = [
    {
      preset: 'web-streams',
      packages: [],
      resource: 'reader',
      methods: new Set(['getReader']),
      types: [{ from: 'lib', name: 'ReadableStream' }],
      typeNames: new Set(['ReadableStream']),
      receiverNames: /(?:stream|Stream|body|readable|Readable)$/,
      // A cancelled reader's stream is closed: nothing can read it again, so its lock no longer matters.
      // releaseLock() on a reader that holds no lock returns at once (the Streams standard's first step), so the usual
      // `await reader.cancel()` … `finally { reader.releaseLock() }` is no double release; cancel() after it is (it
      // rejects with a TypeError).
      kind: kind('web-streams', {
        handleReleases: new Set(['releaseLock', 'cancel']),
        idempotentHandleReleases: new Set(['releaseLock']),
        describeRelease: (_r, h) => h && `${h}.releaseLock()`,
      }),
      callbackMethods: new Set(),
    },
  ];
