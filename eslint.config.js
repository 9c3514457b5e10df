// Self-lint: the plugin's own code, with typescript-eslint's strict type-checked config everywhere and
// eslint-plugin-eslint-plugin's recommended config on the rules and their tests. `npm run lint` runs this.
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    'dist/',
    // The k8s-workqueue workspace's build output.
    'src/queue/dist/',
    'coverage/',
    'tmp/',
    // The demo service: `npm run demo` lints it with the plugin's own config (it has leaks on purpose).
    'examples/',
    // Inputs for rule tests and fixtures: code under test, not code of the plugin.
    'tests/fixtures/',
    'tests/rules/fixture/',
  ]),
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        // TypeScript files of scripts/ are in no tsconfig (they run through their own tools): the default project.
        projectService: { allowDefaultProject: ['scripts/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // This codebase's style, kept on purpose across src/, rules/ and tests/ (each relaxes strict-type-checked the way
    // recommended-type-checked or the rule's own docs do):
    // - numbers in template literals (messages, keys, line numbers) are fine;
    // - an arrow shorthand may return a void call: `(node) => recorder.terminate(node)`.
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // - a parameter an implementation must accept but does not need is named `_item`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Test code indexes arrays it has just built; with noUncheckedIndexedAccess, `xs[i]!` is the honest spelling.
    // The fuzz oracle is written in continuation-passing style: `return k(state)` where k returns nothing.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
    },
  },
  {
    // JavaScript (scripts, benchmarks, this file) is not part of a TypeScript project: lint it without types.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['rules/**/*.ts', 'src/**/*.ts', 'tests/rules/**/*.ts'],
    extends: [eslintPlugin.configs.recommended],
  },
]);
