/**
 * The broker test harness (tests/brokers/servers.ts) never skips: a server that is not installed fails the run with
 * the command that installs it. Runs in `npm test`, which needs no broker.
 */
import { describe, expect, it } from 'vitest';

import { requireServer } from '../brokers/servers.js';

describe('broker harness', () => {
  it('fails on a missing server, naming it and the install command', () => {
    expect(() => requireServer('/nonexistent/rabbitmq-server', 'rabbitmq-server')).toThrow(
      /rabbitmq-server is not installed \(\/nonexistent\/rabbitmq-server is missing\)[\s\S]*apt-get install -y rabbitmq-server nats-server redis-server[\s\S]*npm run test:brokers/,
    );
  });

  it('returns an installed server', () => {
    expect(requireServer(process.execPath, 'node')).toBe(process.execPath);
  });
});
