/**
 * `eslint-plugin-workqueue/queue`: the reference work queue, which is its own zero-dependency package, `k8s-workqueue`
 * (source: src/queue/, docs: docs/queue.md). Re-exported, so that both names give the same classes.
 */
export * from 'k8s-workqueue';
