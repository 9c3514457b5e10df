/** Renders thumbnails for uploaded images. */
import type { RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

import type { Logger, Store } from '../domain.js';

export type Resize = (image: Uint8Array, width: number) => Promise<Uint8Array>;

export async function runThumbnailWorker(
  queue: RateLimitingQueue<string>,
  store: Store,
  resize: Resize,
  log: Logger,
): Promise<void> {
  for (;;) {
    const [uploadKey, shutdown] = await queue.get();
    if (shutdown) break;

    // LEAK: `done()` is only reached when every step succeeds. If loading, resizing or saving throws, the upload
    // stays "processing" and is never handed out again.
    const image = await store.getUpload(uploadKey);
    if (!image) {
      log.warn('upload vanished', { uploadKey });
      queue.done(uploadKey);
      continue;
    }
    const thumbnail = await resize(image, 256);
    await store.saveThumbnail(uploadKey, thumbnail);
    queue.forget(uploadKey);
    queue.done(uploadKey);
  }
}
