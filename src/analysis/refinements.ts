/**
 * What refines a path: branch conditions after which there is nothing to release. `shutdown`, `r.shutdown`,
 * `item === undefined`, `!item`, `msg === null`, and the operands of `||`/`&&` with one of them: on the branch where
 * the test says "no item", the obligation is dropped from the path's state.
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation } from './events.js';
import type { HandleIndex } from './handles.js';
import type { Recorder } from './recorder.js';
import { branchTarget, unwrapValue } from './syntax.js';

interface Tested {
  readonly ob: Obligation;
  /** Drop the obligation when the tested node is truthy (`shutdown`) or falsy (`item`). */
  readonly dropWhenTruthy: boolean;
}

export class Refinements {
  constructor(
    private readonly recorder: Recorder,
    private readonly handles: HandleIndex,
    /** Conditional acquires made when this value was missing (`existing ?? acquire()`): a value found, none made. */
    private readonly fallbackOf: (node: TSESTree.Node) => readonly Obligation[] = () => [],
  ) {}

  /** Listeners: the nodes that can be branch conditions. */
  listeners(): Record<string, (node: never) => void> {
    const { handles } = this;
    return {
      'Identifier:exit': (node: TSESTree.Identifier) => {
        if (!handles.empty && branchTarget(node)) this.onTest(node, this.testedValue(node));
      },
      'MemberExpression:exit': (node: TSESTree.MemberExpression) => {
        if (!handles.empty && branchTarget(node)) this.onTest(node, this.testedValue(node));
      },
      'BinaryExpression:exit': (node: TSESTree.BinaryExpression) => {
        if (!handles.empty && branchTarget(node)) this.onTest(node, this.testedComparison(node));
      },
    };
  }

  private onTest(node: TSESTree.Node, drop: readonly Tested[]): void {
    if (drop.length === 0) return;
    const branch = branchTarget(node);
    if (!branch) return;
    for (const { ob, dropWhenTruthy } of drop) {
      this.recorder.refine({ ob, known: branch.known, knownTruthy: branch.truthy, dropWhenTruthy });
    }
  }

  /** `shutdown`, `r.shutdown` → no item when truthy; `item` → no item when falsy. */
  private testedValue(node: TSESTree.Node): Tested[] {
    return [
      ...this.handles.flagOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
      ...this.handles.handleOf(node).map((ob) => ({ ob, dropWhenTruthy: false })),
      ...this.fallbackOf(node).map((ob) => ({ ob, dropWhenTruthy: true })),
    ];
  }

  private testedComparison(node: TSESTree.BinaryExpression): Tested[] {
    const { handles } = this;
    const negated = node.operator === '!==' || node.operator === '!=';
    if (!negated && node.operator !== '===' && node.operator !== '==') return [];
    const sides: [TSESTree.Node, TSESTree.Node][] = [
      [node.left, node.right],
      [node.right, node.left],
    ];
    for (const [subject, other] of sides) {
      const literal = other.type === AST_NODE_TYPES.Literal ? other.value : undefined;
      const isUndefined = other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined';
      if (typeof literal === 'boolean') {
        // `shutdown === true`; and `msg === false` for an acquire that yields `false` when there is nothing.
        const flagged = handles.flagOf(subject).map((ob) => ({ ob, dropWhenTruthy: literal !== negated }));
        if (flagged.length > 0 || literal) return flagged;
        return handles.handleOf(subject).map((ob) => ({ ob, dropWhenTruthy: !negated }));
      }
      if (isUndefined || (other.type === AST_NODE_TYPES.Literal && other.value === null)) {
        return [
          ...handles.handleOf(subject).map((ob) => ({ ob, dropWhenTruthy: !negated })),
          // `existing !== undefined`: the value was there, nothing was acquired.
          ...this.fallbackOf(subject).map((ob) => ({ ob, dropWhenTruthy: negated })),
        ];
      }
      if (subject.type === AST_NODE_TYPES.UnaryExpression && subject.operator === 'typeof' && literal === 'undefined') {
        return handles.handleOf(subject.argument).map((ob) => ({ ob, dropWhenTruthy: !negated }));
      }
    }
    return [];
  }

  /** A test that is true exactly when there is no item: `shutdown`, `!item`, `item === undefined`, or an `||` with one. */
  isShutdownTest(node: TSESTree.Node, ob: Obligation): boolean {
    const value = unwrapValue(node);
    if (value.type === AST_NODE_TYPES.LogicalExpression && value.operator === '||') {
      return this.isShutdownTest(value.left, ob) || this.isShutdownTest(value.right, ob);
    }
    if (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === '!') {
      return this.handles.handleOf(value.argument).includes(ob);
    }
    if (value.type === AST_NODE_TYPES.BinaryExpression) {
      return this.testedComparison(value).some((test) => test.ob === ob && test.dropWhenTruthy);
    }
    return this.handles.flagOf(value).includes(ob);
  }
}
