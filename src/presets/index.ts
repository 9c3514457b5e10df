import { asyncMutex } from './async-mutex.js';
import { genericPool } from './generic-pool.js';
import { opentelemetry } from './opentelemetry.js';
import { pg } from './pg.js';
import { webStreams } from './web-streams.js';
import type { Pair } from './pair.js';

export const PRESET_NAMES = ['pg', 'async-mutex', 'generic-pool', 'web-streams', 'opentelemetry'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/**
 * The presets on by default. `web-streams` is opt-in: on real code a reader left locked is almost always harmless
 * (the stream was read to its end, cancelled, or dropped, and nothing reads it again): docs/precision.md.
 */
export const DEFAULT_PRESETS: readonly PresetName[] = ['pg', 'async-mutex', 'generic-pool', 'opentelemetry'];

export const PRESETS: Record<PresetName, readonly Pair[]> = {
  pg,
  'async-mutex': asyncMutex,
  'generic-pool': genericPool,
  'web-streams': webStreams,
  opentelemetry,
};
