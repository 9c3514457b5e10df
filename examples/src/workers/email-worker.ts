/** Sends order confirmation e-mails. Correct: `done()` sits in a `finally` right after the shutdown check. */
import type { RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

import type { Logger, Mailer, Store } from '../domain.js';

const MAX_RETRIES = 8;

export async function runEmailWorker(
  queue: RateLimitingQueue<string>,
  store: Store,
  mailer: Mailer,
  log: Logger,
): Promise<void> {
  for (;;) {
    const [orderId, shutdown] = await queue.get();
    if (shutdown) return;
    try {
      const order = await store.getOrder(orderId);
      if (!order) {
        queue.forget(orderId); // deleted meanwhile: nothing to send
        continue;
      }
      await mailer.send(order.customerEmail, `Order ${order.id}`, `Thanks! Total: ${order.totalCents / 100}`);
      queue.forget(orderId);
    } catch (error) {
      if (queue.numRequeues(orderId) < MAX_RETRIES) {
        log.warn('email failed, retrying', { orderId, error });
        queue.addRateLimited(orderId);
      } else {
        log.error('email failed, giving up', { orderId, error });
        queue.forget(orderId);
      }
    } finally {
      queue.done(orderId);
    }
  }
}
