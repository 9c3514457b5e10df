/** `eslint-plugin-workqueue/queue/prom-client`: `k8s-workqueue/prom-client`, re-exported. prom-client is an optional peer. */
export * from 'k8s-workqueue/prom-client';
