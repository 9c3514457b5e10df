/** The service's domain: what the workers and controllers act on, and the clients they call. */

export interface Order {
  id: string;
  customerEmail: string;
  totalCents: number;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
}

export interface Webhook {
  id: string;
  url: string;
  payload: unknown;
}

export interface Store {
  getOrder(id: string): Promise<Order | undefined>;
  saveOrder(order: Order): Promise<void>;
  getWebhook(id: string): Promise<Webhook | undefined>;
  getUpload(key: string): Promise<Uint8Array | undefined>;
  saveThumbnail(key: string, image: Uint8Array): Promise<void>;
}

export interface HttpClient {
  post(url: string, body: unknown): Promise<{ status: number }>;
}

export interface Mailer {
  send(to: string, subject: string, body: string): Promise<void>;
}

export interface PaymentGateway {
  capture(orderId: string, amountCents: number): Promise<{ ok: boolean }>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
