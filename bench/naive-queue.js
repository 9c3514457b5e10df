// A naive work queue for the benchmark's baseline: the same client-go
// semantics (dirty and processing sets, FIFO waiters) as the real queue, but
// with a plain array and Array.prototype.shift for the FIFO and the waiters,
// as a literal port of client-go's slice queue would do.

const SHUTDOWN = Object.freeze([undefined, true]);

export class NaiveQueue {
  constructor() {
    this.items = [];
    this.waiters = [];
    this.dirty = new Set();
    this.processing = new Set();
    this.closed = false;
  }

  add(item) {
    if (this.closed || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.items.push(item);
    if (this.waiters.length > 0) this.waiters.shift()(this.take());
  }

  take() {
    const item = this.items.shift();
    this.dirty.delete(item);
    this.processing.add(item);
    return [item, false];
  }

  get() {
    if (this.items.length > 0) return Promise.resolve(this.take());
    if (this.closed) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item) {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.items.push(item);
      if (this.waiters.length > 0) this.waiters.shift()(this.take());
    }
  }

  len() {
    return this.items.length;
  }

  shutDown() {
    this.closed = true;
    while (this.waiters.length > 0) this.waiters.shift()(SHUTDOWN);
  }
}
