import { defineConfig } from 'vitest/config';

// Config for `npm run fuzz` only (see scripts/fuzz.mjs): runs the long differential fuzz file.
export default defineConfig({
  test: {
    include: ['tests/fuzz/fuzz.run.ts'],
    testTimeout: 0,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
