/**
 * The real brokers the broker fixtures run against — RabbitMQ, NATS with JetStream, Redis (BullMQ's store) — from
 * the Debian packages, each started once per test run on a loopback port with its data in a temporary directory,
 * and stopped at the end (vitest globalSetup: tests/brokers/vitest.config.ts). A missing server fails the run with
 * the command that installs it; nothing is skipped.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

export const PORTS = { amqp: 56720, amqpDist: 56721, epmd: 43690, nats: 42220, redis: 63790 } as const;

const INSTALL = 'apt-get install -y rabbitmq-server nats-server redis-server';
const RABBITMQ = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const NATS = '/usr/sbin/nats-server';
const REDIS = '/usr/bin/redis-server';

/** The server's executable; a missing one is an error that says how to install it. */
export function requireServer(file: string, name: string): string {
  if (!existsSync(file)) {
    throw new Error(`${name} is not installed (${file} is missing). The broker tests need the real servers: run \`${INSTALL}\` as root, then \`npm run test:brokers\`.`);
  }
  return file;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, name: string, child: ChildProcess, log: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before listening on ${port}; see ${log}`);
    if (await portOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${seconds}s; see ${log}`);
}

const started: { name: string; child: ChildProcess }[] = [];
let dir: string | undefined;

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  // Its own process group, so that stopping it stops the processes it started (RabbitMQ's Erlang VM).
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  started.push({ name, child });
  return child;
}

export async function setup(project: TestProject): Promise<void> {
  const rabbit = requireServer(RABBITMQ, 'rabbitmq-server');
  const nats = requireServer(NATS, 'nats-server');
  const redis = requireServer(REDIS, 'redis-server');
  for (const [name, port] of Object.entries(PORTS)) {
    if (await portOpen(port)) throw new Error(`port ${port} (${name}) is already in use on 127.0.0.1: stop whatever listens there first`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'workqueue-brokers-'));
  const rabbitDir = path.join(dir, 'rabbitmq');
  mkdirSync(rabbitDir);
  writeFileSync(path.join(rabbitDir, 'enabled_plugins'), '[].\n');
  const rabbitLog = path.join(dir, 'rabbitmq.log');
  const rabbitChild = launch(
    'rabbitmq',
    rabbit,
    [],
    {
      HOME: rabbitDir,
      RABBITMQ_NODENAME: 'workqueue-test@localhost',
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(PORTS.amqp),
      RABBITMQ_DIST_PORT: String(PORTS.amqpDist),
      ERL_EPMD_PORT: String(PORTS.epmd),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_MNESIA_BASE: path.join(rabbitDir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(rabbitDir, 'log'),
      RABBITMQ_CONFIG_FILE: path.join(rabbitDir, 'rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(rabbitDir, 'enabled_plugins'),
    },
    rabbitLog,
  );
  const natsLog = path.join(dir, 'nats.log');
  const natsChild = launch('nats', nats, ['-a', '127.0.0.1', '-p', String(PORTS.nats), '-js', '-sd', path.join(dir, 'jetstream')], {}, natsLog);
  const redisLog = path.join(dir, 'redis.log');
  const redisChild = launch(
    'redis',
    redis,
    ['--bind', '127.0.0.1', '--port', String(PORTS.redis), '--save', '', '--appendonly', 'no', '--dir', dir],
    {},
    redisLog,
  );
  await Promise.all([
    waitForPort(PORTS.nats, 'nats-server', natsChild, natsLog, 20),
    waitForPort(PORTS.redis, 'redis-server', redisChild, redisLog, 20),
    waitForPort(PORTS.amqp, 'rabbitmq-server', rabbitChild, rabbitLog, 90),
  ]);
  project.provide('brokerPorts', PORTS);
}

export async function teardown(): Promise<void> {
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
  for (const { child } of started.reverse()) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    const group = -child.pid;
    signal(group, 'SIGTERM');
    const timer = setTimeout(() => signal(group, 'SIGKILL'), 20_000);
    await exited(child);
    clearTimeout(timer);
  }
  // RabbitMQ's Erlang VM started a port mapper daemon on our port; it stops only once no node is registered.
  try {
    execFileSync('/usr/bin/epmd', ['-kill'], { env: { ...process.env, ERL_EPMD_PORT: String(PORTS.epmd) }, stdio: 'ignore' });
  } catch {
    // Not running.
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function signal(group: number, name: NodeJS.Signals): void {
  try {
    process.kill(group, name);
  } catch {
    // Already gone.
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    brokerPorts: typeof PORTS;
  }
}
