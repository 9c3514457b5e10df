/**
 * The throw model's options as a rule sees them: its own `nonThrowing` / `promiseFunctionsMayThrow` /
 * `loggersMayThrow`, on top of the
 * shared `settings.workqueue` that configures every rule of the plugin at once — a team lists its logger once, and
 * `done-immediately` (which has no throw-model options) follows the same paths as `require-done`. A list is the union
 * of both; a flag is on when either turns it on. ESLint does not validate `settings`, so this does, with an error
 * that names the setting.
 */
import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';

import type { ThrowModelOptions } from './throw-model.js';

/** The key under `settings` the plugin reads. */
export const SETTINGS_KEY = 'workqueue';

interface SettingsContext {
  readonly settings?: unknown;
}

function settingsError(what: string): Error {
  return new Error(`eslint-plugin-workqueue: settings.${SETTINGS_KEY}${what}`);
}

const CHECKED = new WeakMap<object, ThrowModelOptions>();

/** `settings.workqueue`, checked (once per settings object): an object with only the throw model's options. */
export function sharedThrowModel(context: SettingsContext): ThrowModelOptions {
  const settings = context.settings as Record<string, unknown> | undefined;
  const shared = settings?.[SETTINGS_KEY];
  if (shared === undefined) return {};
  const known = typeof shared === 'object' && shared !== null ? CHECKED.get(shared) : undefined;
  if (known) return known;
  const checked = checkShared(shared);
  CHECKED.set(shared as object, checked);
  return checked;
}

function checkShared(shared: unknown): ThrowModelOptions {
  if (typeof shared !== 'object' || shared === null || Array.isArray(shared)) throw settingsError(' must be an object');
  const { nonThrowing, promiseFunctionsMayThrow, loggersMayThrow, ...rest } = shared as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw settingsError(` has no option ${unknown.map((name) => `\`${name}\``).join(', ')} (known: \`nonThrowing\`, \`promiseFunctionsMayThrow\`, \`loggersMayThrow\`)`);
  }
  if (nonThrowing !== undefined && !(Array.isArray(nonThrowing) && nonThrowing.every(isSpecifier))) {
    throw settingsError('.nonThrowing must be an array of callee paths (strings) or TypeOrValueSpecifiers (objects with `from`)');
  }
  if (promiseFunctionsMayThrow !== undefined && typeof promiseFunctionsMayThrow !== 'boolean') {
    throw settingsError('.promiseFunctionsMayThrow must be a boolean');
  }
  if (loggersMayThrow !== undefined && typeof loggersMayThrow !== 'boolean') {
    throw settingsError('.loggersMayThrow must be a boolean');
  }
  return {
    ...(nonThrowing === undefined ? {} : { nonThrowing: nonThrowing as TypeOrValueSpecifier[] }),
    ...(promiseFunctionsMayThrow === undefined ? {} : { promiseFunctionsMayThrow }),
    ...(loggersMayThrow === undefined ? {} : { loggersMayThrow }),
  };
}

function isSpecifier(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  return typeof value === 'object' && value !== null && typeof (value as { from?: unknown }).from === 'string';
}

/** The options a rule's throw model runs with: its own, on top of the shared settings. */
export function throwModelOptions(context: SettingsContext, own: ThrowModelOptions = {}): Required<ThrowModelOptions> {
  const shared = sharedThrowModel(context);
  return {
    nonThrowing: [...(shared.nonThrowing ?? []), ...(own.nonThrowing ?? [])],
    promiseFunctionsMayThrow: (shared.promiseFunctionsMayThrow ?? false) || (own.promiseFunctionsMayThrow ?? false),
    loggersMayThrow: (shared.loggersMayThrow ?? false) || (own.loggersMayThrow ?? false),
  };
}
