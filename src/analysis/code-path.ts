/**
 * Types for ESLint's code path analysis. typescript-eslint types the AST listeners of a rule but not the
 * `onCodePath*` ones, so they are declared here once and attached with {@link withCodePathListeners}.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

export interface CodePathSegment {
  readonly id: string;
  readonly reachable: boolean;
  readonly nextSegments: readonly CodePathSegment[];
  readonly prevSegments: readonly CodePathSegment[];
  readonly allNextSegments: readonly CodePathSegment[];
  readonly allPrevSegments: readonly CodePathSegment[];
}

export interface CodePath {
  readonly id: string;
  readonly origin: 'program' | 'function' | 'class-field-initializer' | 'class-static-block';
  readonly initialSegment: CodePathSegment;
  readonly finalSegments: readonly CodePathSegment[];
  readonly returnedSegments: readonly CodePathSegment[];
  readonly thrownSegments: readonly CodePathSegment[];
  readonly upper: CodePath | null;
}

export interface CodePathListeners {
  onCodePathStart?: (codePath: CodePath, node: TSESTree.Node) => void;
  onCodePathEnd?: (codePath: CodePath, node: TSESTree.Node) => void;
  onCodePathSegmentStart?: (segment: CodePathSegment, node: TSESTree.Node) => void;
  onCodePathSegmentEnd?: (segment: CodePathSegment, node: TSESTree.Node) => void;
  onUnreachableCodePathSegmentStart?: (segment: CodePathSegment, node: TSESTree.Node) => void;
  onUnreachableCodePathSegmentEnd?: (segment: CodePathSegment, node: TSESTree.Node) => void;
  onCodePathSegmentLoop?: (from: CodePathSegment, to: CodePathSegment, node: TSESTree.Node) => void;
}

/** Merges code path listeners into a rule's listener object (ESLint calls them with two arguments). */
export function withCodePathListeners(
  listeners: TSESLint.RuleListener,
  codePathListeners: CodePathListeners,
): TSESLint.RuleListener {
  return { ...listeners, ...(codePathListeners as unknown as TSESLint.RuleListener) };
}

export type Listeners = Record<string, (node: never) => void>;

/** Combines listener objects; listeners for the same selector run in the order given. */
export function mergeListeners(...all: Listeners[]): Listeners {
  const merged: Record<string, ((node: never) => void)[]> = {};
  for (const listeners of all) {
    for (const [selector, listener] of Object.entries(listeners)) (merged[selector] ??= []).push(listener);
  }
  return Object.fromEntries(
    Object.entries(merged).map(([selector, list]) => [
      selector,
      list.length === 1 ? (list[0] as (node: never) => void) : inOrder(list),
    ]),
  );
}

/** One listener that calls each of `list` in turn; a plain loop, since it runs at every node of its type. */
function inOrder(list: readonly ((node: never) => void)[]): (node: never) => void {
  return (node: never) => {
    for (let i = 0; i < list.length; i++) (list[i] as (node: never) => void)(node);
  };
}
