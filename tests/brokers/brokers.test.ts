/**
 * The broker fixture corpus (tests/fixtures/brokers/<preset>/): every fixture's lint verdict (typed, against the
 * client packages' real declarations) must equal what the real broker shows after running it under fault injection
 * (tests/brokers/drive.ts), and both must equal what the fixture claims (`meta`). The servers are started once for
 * the run by tests/brokers/servers.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, inject, it } from 'vitest';

import type { BrokerFixtureMeta } from '../fixtures/brokers/contract.js';
import {
  type AmqpStart,
  type BrokerVerdict,
  type BullRun,
  cancelAmqp,
  cancelNats,
  type CancelVerdict,
  driveAmqp,
  driveBull,
  driveNats,
  type NatsCreate,
  type NatsRun,
  type NatsSubscribe,
  pauseBull,
} from './drive.js';
import { type BrokerLint, lintTyped, lintUntyped } from './lint.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtureRoot = path.join(root, 'tests/fixtures/brokers');
const PRESETS = ['amqplib', 'nats', 'bullmq'] as const;
type Preset = (typeof PRESETS)[number];

const fixtures = PRESETS.flatMap((preset) =>
  readdirSync(path.join(fixtureRoot, preset))
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => ({ preset, name: file.slice(0, -3), file: path.join(fixtureRoot, preset, file) })),
);

interface Outcome {
  readonly preset: Preset;
  readonly name: string;
  readonly meta: BrokerFixtureMeta;
  readonly lint: BrokerLint;
  readonly broker: BrokerVerdict;
  /** NATS and BullMQ: the verdict once more, with the consumer cancelled (drive.ts says how, per engine). */
  readonly cancelled?: CancelVerdict & { readonly waiting?: number };
}

const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  const ports = inject('brokerPorts');
  const linted = await lintTyped(root, fixtures.map((f) => f.file));
  for (const fixture of fixtures) {
    const module = (await import(fixture.file)) as {
      meta: BrokerFixtureMeta;
      start?: AmqpStart;
      run?: NatsRun & BullRun;
      subscribe?: NatsSubscribe;
      create?: NatsCreate;
      confirm?: boolean;
    };
    const lint = linted.get(fixture.file);
    if (!lint) throw new Error(`not linted: ${fixture.file}`);
    const id = `${fixture.preset}-${fixture.name}`;
    let broker: BrokerVerdict;
    let cancelled: Outcome['cancelled'];
    if (fixture.preset === 'amqplib') {
      if (!module.start) throw new Error(`${fixture.file} exports no start(channel, queue)`);
      broker = await driveAmqp(ports.amqp, id, module.start, module.confirm);
      if (readFileSync(fixture.file, 'utf8').includes('.consume(')) await cancelAmqp(ports.amqp, id, module.start, module.confirm);
    } else if (fixture.preset === 'nats') {
      broker = await driveNats(ports.nats, id, module);
      cancelled = await cancelNats(ports.nats, id, module);
    } else {
      if (!module.run) throw new Error(`${fixture.file} exports no run(worker, token)`);
      broker = await driveBull(ports.redis, id, module.run);
      cancelled = await pauseBull(ports.redis, id, module.run);
    }
    outcomes.set(id, { preset: fixture.preset, name: fixture.name, meta: module.meta, lint, broker, cancelled });
  }
  const rows = [...outcomes.values()].map(
    (o) =>
      `${o.preset}/${o.name}: lint ${o.lint.leaks.length} leak(s) ${o.lint.doubles.length} double(s); broker ${o.broker.unsettled} unsettled${o.broker.doubleSettle ? ', PRECONDITION_FAILED' : ''}` +
      (o.cancelled ? `; cancelled${o.cancelled.fired ? '' : ' (after it ended)'}: ${o.cancelled.unsettled} unsettled` : ''),
  );
  console.log(rows.join('\n'));
}, 300_000);

describe('broker fixtures: lint verdict = broker verdict', () => {
  for (const fixture of fixtures) {
    const id = `${fixture.preset}-${fixture.name}`;
    it(`${fixture.preset}/${fixture.name}`, () => {
      const outcome = outcomes.get(id);
      expect(outcome, id).toBeDefined();
      if (!outcome) return;
      const { lint, broker, meta } = outcome;
      expect(lint.typed, 'linted with type information').toBe(true);
      const lintLeaks = lint.leaks.length > 0;
      const brokerLeaks = broker.unsettled > 0;
      expect({ lint: lintLeaks, broker: brokerLeaks }, lint.leaks.map((m) => `${m.line}: ${m.message}`).join('\n')).toEqual({
        lint: meta.leaks,
        broker: meta.leaks,
      });
      expect({ lint: lint.doubles.length > 0, broker: broker.doubleSettle }).toEqual({
        lint: meta.doubleSettle ?? false,
        broker: meta.doubleSettle ?? false,
      });
      // NATS and BullMQ: the consumer cancelled (drive.ts) changes nothing the lint said.
      if (outcome.cancelled) expect({ cancelled: outcome.cancelled.unsettled > 0 }, 'with the consumer cancelled').toEqual({ cancelled: meta.leaks });
    });
  }
});

describe('the corpus', () => {
  it('covers every engine-backed preset with leaking and correct fixtures', () => {
    for (const preset of PRESETS) {
      const mine = [...outcomes.values()].filter((o) => o.preset === preset);
      expect(mine.filter((o) => o.meta.leaks).length, preset).toBeGreaterThanOrEqual(2);
      expect(mine.filter((o) => !o.meta.leaks && !o.meta.doubleSettle).length, preset).toBeGreaterThanOrEqual(2);
    }
    expect([...outcomes.values()].some((o) => o.meta.doubleSettle)).toBe(true);
  });

  it('injects faults that fire: a leaking fixture that throws is the one the broker shows unsettled', () => {
    expect([...outcomes.values()].some((o) => o.broker.threw && o.broker.unsettled > 0)).toBe(true);
  });

  it('cancels consumers that are still running: NATS loops waiting for a message, BullMQ workers in a handler', () => {
    for (const preset of ['nats', 'bullmq'] as const) {
      const mine = [...outcomes.values()].filter((o) => o.preset === preset);
      expect(mine.every((o) => o.cancelled !== undefined), preset).toBe(true);
      // Correct fixtures reach the cancel (the leaking ones may have thrown out before it).
      for (const o of mine.filter((m) => !m.meta.leaks)) expect(o.cancelled?.fired, `${preset}/${o.name}`).toBe(true);
    }
    // A paused worker takes no more jobs: the job published after the last one is still waiting.
    for (const o of [...outcomes.values()].filter((m) => m.preset === 'bullmq' && m.cancelled?.fired)) {
      expect(o.cancelled?.waiting, `bullmq/${o.name}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('without types, a fixture is judged the same (each imports its client package)', () => {
    for (const fixture of fixtures) {
      const outcome = outcomes.get(`${fixture.preset}-${fixture.name}`);
      const untyped = lintUntyped(readFileSync(fixture.file, 'utf8'), fixture.file);
      expect({ leaks: untyped.leaks.length > 0, doubles: untyped.doubles.length > 0 }, fixture.file).toEqual({
        leaks: (outcome?.lint.leaks.length ?? 0) > 0,
        doubles: (outcome?.lint.doubles.length ?? 0) > 0,
      });
    }
  });
});
