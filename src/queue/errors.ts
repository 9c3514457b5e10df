import { inspect } from 'node:util';

/** Codes carried by {@link QueueMisuseError}. */
export type QueueMisuseCode = 'ERR_WORKQUEUE_DONE_NOT_PROCESSING';

/**
 * Thrown (by default) when a queue is used against its contract:
 *
 * - `ERR_WORKQUEUE_DONE_NOT_PROCESSING`: `done(item)` was called for an item
 *   that is not being processed: it was never handed out by `get()`, or
 *   `done()` was already called for it (a double `done()`).
 *
 * client-go silently accepts such a `Done` (and, if the item happens to be
 * dirty, even queues a duplicate); this port refuses it. Queues created with
 * `onMisuse: 'count'` do not throw: they ignore the call and count it in
 * `stats().misuses`.
 */
export class QueueMisuseError extends Error {
  override readonly name = 'QueueMisuseError';
  readonly code: QueueMisuseCode;
  /** The item passed to the offending call. */
  readonly item: unknown;
  /** Name of the queue (`''` if unnamed). */
  readonly queueName: string;

  constructor(code: QueueMisuseCode, item: unknown, queueName: string, message: string) {
    super(message);
    this.code = code;
    this.item = item;
    this.queueName = queueName;
  }
}

/**
 * Rejection of `shutDownWithDrain({ timeoutMs })` when items taken with
 * `get()` were still not marked `done()` when the timeout expired. `items`
 * lists them, oldest first, and the message names them: usually a worker
 * forgot `done()` on some path.
 */
export class DrainTimeoutError extends Error {
  override readonly name = 'DrainTimeoutError';
  readonly code = 'ERR_WORKQUEUE_DRAIN_TIMEOUT';
  /** Items still being processed when the timeout expired, oldest first. */
  readonly items: readonly unknown[];
  readonly timeoutMs: number;
  readonly queueName: string;

  constructor(items: readonly unknown[], timeoutMs: number, queueName: string) {
    super(
      `${queueLabel(queueName)}shutDownWithDrain timed out after ${timeoutMs} ms with ` +
        `${items.length} item${items.length === 1 ? '' : 's'} still being processed ` +
        `(taken with get() but not marked done()): ${formatItems(items)}`,
    );
    this.items = items;
    this.timeoutMs = timeoutMs;
    this.queueName = queueName;
  }
}

/** @internal */
export function queueLabel(name: string): string {
  return name === '' ? '' : `workqueue "${name}": `;
}

const MAX_LISTED = 20;

/** Short, one-line rendering of items for error messages. @internal */
export function formatItem(item: unknown): string {
  return inspect(item, { depth: 1, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 200 });
}

function formatItems(items: readonly unknown[]): string {
  const shown = items.slice(0, MAX_LISTED).map(formatItem).join(', ');
  return items.length > MAX_LISTED ? `${shown}, … and ${items.length - MAX_LISTED} more` : shown;
}
