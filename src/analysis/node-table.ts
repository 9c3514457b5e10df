/**
 * A table keyed by the AST nodes of one file, found by the node's start offset instead of by hashing the node.
 *
 * The analysis keeps several per-node tables that get one entry per identifier or statement of a file (the
 * identifier → variable table, the router's remembered routes). As `Map`s keyed by node objects, each lookup hashes
 * the node and probes a table of tens of thousands of entries spread over the heap, and each insertion may rehash
 * it: on the 4,000-branch worker those `get`s and `set`s were most of the router's and the identifier index's own
 * time. Here the offset picks a slot of a typed array (not scanned by the garbage collector), which names an entry of
 * two dense arrays; the entry's node is compared by identity, so the answers are exactly a `Map`'s. Nodes that share
 * a start offset (`{ a }`: the key and the value; a statement and its first expression) take the slot in turn: the
 * first one set keeps it, the others go to a `Map` beside it.
 */
import type { TSESTree } from '@typescript-eslint/utils';

export class NodeTable<V> {
  /** Start offset → 1 + the entry's index (0: none). Grown on demand. */
  private slots = new Int32Array(0);
  private readonly nodes: TSESTree.Node[] = [];
  private readonly values: V[] = [];
  private overflow: Map<TSESTree.Node, V> | undefined;

  get(node: TSESTree.Node): V | undefined {
    const start = startOf(node);
    const slot = start < this.slots.length ? (this.slots[start] as number) : 0;
    if (slot !== 0 && this.nodes[slot - 1] === node) return this.values[slot - 1];
    return this.overflow?.get(node);
  }

  set(node: TSESTree.Node, value: V): void {
    const start = startOf(node);
    if (start === NO_START) {
      (this.overflow ??= new Map()).set(node, value);
      return;
    }
    if (start >= this.slots.length) this.grow(start);
    const slot = this.slots[start] as number;
    if (slot === 0) {
      this.nodes.push(node);
      this.values.push(value);
      this.slots[start] = this.nodes.length;
    } else if (this.nodes[slot - 1] === node) {
      this.values[slot - 1] = value;
    } else {
      (this.overflow ??= new Map()).set(node, value);
    }
  }

  private grow(start: number): void {
    const slots = new Int32Array(Math.max(start + 1, this.slots.length * 2, 1024));
    slots.set(this.slots);
    this.slots = slots;
  }
}

/** Larger than any slot table: a node without a usable offset is kept in the overflow `Map`. */
const NO_START = Number.MAX_SAFE_INTEGER;

function startOf(node: TSESTree.Node): number {
  const start = (node.range as readonly number[] | undefined)?.[0];
  return typeof start === 'number' && start >= 0 && (start | 0) === start ? start : NO_START;
}
