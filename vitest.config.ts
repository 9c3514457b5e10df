import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // In this repository `eslint-plugin-workqueue/queue` resolves to the TypeScript source, not to dist/.
  resolve: { conditions: ['workqueue-source'] },
  ssr: { resolve: { conditions: ['workqueue-source'], externalConditions: ['workqueue-source'] } },
  test: {
    include: ['tests/**/*.test.ts'],
    // The install matrix runs on its own: `npm run test:matrix` (vitest.matrix.config.ts).
    // The broker fixtures need RabbitMQ, NATS and Redis: `npm run test:brokers` (tests/brokers/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'tests/integration/matrix.test.ts', 'tests/brokers/**'],
    // Typed rule tests build a TypeScript program per file; give them room on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // What a test prints (the fuzz harness's shrunk counterexamples, whole programs) is shown when that test fails.
    silent: 'passed-only',
  },
});
