/**
 * Text searches that stand in for a walk: where a file's text holds a name, as offsets a subtree's range can be
 * tested against. Every test is a superset of what the syntax tree holds (a range from a node's full start includes
 * its leading trivia), so a filter built on them drops only nodes that cannot match.
 */
import type * as ts from 'typescript';

/** The [start, end) of every `name(` of `text`, flattened and ordered by start. */
export function callSpans(text: string, calledNames: readonly string[]): number[] {
  const found: [number, number][] = [];
  for (const name of calledNames) {
    const needle = `${name}(`;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push([at, at + needle.length]);
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.flat();
}

/** The [start, end) of every occurrence of `needle` in `text`, flattened and ordered by start. */
export function occurrenceSpans(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at, at + needle.length);
  return found;
}

/** An ASCII identifier character: one next to an occurrence makes it part of a longer name. */
function isAsciiIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
}

/**
 * The [start, end) of every occurrence of `name` in `text` that no ASCII identifier character touches (every
 * identifier token spelled `name`, and some more), flattened and ordered by start.
 */
export function nameSpans(text: string, name: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const end = at + name.length;
    if ((at > 0 && isAsciiIdentifierChar(text.charCodeAt(at - 1))) || (end < text.length && isAsciiIdentifierChar(text.charCodeAt(end)))) continue;
    found.push(at, end);
  }
  return found;
}

/**
 * Some span of {@link callSpans} or {@link nameSpans} lies within `node`, from its full start (its leading trivia
 * too), found by a binary search instead of slicing its text.
 */
export function hasSpanWithin(spans: readonly number[], node: ts.Node): boolean {
  let lo = 0;
  let hi = spans.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid * 2] as number) < node.pos) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < spans.length >> 1 && (spans[i * 2] as number) < node.end; i++) if ((spans[i * 2 + 1] as number) <= node.end) return true;
  return false;
}
