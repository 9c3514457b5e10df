#!/usr/bin/env node
// npm run demo: lint the small service in examples/ with the plugin, with type information, and print what ESLint
// finds in its usual (stylish) format plus a one-line summary. The service has leaks on purpose: finding them is the
// expected output, so the demo exits 0 whenever linting itself ran (1 if a file could not be parsed or the config is
// broken, 2 on a crash).
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { ESLint } from 'eslint';

import { ROOT, ensureBuild } from './ensure-build.mjs';

const EXAMPLES = path.join(ROOT, 'examples');
const RULE_PREFIX = 'workqueue/';

async function main() {
  await ensureBuild();

  const started = performance.now();
  // cwd = examples/: ESLint uses examples/eslint.config.js, a user's config (typescript-eslint's parser with the project
  // service, and the plugin's recommended-type-checked config).
  const eslint = new ESLint({ cwd: EXAMPLES });
  const results = await eslint.lintFiles(['.']);
  const seconds = (performance.now() - started) / 1000;

  const formatter = await eslint.loadFormatter('stylish');
  const output = await formatter.format(results, { cwd: EXAMPLES, rulesMeta: eslint.getRulesMetaForResults(results) });
  if (output) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);

  const findings = results.flatMap((result) => result.messages.filter((m) => m.ruleId?.startsWith(RULE_PREFIX)));
  const filesWithFindings = results.filter((result) => result.messages.some((m) => m.ruleId?.startsWith(RULE_PREFIX)));
  const fatal = results.flatMap((result) =>
    result.messages.filter((m) => m.fatal || m.ruleId === null).map((m) => `${path.relative(ROOT, result.filePath)}:${m.line}: ${m.message}`),
  );
  const byRule = new Map();
  for (const finding of findings) byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
  const perRule = [...byRule].map(([rule, count]) => `${rule}: ${count}`).join(', ');

  console.log(
    `workqueue demo: ${findings.length} problem${findings.length === 1 ? '' : 's'}${perRule ? ` (${perRule})` : ''}` +
      ` in ${filesWithFindings.length} of ${results.length} files in examples/, typed linting in ${seconds.toFixed(1)} s;` +
      ' the service has leaks planted on purpose (see the LEAK comments), so this is the expected output.',
  );
  if (fatal.length > 0) {
    console.error(`workqueue demo: ESLint could not lint every file:\n  ${fatal.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error('workqueue demo: ESLint failed to run:');
  console.error(error);
  process.exitCode = 2;
});
