/** Wires the service together: queues, workers, controllers, and a graceful shutdown that drains every queue. */
import type { HttpClient, Logger, Mailer, PaymentGateway, Store } from './domain.js';
import { createQueues, shutDownAll } from './queues.js';
import { OrderController } from './controllers/order-controller.js';
import { PaymentController } from './controllers/payment-controller.js';
import { runEmailWorker } from './workers/email-worker.js';
import { runThumbnailWorker, type Resize } from './workers/thumbnail-worker.js';
import { runWebhookWorker } from './workers/webhook-worker.js';

export interface Dependencies {
  store: Store;
  mailer: Mailer;
  http: HttpClient;
  gateway: PaymentGateway;
  resize: Resize;
  log: Logger;
}

export function startService(deps: Dependencies): { stop(): Promise<void> } {
  const queues = createQueues();
  const orders = new OrderController(queues.orders, deps.store, deps.log);
  const payments = new PaymentController(queues.payments, deps.store, deps.gateway, deps.log);

  const running = Promise.all([
    runEmailWorker(queues.emails, deps.store, deps.mailer, deps.log),
    runWebhookWorker(queues.webhooks, deps.store, deps.http, deps.log),
    runThumbnailWorker(queues.thumbnails, deps.store, deps.resize, deps.log),
    orders.run(2),
    (async () => {
      while (await payments.processNextWorkItem()) {
        // until shutdown
      }
    })(),
  ]);

  return {
    async stop() {
      await shutDownAll(queues, 30_000);
      await running;
    },
  };
}
