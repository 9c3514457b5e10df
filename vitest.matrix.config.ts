// `npm run test:matrix`: the install matrix alone (tests/integration/matrix.test.ts), which `npm test` leaves out
// because its first run installs from the npm registry. (Not mergeConfig: it would append to include and exclude.)
import { defineConfig } from 'vitest/config';

import base from './vitest.config.js';

export default defineConfig({ ...base, test: { ...base.test, include: ['tests/integration/matrix.test.ts'], exclude: [] } });
