// The demo's ESLint config, as a user of the plugin writes it: typescript-eslint's parser with typed linting through
// the project service, and the plugin's recommended type-checked config. `npm run demo` lints with this file.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import workqueue from 'eslint-plugin-workqueue';

export default defineConfig([
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base, workqueue.configs['recommended-type-checked']],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
]);
