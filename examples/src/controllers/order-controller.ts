/**
 * Reconciles orders, client-go style: `processNextWorkItem()` takes one key, syncs it, and tells the loop whether to
 * go on. Correct on every path.
 */
import type { RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

import type { Logger, Order, Store } from '../domain.js';

const MAX_RETRIES = 15;

export class OrderController {
  constructor(
    private readonly queue: RateLimitingQueue<string>,
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  enqueue(order: Order): void {
    this.queue.add(order.id);
  }

  async run(workers: number): Promise<void> {
    const worker = async (): Promise<void> => {
      while (await this.processNextWorkItem()) {
        // keep going until the queue shuts down
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private async processNextWorkItem(): Promise<boolean> {
    const [key, quit] = await this.queue.get();
    if (quit) {
      return false;
    }
    try {
      await this.sync(key);
      this.queue.forget(key);
    } catch (error) {
      if (this.queue.numRequeues(key) < MAX_RETRIES) {
        this.log.warn('sync failed, requeued', { key, error });
        this.queue.addRateLimited(key);
      } else {
        this.log.error('sync failed too often, dropping', { key, error });
        this.queue.forget(key);
      }
    } finally {
      this.queue.done(key);
    }
    return true;
  }

  private async sync(key: string): Promise<void> {
    const order = await this.store.getOrder(key);
    if (!order || order.status !== 'paid') return;
    await this.store.saveOrder({ ...order, status: 'shipped' });
  }
}
