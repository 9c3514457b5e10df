/** Delivers webhooks, with a retry cap. */
import type { RateLimitingQueue } from 'eslint-plugin-workqueue/queue';

import type { HttpClient, Logger, Store } from '../domain.js';

const MAX_ATTEMPTS = 5;

export async function runWebhookWorker(
  queue: RateLimitingQueue<string>,
  store: Store,
  http: HttpClient,
  log: Logger,
): Promise<void> {
  for (;;) {
    const [webhookId, shutdown] = await queue.get();
    if (shutdown) return;

    // LEAK: the retry cap runs before the `try`, so a webhook that ran out of retries is never marked done — the
    // queue keeps it "processing" forever and shutDownWithDrain() waits for it until its timeout.
    if (queue.numRequeues(webhookId) >= MAX_ATTEMPTS) {
      log.error('webhook dropped after retries', { webhookId });
      queue.forget(webhookId);
      continue;
    }
    try {
      const webhook = await store.getWebhook(webhookId);
      if (webhook) {
        const response = await http.post(webhook.url, webhook.payload);
        if (response.status >= 300) throw new Error(`HTTP ${response.status}`);
      }
      queue.forget(webhookId);
    } catch (error) {
      log.warn('webhook failed, retrying', { webhookId, error });
      queue.addRateLimited(webhookId);
    } finally {
      queue.done(webhookId);
    }
  }
}
