// eslint-doc-generator: writes the rules table in README.md and the header of every docs/rules/<rule>.md from the
// rules' meta and the plugin's configs. `npm run docs` writes them; `npm run lint` checks them (`--check`).
/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['recommended-type-checked', '☑️'],
    ['strict', '🔐'],
    ['strict-type-checked', '🔒'],
  ],
  // A utility config (turns the type-checked configs' extra rules off for files without type information), not a rule
  // set; and `all`, which has every rule by definition.
  ignoreConfig: ['disable-type-checked', 'all'],
  ruleDocTitleFormat: 'desc-parens-prefix-name',
  ruleDocNotices: ['deprecated', 'configs', 'fixableAndHasSuggestions', 'requiresTypeChecking', 'options'],
  ruleListColumns: ['name', 'description', 'configsError', 'fixable', 'hasSuggestions', 'requiresTypeChecking', 'deprecated'],
  urlConfigs: 'https://github.com/eslint-plugin-workqueue/eslint-plugin-workqueue#configs',
};

export default config;
