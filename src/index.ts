import { rules } from '../rules/index.js';

const plugin = {
  meta: { name: 'eslint-plugin-workqueue', version: '0.1.0', namespace: 'workqueue' },
  rules,
};

export default plugin;
