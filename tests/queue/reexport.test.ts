// Issue 15: the queue is the k8s-workqueue workspace; eslint-plugin-workqueue/queue (and /queue/prom-client) re-export
// it, so both names give the very same functions and classes (an error thrown by one is an instance of the other's).
// Both resolve to the TypeScript sources here (the `workqueue-source` condition), not to a build.
import { describe, expect, it } from 'vitest';
import * as plugin from 'eslint-plugin-workqueue/queue';
import * as pluginProm from 'eslint-plugin-workqueue/queue/prom-client';
import * as k8s from 'k8s-workqueue';
import * as k8sProm from 'k8s-workqueue/prom-client';
import * as source from '../../src/queue/index.js';

describe('eslint-plugin-workqueue/queue re-exports k8s-workqueue', () => {
  it('exports the same bindings, the same objects', () => {
    expect(Object.keys(plugin).sort()).toEqual(Object.keys(k8s).sort());
    for (const [name, value] of Object.entries(k8s)) expect(plugin[name as keyof typeof plugin], name).toBe(value);
    expect(k8s.newQueue).toBe(source.newQueue);
    expect(pluginProm.promClientMetricsProvider).toBe(k8sProm.promClientMetricsProvider);
    expect(Object.keys(k8s)).toEqual(expect.arrayContaining(['runWorkers', 'defaultQueueStorage', 'newRateLimitingQueue', 'FakeClock']));
  });
});
