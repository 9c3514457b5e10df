// Machine description printed at the top of every benchmark and copied into docs/performance.md.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The commit the plugin was built from, and whether src/ or rules/ had uncommitted changes then. */
function buildSource() {
  try {
    const git = (...args) => execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'rules').split('\n').filter(Boolean).length;
    return `commit ${commit}${dirty ? ` plus uncommitted changes to ${dirty} file(s) in src/ and rules/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function gib(bytes) {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Lines describing where the numbers were taken. */
export function machineLines() {
  const cpus = os.cpus();
  const models = new Map();
  for (const cpu of cpus) models.set(cpu.model, (models.get(cpu.model) ?? 0) + 1);
  const cpuText = [...models].map(([model, count]) => `${count} × ${model.trim()}${cpus[0]?.speed ? ` @ ${cpus[0].speed} MHz` : ''}`).join(', ');
  return [
    `date: ${new Date().toISOString()}`,
    `node: ${process.version} (${process.platform}/${process.arch}, V8 ${process.versions.v8})`,
    `cpus: ${cpus.length} (${cpuText}); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `memory: ${gib(os.totalmem())} total, ${gib(os.freemem())} free`,
    `plugin built from: ${buildSource()}`,
  ];
}
