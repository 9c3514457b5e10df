/**
 * OpenTelemetry API objects known by where they come from (src/analysis/otel-values.ts): a method called on one is
 * no throw point, typed or not — also where the type says nothing (compiled JavaScript, a field typed `any`).
 */
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

import rule, { type MessageIds, type Options } from '../../rules/require-release.js';
import { typedTester, untypedTester } from './tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

const API = `import { context, metrics, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
`;

const valid: (Valid | string)[] = [
  // A private field given a substitute with the API's default (`options.propagator ?? propagation`).
  `${API}
export class Telemetry {
  #propagator: any;
  constructor(options: any = {}) {
    this.#propagator = options.propagator ?? propagation;
  }
  send(carrier: object) {
    const span = tracer.startSpan('send');
    this.#propagator.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
  }
}`,
  // A private field made by the API (`provider.getMeter(…)` off a substitute), and an instrument made from it.
  `${API}
export class Meters {
  #meter: any;
  #counter: any = null;
  constructor(options: any = {}) {
    this.#meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('x');
    this.#counter = this.#meter.createCounter('sent');
  }
  send() {
    const span = tracer.startSpan('send');
    this.#counter.add(1);
    span.end();
  }
}`,
  // A private method whose every return is an object of instruments (or null): a member of its result is one.
  `${API}
export class Instruments {
  enabled = true;
  #instruments() {
    if (!this.enabled) return null;
    const meter = metrics.getMeter('x');
    return { duration: meter.createHistogram('d'), sent: meter.createCounter('s') };
  }
  process() {
    const span = tracer.startSpan('process');
    this.#instruments()?.duration.record(1);
    span.end();
  }
}`,
  // tsc's downlevelled \`span ?? trace.getActiveSpan()\`, in a helper: the helper cannot throw.
  `${API}
function mark(error: any, span?: any) {
  const active = span !== null && span !== void 0 ? span : trace.getActiveSpan();
  if (active) active.recordException(error);
}
export function run(error: any) {
  const span = tracer.startSpan('x');
  mark(error);
  span.end();
}`,
];

function leak(code: string, line: number, output: string): Invalid {
  return { code, errors: [{ messageId: 'leakOnMayThrow', line, suggestions: [{ messageId: 'wrapInTryFinally', output }] }] };
}

const invalid: Invalid[] = [
  // One write stores something else: the field is not known to hold an API object.
  leak(
    `${API}
export class Telemetry {
  #propagator: any;
  constructor(options: any = {}) {
    this.#propagator = options.propagator ?? propagation;
  }
  use(make: () => any) {
    this.#propagator = make();
  }
  send(carrier: object) {
    const span = tracer.startSpan('send');
    this.#propagator.inject(context.active(), carrier);
    span.end();
  }
}`,
    14,
    `${API}
export class Telemetry {
  #propagator: any;
  constructor(options: any = {}) {
    this.#propagator = options.propagator ?? propagation;
  }
  use(make: () => any) {
    this.#propagator = make();
  }
  send(carrier: object) {
    const span = tracer.startSpan('send');
    try {
      this.#propagator.inject(context.active(), carrier);
    } finally {
      span.end();
    }
  }
}`,
  ),
  // TypeScript's \`private\` is not enforced at run time (\`Object.assign(this, …)\` writes it): not trusted.
  leak(
    `${API}
export class Telemetry {
  private propagator: any = propagation;
  send(carrier: object) {
    const span = tracer.startSpan('send');
    this.propagator.inject(context.active(), carrier);
    span.end();
  }
}`,
    8,
    `${API}
export class Telemetry {
  private propagator: any = propagation;
  send(carrier: object) {
    const span = tracer.startSpan('send');
    try {
      this.propagator.inject(context.active(), carrier);
    } finally {
      span.end();
    }
  }
}`,
  ),
  // \`context.with\` returns what its callback returns, and a context's value is what the application stored.
  leak(
    `${API}
const KEY = Symbol('k');
export function run(build: () => any) {
  const span = tracer.startSpan('x');
  const made = context.with(context.active(), build);
  context.active().getValue(KEY);
  made.start();
  span.end();
}`,
    7,
    `${API}
const KEY = Symbol('k');
export function run(build: () => any) {
  const span = tracer.startSpan('x');
  try {
    const made = context.with(context.active(), build);
    context.active().getValue(KEY);
    made.start();
  } finally {
    span.end();
  }
}`,
  ),
  leak(
    `${API}
const KEY = Symbol('k');
export function run() {
  const span = tracer.startSpan('x');
  (context.active().getValue(KEY) as any).start();
  span.end();
}`,
    7,
    `${API}
const KEY = Symbol('k');
export function run() {
  const span = tracer.startSpan('x');
  try {
    (context.active().getValue(KEY) as any).start();
  } finally {
    span.end();
  }
}`,
  ),
];

typedTester.run('require-release: OpenTelemetry values by provenance (typed)', rule, { valid, invalid });
untypedTester.run('require-release: OpenTelemetry values by provenance (untyped)', rule, { valid, invalid });
