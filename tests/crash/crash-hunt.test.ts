/**
 * The crash hunt in CI: a small seeded slice of adversarial files, each linted with every rule on, untyped, typed,
 * with a checker that throws on every question, and with one that answers only the types of nodes. No rule may throw, and every suggestion must re-parse.
 * `npm run crash-hunt -- --files N --seed S` runs a longer hunt with the same code.
 */
import { describe, expect, it } from 'vitest';

import { generateFiles } from './generator.js';
import { hunt, MODES, summary } from './hunt.js';

const FILES = Number(process.env.CRASH_HUNT_FILES ?? 4);
const SEED = Number(process.env.CRASH_HUNT_SEED ?? 16);
const MAX_DEPTH = Number(process.env.CRASH_HUNT_DEPTH ?? (process.env.CRASH_HUNT_FILES ? 3 : 2));

describe('crash hunt', () => {
  it(`lints ${FILES} generated files (seed ${SEED}) in every mode without an exception, and every suggestion re-parses`, () => {
    const result = hunt(generateFiles(FILES, SEED, MAX_DEPTH));
    console.log(`crash hunt (seed ${SEED}): ${summary(result)}`);
    expect(result.inputParseFailures).toEqual([]);
    expect(result.exceptions).toEqual([]);
    expect(result.suggestionParseFailures.map(({ file, mode, rule, message }) => ({ file, mode, rule, message }))).toEqual([]);
    // The hunt lints what it means to: the rules report on the generated leaks and offer fixes for them.
    expect(result.lintRuns).toBe(FILES * MODES.length * 2);
    expect(result.reports).toBeGreaterThan(0);
    expect(result.suggestionsApplied).toBeGreaterThan(0);
  });
});
