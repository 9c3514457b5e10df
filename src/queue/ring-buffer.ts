/**
 * A growable FIFO ring buffer: O(1) amortised `push` and `shift`, no
 * `Array.prototype.shift`, no per-item allocation.
 *
 * Capacity is a power of two; it doubles when full and halves when a large
 * buffer falls to a quarter full, so a queue that once held a million items
 * gives the memory back. Vacated slots are cleared so that items can be
 * garbage collected as soon as they leave.
 *
 * @internal Not part of the package's public API.
 */
export class RingBuffer<T> {
  private buf: (T | undefined)[];
  private mask: number;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.buf = newSlots<T>(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  push(value: T): void {
    if (this.count > this.mask) this.resize((this.mask + 1) * 2);
    this.buf[(this.head + this.count) & this.mask] = value;
    this.count++;
  }

  /** Removes and returns the oldest value; `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const buf = this.buf;
    const head = this.head;
    const value = buf[head];
    buf[head] = undefined;
    this.head = (head + 1) & this.mask;
    const count = --this.count;
    if (count === 0) {
      this.head = 0;
    } else if (this.mask >= SHRINK_MIN_CAPACITY && count <= this.mask >> 2) {
      this.resize((this.mask + 1) >> 1);
    }
    return value;
  }

  /** The oldest value without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.buf[this.head];
  }

  clear(): void {
    this.buf = newSlots<T>(16);
    this.mask = 15;
    this.head = 0;
    this.count = 0;
  }

  /** Oldest first. */
  *values(): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.buf[(this.head + i) & this.mask] as T;
  }

  private resize(capacity: number): void {
    const next = newSlots<T>(capacity);
    const buf = this.buf;
    const mask = this.mask;
    for (let i = 0; i < this.count; i++) next[i] = buf[(this.head + i) & mask];
    this.buf = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

const SHRINK_MIN_CAPACITY = 1024;

/**
 * A preallocated array. V8 makes it "holey", which costs a hole check on
 * reads, but allocating it is a single fill: measured faster overall than a
 * packed array built with `push` (growth dominates at large sizes).
 */
function newSlots<T>(capacity: number): (T | undefined)[] {
  return new Array<T | undefined>(capacity);
}
