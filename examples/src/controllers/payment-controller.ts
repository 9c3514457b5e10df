/** Captures payments for pending orders. */
import type { RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

import type { Logger, PaymentGateway, Store } from '../domain.js';

export class PaymentController {
  private readonly maxRetries = 10;

  constructor(
    private readonly queue: RateLimitingQueue<string>,
    private readonly store: Store,
    private readonly gateway: PaymentGateway,
    private readonly log: Logger,
  ) {}

  async processNextWorkItem(): Promise<boolean> {
    const [orderId, quit] = await this.queue.get();
    if (quit) return false;

    // LEAK: the lookup runs before the `try`, so if the database call throws, nothing marks the order done and it
    // is never handed out again.
    const order = await this.store.getOrder(orderId);
    try {
      if (!order || order.status !== 'pending') {
        return true;
      }
      const result = await this.gateway.capture(order.id, order.totalCents);
      if (!result.ok) throw new Error('capture declined');
      await this.store.saveOrder({ ...order, status: 'paid' });
      this.queue.forget(orderId);
    } catch (error) {
      if (this.queue.numRequeues(orderId) < this.maxRetries) {
        this.queue.addRateLimited(orderId);
      } else {
        this.log.error('giving up on payment', { orderId, error });
        this.queue.forget(orderId);
      }
    } finally {
      this.queue.done(orderId);
    }
    return true;
  }
}
