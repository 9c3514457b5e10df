import { inspect } from 'node:util';

/**
 * Argument checks shared by the constructors and methods: bad input fails at
 * the call, with a TypeError or RangeError naming the option, never later.
 * @internal Not part of the package's public API.
 */

/** A short rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  return inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 3, maxStringLength: 60 });
}

/**
 * Checks that `value` is `undefined` or a plain options object whose keys are all in `known`; returns it (or `{}`).
 * Unknown keys are a TypeError: a misspelt option would otherwise be silently ignored.
 */
export function checkConfigObject(value: unknown, where: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option ${JSON.stringify(key)} (known options: ${known.join(', ')})`);
    }
  }
  return value as Record<string, unknown>;
}

/** Throws a TypeError unless `value` is a function. */
export function checkFunction(value: unknown, what: string): void {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function, got ${describeValue(value)}`);
}

/** Throws a TypeError unless `value` looks like an AbortSignal. */
export function checkAbortSignal(value: unknown, what: string): void {
  const s = value as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw new TypeError(`${what} must be an AbortSignal, got ${describeValue(value)}`);
  }
}

/** Throws a TypeError unless `value` is a number, and a RangeError if it is NaN. */
export function checkNumber(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describeValue(value)}`);
  if (Number.isNaN(value)) throw new RangeError(`${what} must not be NaN`);
}

/** Throws a TypeError unless `clock` has `now()`, `setTimeout()` and `clearTimeout()`. */
export function checkClock(clock: unknown, what: string): void {
  const c = clock as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
    throw new TypeError(`${what} must be a Clock (an object with now(), setTimeout() and clearTimeout()), got ${describeValue(clock)}`);
  }
}
