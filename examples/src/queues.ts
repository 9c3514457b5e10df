/** One rate-limited work queue per kind of work, keyed by id (client-go's `namespace/name` keys, here plain ids). */
import { newRateLimitingQueue, type RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

export interface Queues {
  emails: RateLimitingQueue<string>;
  webhooks: RateLimitingQueue<string>;
  thumbnails: RateLimitingQueue<string>;
  orders: RateLimitingQueue<string>;
  payments: RateLimitingQueue<string>;
}

export function createQueues(): Queues {
  return {
    emails: newRateLimitingQueue<string>(undefined, { name: 'emails' }),
    webhooks: newRateLimitingQueue<string>(undefined, { name: 'webhooks' }),
    thumbnails: newRateLimitingQueue<string>(undefined, { name: 'thumbnails' }),
    orders: newRateLimitingQueue<string>(undefined, { name: 'orders' }),
    payments: newRateLimitingQueue<string>(undefined, { name: 'payments' }),
  };
}

export async function shutDownAll(queues: Queues, timeoutMs: number): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.shutDownWithDrain({ timeoutMs })));
}
