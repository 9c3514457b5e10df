import { defineConfig } from 'vitest/config';

// Config for the long runs (`npm run crash-hunt`, `npm run suggestions:all`): no test timeout.
export default defineConfig({
  resolve: { conditions: ['workqueue-source'] },
  ssr: { resolve: { conditions: ['workqueue-source'], externalConditions: ['workqueue-source'] } },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 0,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
