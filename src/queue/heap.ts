/**
 * A binary min-heap whose nodes remember their own position, so that a node
 * can be removed or re-prioritised in O(log n) without a search.
 *
 * Used by the delaying queue (ordered by deadline) and by {@link FakeClock}
 * (ordered by deadline, then by scheduling order).
 *
 * Contract:
 * - `less(a, b)` must be a strict weak order; ties are broken by the caller
 *   (for example with a sequence number) if a stable order matters.
 * - `node.index` is owned by the heap while the node is inside it and is set
 *   to `-1` when the node leaves it.
 *
 * @internal Not part of the package's public API.
 */
export interface HeapNode {
  index: number;
}

export class IndexedMinHeap<N extends HeapNode> {
  private readonly nodes: N[] = [];
  private readonly less: (a: N, b: N) => boolean;

  constructor(less: (a: N, b: N) => boolean) {
    this.less = less;
  }

  get size(): number {
    return this.nodes.length;
  }

  /** The smallest node, or `undefined` when empty. */
  peek(): N | undefined {
    return this.nodes[0];
  }

  push(node: N): void {
    const i = this.nodes.length;
    node.index = i;
    this.nodes.push(node);
    this.up(i);
  }

  /** Removes and returns the smallest node. */
  pop(): N | undefined {
    const nodes = this.nodes;
    const n = nodes.length;
    if (n === 0) return undefined;
    const top = nodes[0] as N;
    const last = nodes.pop() as N;
    if (n > 1) {
      nodes[0] = last;
      last.index = 0;
      this.down(0);
    }
    top.index = -1;
    return top;
  }

  /** Removes `node` (which must be in this heap). */
  remove(node: N): void {
    const i = node.index;
    const nodes = this.nodes;
    if (i < 0 || nodes[i] !== node) return;
    const last = nodes.pop() as N;
    if (last !== node) {
      nodes[i] = last;
      last.index = i;
      this.fix(i);
    }
    node.index = -1;
  }

  /** Restores the heap order after the priority of the node at `i` changed. */
  fix(i: number): void {
    if (!this.down(i)) this.up(i);
  }

  clear(): void {
    for (const node of this.nodes) node.index = -1;
    this.nodes.length = 0;
  }

  /** Iterates the nodes in heap (not sorted) order. */
  values(): IterableIterator<N> {
    return this.nodes.values();
  }

  private up(i: number): void {
    const nodes = this.nodes;
    const node = nodes[i] as N;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = nodes[p] as N;
      if (!this.less(node, parent)) break;
      nodes[i] = parent;
      parent.index = i;
      i = p;
    }
    nodes[i] = node;
    node.index = i;
  }

  /** Sifts down; returns whether the node moved. */
  private down(i0: number): boolean {
    const nodes = this.nodes;
    const n = nodes.length;
    const node = nodes[i0] as N;
    let i = i0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && this.less(nodes[r] as N, nodes[l] as N)) c = r;
      const child = nodes[c] as N;
      if (!this.less(child, node)) break;
      nodes[i] = child;
      child.index = i;
      i = c;
    }
    nodes[i] = node;
    node.index = i;
    return i !== i0;
  }
}
