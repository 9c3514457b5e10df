import { amqplib } from './amqplib.js';
import { asyncMutex } from './async-mutex.js';
import { azureServiceBus } from './azure-service-bus.js';
import { bullmq } from './bullmq.js';
import { genericPool } from './generic-pool.js';
import { googlePubsub } from './google-pubsub.js';
import { nats } from './nats.js';
import { opentelemetry } from './opentelemetry.js';
import { pg } from './pg.js';
import { webStreams } from './web-streams.js';
import type { Pair } from './pair.js';

export const PRESET_NAMES = [
  'pg',
  'async-mutex',
  'generic-pool',
  'web-streams',
  'opentelemetry',
  'amqplib',
  'google-pubsub',
  'nats',
  'bullmq',
  'azure-service-bus',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/**
 * The presets on by default. `web-streams` is opt-in: on real code a reader left locked is almost always harmless
 * (the stream was read to its end, cancelled, or dropped, and nothing reads it again): docs/precision.md.
 * `google-pubsub` and `azure-service-bus` are opt-in: they have no local server, so their verdicts are checked
 * against their type declarations only, never against what the service does; the broker presets that are on
 * (`amqplib`, `nats`, `bullmq`) had every fixture verdict confirmed by the running broker (tests/brokers).
 */
export const DEFAULT_PRESETS: readonly PresetName[] = ['pg', 'async-mutex', 'generic-pool', 'opentelemetry', 'amqplib', 'nats', 'bullmq'];

export const PRESETS: Record<PresetName, readonly Pair[]> = {
  pg,
  'async-mutex': asyncMutex,
  'generic-pool': genericPool,
  'web-streams': webStreams,
  opentelemetry,
  amqplib,
  'google-pubsub': googlePubsub,
  nats,
  bullmq,
  'azure-service-bus': azureServiceBus,
};
