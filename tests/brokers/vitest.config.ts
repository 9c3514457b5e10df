// `npm run test:brokers`: the broker fixtures against real RabbitMQ, NATS JetStream and Redis (tests/brokers/servers.ts
// starts and stops them). `npm test` leaves these out: they need the Debian packages the README names.
import { defineConfig } from 'vitest/config';

import base from '../../vitest.config.js';
import { isInjected } from './faults.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/brokers/**/*.test.ts'],
    exclude: [],
    globalSetup: ['tests/brokers/servers.ts'],
    // A fixture's handler that throws on an injected fault leaves a rejected promise to the broker client, as in a
    // service; only those are expected. Any other unhandled error fails the run.
    onUnhandledError: (error) => !isInjected(error),
  },
});
