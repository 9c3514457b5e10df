/**
 * The faults the broker fixtures are run under, as message payloads: a good one, one the handler cannot parse, one
 * it returns early on, one whose work throws. The same payloads go to every broker. The consumer cancelled is
 * injected by the drivers (tests/brokers/drive.ts), some of it from inside `work`.
 */
export const INJECTED = 'injected fault';

export interface Job {
  readonly id: number;
  readonly skip?: boolean;
  readonly fail?: boolean;
}

/** The payloads, in publishing order: the good one first and last. */
export const PAYLOADS: readonly string[] = [
  JSON.stringify({ id: 1 }),
  '{ not json',
  JSON.stringify({ id: 2, skip: true }),
  JSON.stringify({ id: 3, fail: true }),
  JSON.stringify({ id: 4 }),
];

/**
 * One more good payload, published after PAYLOADS for a cancellation run: a job still waiting when the consumer is
 * cancelled, which the fixture must not take.
 */
export const AFTER_CANCEL: string = JSON.stringify({ id: 5 });

/** Run inside `work`, before it returns, when a driver injects a fault while a handler works (a worker paused). */
let duringWork: ((job: Job) => Promise<void>) | undefined;

export function injectDuringWork(hook: ((job: Job) => Promise<void>) | undefined): void {
  duringWork = hook;
}

/** The work a handler does with a parsed payload: it throws for `fail`. */
export async function work(job: Job): Promise<void> {
  await Promise.resolve();
  if (duringWork) await duringWork(job);
  if (job.fail) throw new Error(`${INJECTED}: job ${job.id} failed`);
}

/** An error a fixture raised because of an injected fault: failed work, or the bad payload's parse error. */
export function isInjected(error: unknown): boolean {
  // Reported from a test worker, the error arrives serialised: judge it by its name and message.
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  return message.includes(INJECTED) || (name === 'SyntaxError' && /JSON/.test(message));
}
